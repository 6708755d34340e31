package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
)

const dashboardQ = `{ partnerDashboard { leadDays
	reps { rep { id name } fillRate medianDaysToFill
		openPostings { posting { id title } placed stages { status count } }
		endingWithoutRenewal { id endDate }
		waitingInquiries { slaState inquiry { id status } } }
	coordinators { coordinator { name } openInquiries capacity } } }`

// TestPartnerDashboard (issue 15 item 7) on the demo data, both databases: a sales rep sees only
// their own part and its figures match the rows; admins see every rep and coordinator; the others
// are refused; and the statement count stays the same when the rep gets ten more postings with
// applications.
func TestPartnerDashboard(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 0)
			srv := httptest.NewServer(d.handler)
			defer srv.Close()
			login := func(email string) string {
				r := do(t, srv.URL, "", query(fmt.Sprintf(`mutation{login(input:{email:%q,password:"demo-password"}){accessToken}}`, email), nil))
				return r.Data["login"].(map[string]any)["accessToken"].(string)
			}
			sys := access.System(context.Background(), "test: check the dashboard's figures")
			c := d.db.Client
			rep := c.SalesRep.Query().Where(salesrep.HasAccountWith(account.Email("sales@demo.example"))).OnlyX(sys)
			sales, admin := login("sales@demo.example"), login("admin@demo.example")
			// One inquiry waiting on the rep, due in ten minutes.
			g := c.Registrant.Query().Where().FirstX(sys)
			soon := c.Inquiry.Create().SetAgencyID(rep.AgencyID).SetRegistrantID(g.ID).SetKind(inquiry.KindGENERAL).
				SetStatus(inquiry.StatusASSIGNED).SetSalesRepID(rep.ID).SetDueAt(time.Now().Add(10 * time.Minute)).SaveX(sys)

			r := do(t, srv.URL, sales, query(dashboardQ, nil))
			if errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			dash := r.Data["partnerDashboard"].(map[string]any)
			reps := dash["reps"].([]any)
			if len(reps) != 1 || len(dash["coordinators"].([]any)) != 0 {
				t.Fatalf("a rep's dashboard has %d reps and %d coordinators", len(reps), len(dash["coordinators"].([]any)))
			}
			mine := reps[0].(map[string]any)
			if mine["rep"].(map[string]any)["id"] != fmt.Sprint(rep.ID) {
				t.Fatalf("another rep's part: %v", mine["rep"])
			}
			open := c.Posting.Query().Where(posting.AccountRepID(rep.ID), posting.StatusEQ(posting.StatusOPEN)).AllX(sys)
			if got := len(mine["openPostings"].([]any)); got != len(open) || got == 0 {
				t.Fatalf("%d open postings shown, %d in the data", got, len(open))
			}
			for _, x := range mine["openPostings"].([]any) {
				pp := x.(map[string]any)
				var id int
				fmt.Sscan(pp["posting"].(map[string]any)["id"].(string), &id)
				total := 0
				for _, st := range pp["stages"].([]any) {
					total += int(st.(map[string]any)["count"].(float64))
				}
				if want := c.Application.Query().Where(application.PostingID(id)).CountX(sys); total != want {
					t.Errorf("posting %d: stages add up to %d, it has %d applications", id, total, want)
				}
			}
			lead := c.Agency.GetX(sys, rep.AgencyID).NextJobLeadDays
			today := time.Now().UTC().Truncate(24 * time.Hour)
			wantEnding := c.Assignment.Query().Where(assignment.HasPostingWith(posting.AccountRepID(rep.ID)),
				assignment.StatusIn(assignment.StatusSCHEDULED, assignment.StatusACTIVE), assignment.EndDateGTE(today),
				assignment.EndDateLTE(today.AddDate(0, 0, lead)), assignment.Not(assignment.HasRenewal())).CountX(sys)
			if got := len(mine["endingWithoutRenewal"].([]any)); got != wantEnding {
				t.Errorf("%d assignments ending without renewal shown, %d in the data", got, wantEnding)
			}
			wantWaiting := c.Inquiry.Query().Where(inquiry.SalesRepID(rep.ID),
				inquiry.StatusIn(inquiry.StatusASSIGNED, inquiry.StatusACKNOWLEDGED, inquiry.StatusHANDED_OFF)).CountX(sys)
			if got := len(mine["waitingInquiries"].([]any)); got != wantWaiting || got == 0 {
				t.Errorf("%d waiting inquiries shown, %d in the data", got, wantWaiting)
			}
			for _, w := range mine["waitingInquiries"].([]any) {
				w := w.(map[string]any)
				if w["inquiry"].(map[string]any)["id"] == fmt.Sprint(soon.ID) && w["slaState"] != "DUE_SOON" {
					t.Errorf("inquiry due in 10 minutes is %v", w["slaState"])
				}
			}

			r = do(t, srv.URL, admin, query(dashboardQ, nil))
			if errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			dash = r.Data["partnerDashboard"].(map[string]any)
			if n := c.SalesRep.Query().Where(salesrep.AgencyID(rep.AgencyID)).CountX(sys); len(dash["reps"].([]any)) != n {
				t.Errorf("admin sees %d reps of %d", len(dash["reps"].([]any)), n)
			}
			if len(dash["coordinators"].([]any)) == 0 {
				t.Error("admin sees no coordinator workload")
			}
			for _, who := range []string{"coordinator@demo.example", "registrant@demo.example"} {
				if r := do(t, srv.URL, login(who), query(dashboardQ, nil)); errCode(r) != graph.CodeForbidden {
					t.Errorf("%s: %+v", who, r.Errors)
				}
			}
			if r := do(t, srv.URL, "", query(dashboardQ, nil)); errCode(r) != graph.CodeUnauthenticated {
				t.Errorf("anonymous: %+v", r.Errors)
			}

			// Constant statements: ten more open postings with applications change nothing.
			before := statements(t, srv.URL, admin, dashboardQ)
			tmpl := open[0]
			regs := c.Registrant.Query().Where().Limit(3).IDsX(sys)
			for i := range 10 {
				p := c.Posting.Create().SetAgencyID(rep.AgencyID).SetOrgUnitID(tmpl.OrgUnitID).SetAccountRepID(rep.ID).
					SetTitle(fmt.Sprintf("追加 %d", i)).SetJobCategory(tmpl.JobCategory).SetHourlyWage(tmpl.HourlyWage).
					SetPrefecture(tmpl.Prefecture).SetStatus(posting.StatusOPEN).SaveX(sys)
				for _, g := range regs {
					c.Application.Create().SetAgencyID(rep.AgencyID).SetRegistrantID(g).SetPostingID(p.ID).ExecX(sys)
				}
			}
			if after := statements(t, srv.URL, admin, dashboardQ); after != before {
				t.Errorf("statements grew with the postings: %s → %s", before, after)
			} else {
				t.Logf("%s: %s statements per dashboard, before and after 10 more postings (rep: %d open postings, %d ending, %d waiting)",
					kind, after, len(open), wantEnding, wantWaiting)
			}
		})
	}
}

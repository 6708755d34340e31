package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/businesstime"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
)

var sys = access.System(context.Background(), "pipeline test fixture")

type fixture struct {
	c        *ent.Client
	svc      *pipeline.Service
	ag       *ent.Agency
	rep      *ent.SalesRep
	repV     *auth.Viewer
	regV     *auth.Viewer
	reg      *ent.Registrant
	post     *ent.Posting
	badPost  *ent.Posting // at a site whose conflict date was never notified
	today    time.Time
	unitSite *ent.ClientSite
}

func date(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func newFixture(t testing.TB, c *ent.Client, slug string) *fixture {
	t.Helper()
	f := &fixture{c: c, today: date("2026-11-20")}
	f.svc = &pipeline.Service{Client: c, Now: func() time.Time { return f.today.Add(10 * time.Hour) }}
	f.ag = c.Agency.Create().SetName(slug).SetSlug(slug).SetRoutingMode(agency.RoutingModeDIRECT).SaveX(sys)
	repAcc := c.Account.Create().SetAgencyID(f.ag.ID).SetEmail("rep@" + slug + ".example").SetPasswordHash("x").SetRole(account.RoleSALES_REP).SaveX(sys)
	f.rep = c.SalesRep.Create().SetAgencyID(f.ag.ID).SetName("担当").SetKind(salesrep.KindACCOUNT).SetAccountID(repAcc.ID).SetCapacity(100).SaveX(sys)
	f.repV = &auth.Viewer{AccountID: repAcc.ID, AgencyID: f.ag.ID, Role: auth.RoleSalesRep, ProfileID: f.rep.ID}
	cl := c.ClientCompany.Create().SetAgencyID(f.ag.ID).SetName("X").SetIndustry("製造業").SetLegalEntityNumber("1234567890123").SaveX(sys)
	site := c.ClientSite.Create().SetAgencyID(f.ag.ID).SetClientID(cl.ID).SetName("S").SetAddress("a").SetPrefecture("東京都").
		SetConflictDate(date("2029-04-01")).SetConflictDateNotifiedAt(date("2026-01-05")).SaveX(sys)
	bad := c.ClientSite.Create().SetAgencyID(f.ag.ID).SetClientID(cl.ID).SetName("S2").SetAddress("b").SetPrefecture("東京都").SaveX(sys)
	unit := c.OrgUnit.Create().SetAgencyID(f.ag.ID).SetSiteID(site.ID).SetName("U").SaveX(sys)
	badUnit := c.OrgUnit.Create().SetAgencyID(f.ag.ID).SetSiteID(bad.ID).SetName("U2").SaveX(sys)
	mk := func(u *ent.OrgUnit, typ posting.Type) *ent.Posting {
		return c.Posting.Create().SetAgencyID(f.ag.ID).SetOrgUnitID(u.ID).SetAccountRepID(f.rep.ID).SetTitle("P").SetType(typ).
			SetJobCategory("一般事務").SetHourlyWage(1500).SetBillRate(2100).SetPrefecture("東京都").SetStatus(posting.StatusOPEN).SaveX(sys)
	}
	f.post, f.badPost = mk(unit, posting.TypeDISPATCH), mk(badUnit, posting.TypeDISPATCH)
	regAcc := c.Account.Create().SetAgencyID(f.ag.ID).SetEmail("reg@" + slug + ".example").SetPasswordHash("x").SetRole(account.RoleREGISTRANT).SaveX(sys)
	f.reg = c.Registrant.Create().SetAgencyID(f.ag.ID).SetAccountID(regAcc.ID).SetName("登録者").SetPrefecture("東京都").
		SetBirthDate(date("1990-05-01")).SaveX(sys)
	f.regV = &auth.Viewer{AccountID: regAcc.ID, AgencyID: f.ag.ID, Role: auth.RoleRegistrant, ProfileID: f.reg.ID}
	return f
}

func (f *fixture) as(v *auth.Viewer) context.Context { return auth.WithViewer(context.Background(), v) }

func (f *fixture) apply(t testing.TB, p *ent.Posting) *ent.Application {
	t.Helper()
	a, err := f.svc.Apply(f.as(f.regV), p.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) move(a *ent.Application, to string, start, end string) (*pipeline.Result, error) {
	m := pipeline.Move{ApplicationID: a.ID, To: to}
	if start != "" {
		s, e := date(start), date(end)
		m.Start, m.End = &s, &e
	}
	return f.svc.Advance(f.as(f.repV), m)
}

func TestPipelineFlows(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			f := newFixture(t, db.Client, "flows")

			a := f.apply(t, f.post)
			if _, err := f.svc.Apply(f.as(f.regV), f.post.ID, nil); !ent.IsConstraintError(errors.Unwrap(errors.Unwrap(err))) && !isConstraint(err) {
				t.Fatalf("second active application on the same posting: %v", err)
			}
			for _, step := range []string{pipeline.Screening, pipeline.ScreeningPassed} {
				if _, err := f.move(a, step, "", ""); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
			}
			if _, err := f.move(a, pipeline.PlacedStatus, "2026-12-01", "2027-05-31"); !errors.Is(err, pipeline.ErrInvalidTransition) {
				t.Fatalf("skipping to PLACED: %v", err)
			}
			// A workplace visit on DISPATCH needs the registrant's own request (rule 5).
			var ce *pipeline.ComplianceError
			if _, err := f.move(a, pipeline.ClientMeeting, "", ""); !errors.As(err, &ce) || ce.Findings[0].Rule != compliance.RulePreSelection {
				t.Fatalf("client meeting on a dispatch posting: %v", err)
			}
			if _, err := f.move(a, pipeline.OfferedStatus, "", ""); !errors.Is(err, pipeline.ErrDatesRequired) {
				t.Fatalf("offer without dates: %v", err)
			}
			if _, err := f.move(a, pipeline.OfferedStatus, "2026-12-01", "2026-12-20"); !errors.As(err, &ce) || ce.Findings[0].Rule != compliance.RuleDayLabour {
				t.Fatalf("a 20-day offer must be blocked as day labour: %v", err)
			}
			res, err := f.move(a, pipeline.OfferedStatus, "2026-12-01", "2027-05-31")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.move(a, pipeline.Accepted, "", ""); err != nil {
				t.Fatal(err)
			}
			res, err = f.move(a, pipeline.PlacedStatus, "2026-12-01", "2027-05-31")
			if err != nil {
				t.Fatal(err)
			}
			if res.Assignment == nil || res.Assignment.ApplicationID == nil || *res.Assignment.ApplicationID != a.ID {
				t.Fatalf("PLACED did not create its assignment: %+v", res.Assignment)
			}
			if _, err := f.svc.Advance(f.as(f.regV), pipeline.Move{ApplicationID: a.ID, To: pipeline.WithdrawnStatus}); !errors.Is(err, pipeline.ErrInvalidTransition) {
				t.Fatalf("withdraw after placement: %v", err)
			}
			// Renewal links to the previous assignment and starts the day after it ends.
			next, _, err := f.svc.Renew(f.as(f.repV), res.Assignment.ID, date("2027-11-30"), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if next.RenewalOfID == nil || *next.RenewalOfID != res.Assignment.ID || !next.StartDate.Equal(date("2027-06-01")) {
				t.Fatalf("renewal: %+v", next)
			}
			// Renewing past the 3-year individual limit at this org unit is blocked.
			if _, _, err := f.svc.Renew(f.as(f.repV), next.ID, date("2029-12-31"), nil, nil); !errors.As(err, &ce) {
				t.Fatalf("renewal past 3 years / conflict date: %v", err)
			}

			// A site whose conflict date was never notified blocks the offer.
			b := f.apply(t, f.badPost)
			for _, step := range []string{pipeline.Screening, pipeline.ScreeningPassed} {
				if _, err := f.move(b, step, "", ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.move(b, pipeline.OfferedStatus, "2026-12-01", "2027-05-31"); !errors.As(err, &ce) || ce.Findings[0].Rule != compliance.RuleSiteNoticeMissing {
				t.Fatalf("offer at a site without notice: %v", err)
			}
			// The registrant withdraws: the pair is free again.
			if _, err := f.svc.Advance(f.as(f.regV), pipeline.Move{ApplicationID: b.ID, To: pipeline.WithdrawnStatus}); err != nil {
				t.Fatal(err)
			}
			f.apply(t, f.badPost)
			hist := db.Client.ApplicationEvent.Query().CountX(sys)
			if hist < 9 {
				t.Fatalf("status history rows: %d", hist)
			}
		})
	}
}

func isConstraint(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ent.IsConstraintError(e) {
			return true
		}
	}
	return false
}

// TestPlacedHasExactlyOneAssignment: random walks through the state machine by staff and the
// registrant, and a race of eight placers: a PLACED application always has exactly one assignment,
// anything else none.
func TestPlacedHasExactlyOneAssignment(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			f := newFixture(t, db.Client, "walks")
			rng := rand.New(rand.NewPCG(7, 11))
			placed := 0
			for walk := range 12 {
				a := f.apply(t, f.post)
				for range 12 {
					v, actor := f.repV, pipeline.ByStaff
					if rng.IntN(6) == 0 {
						v, actor = f.regV, pipeline.ByRegistrant
					}
					// Mostly legal moves (so walks get far), sometimes any status (must be refused).
					cur := db.Client.Application.GetX(sys, a.ID).Status.String()
					to := pipeline.Statuses[rng.IntN(len(pipeline.Statuses))]
					if next := pipeline.Next(cur, actor); len(next) > 0 && rng.IntN(5) > 0 {
						to = next[rng.IntN(len(next))]
					}
					m := pipeline.Move{ApplicationID: a.ID, To: to}
					s, e := date("2026-12-01"), date("2027-05-31")
					m.Start, m.End = &s, &e
					_, _ = f.svc.Advance(f.as(v), m)
					after := db.Client.Application.GetX(sys, a.ID)
					n := db.Client.Assignment.Query().Where(assignment.ApplicationID(a.ID)).CountX(sys)
					if (after.Status == application.StatusPLACED) != (n == 1) || n > 1 {
						t.Fatalf("walk %d: status %s with %d assignments", walk, after.Status, n)
					}
				}
				// Free the pair for the next walk.
				cur := db.Client.Application.GetX(sys, a.ID)
				if cur.Status != application.StatusPLACED && pipeline.IsActive(cur.Status.String()) {
					if _, err := f.svc.Advance(f.as(f.regV), pipeline.Move{ApplicationID: a.ID, To: pipeline.WithdrawnStatus}); err != nil {
						t.Fatal(err)
					}
				}
				if cur.Status == application.StatusPLACED {
					placed++
					break
				}
			}
			if placed == 0 {
				t.Fatal("no walk reached PLACED: the property was not exercised")
			}
			if kind != dbtest.Postgres {
				return
			}
			// Race: eight placers on one ACCEPTED application.
			g := f.apply(t, f.badPost)
			db.Client.Application.UpdateOne(g).SetStatus(application.StatusACCEPTED).ExecX(sys)
			db.Client.ClientSite.Update().SetConflictDateNotifiedAt(date("2026-01-05")).SetConflictDate(date("2029-04-01")).ExecX(sys)
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := f.move(g, pipeline.PlacedStatus, "2027-07-01", "2027-12-31"); err == nil {
						mu.Lock()
						ok++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			n := db.Client.Assignment.Query().Where(assignment.ApplicationID(g.ID)).CountX(sys)
			if ok != 1 || n != 1 {
				t.Fatalf("%d placers succeeded, %d assignments; want exactly one", ok, n)
			}
		})
	}
}

func TestCallbackDue(t *testing.T) {
	tokyo, err := businesstime.NewCalendar("Asia/Tokyo", "09:00", "18:00", []int{1, 2, 3, 4, 5}, []string{"2026-11-23"})
	if err != nil {
		t.Fatal(err)
	}
	jst := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		name string
		c    pipeline.Contact
		at   time.Time
		want string // "" = no callback
	}{
		{"Friday 18:55 voicemail → Tuesday 09:00 (Monday is a holiday)", pipeline.Contact{Channel: contactlog.ChannelVOICEMAIL, Direction: contactlog.DirectionINBOUND, Outcome: contactlog.OutcomeLEFT_VOICEMAIL},
			time.Date(2026, 11, 20, 18, 55, 0, 0, jst), "2026-11-24T09:00:00+09:00"},
		{"missed call during business hours → now", pipeline.Contact{Channel: contactlog.ChannelPHONE, Direction: contactlog.DirectionINBOUND, Outcome: contactlog.OutcomeNO_ANSWER},
			time.Date(2026, 11, 19, 14, 0, 0, 0, jst), "2026-11-19T14:00:00+09:00"},
		{"call on a public holiday → next business morning", pipeline.Contact{Channel: contactlog.ChannelPHONE, Direction: contactlog.DirectionINBOUND, Outcome: contactlog.OutcomeNO_ANSWER},
			time.Date(2026, 11, 23, 11, 0, 0, 0, jst), "2026-11-24T09:00:00+09:00"},
		{"outbound no answer Thursday → 2 business days later (Monday holiday skipped)", pipeline.Contact{Channel: contactlog.ChannelPHONE, Direction: contactlog.DirectionOUTBOUND, Outcome: contactlog.OutcomeNO_ANSWER},
			time.Date(2026, 11, 19, 10, 0, 0, 0, jst), "2026-11-24T10:00:00+09:00"},
		{"outbound voicemail left Thursday → 2 business days later, like no answer (§7.3)", pipeline.Contact{Channel: contactlog.ChannelPHONE, Direction: contactlog.DirectionOUTBOUND, Outcome: contactlog.OutcomeLEFT_VOICEMAIL},
			time.Date(2026, 11, 19, 10, 0, 0, 0, jst), "2026-11-24T10:00:00+09:00"},
		{"reached: nothing to do", pipeline.Contact{Channel: contactlog.ChannelPHONE, Direction: contactlog.DirectionINBOUND, Outcome: contactlog.OutcomeREACHED},
			time.Date(2026, 11, 19, 10, 0, 0, 0, jst), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pipeline.CallbackDue(tokyo, tc.c, tc.at)
			switch {
			case tc.want == "" && got != nil:
				t.Fatalf("unexpected callback %v", got)
			case tc.want != "" && (got == nil || got.Format(time.RFC3339) != tc.want):
				t.Fatalf("callback %v, want %s", got, tc.want)
			}
		})
	}
}

// Next-job job (§7.2): run twice, and from two processes at once, it opens exactly one SYSTEM
// NEXT_JOB inquiry per assignment ending within the lead days without a next assignment.
func TestNextJobJobOncePerAssignment(t *testing.T) {
	url := dbtest.ScratchPostgres(t)
	db, err := database.Open(context.Background(), database.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), slogDiscard()); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, db.Client, "nextjob")
	mk := func(start, end string) *ent.Assignment {
		reg := db.Client.Registrant.Create().SetAgencyID(f.ag.ID).SetName("R").SetPrefecture("東京都").SaveX(sys)
		return db.Client.Assignment.Create().SetAgencyID(f.ag.ID).SetRegistrantID(reg.ID).SetPostingID(f.post.ID).
			SetOrgUnitID(f.post.OrgUnitID).SetStartDate(date(start)).SetEndDate(date(end)).SetHourlyWage(1500).
			SetStatus(assignment.StatusACTIVE).SaveX(sys)
	}
	var due []*ent.Assignment
	for range 10 {
		due = append(due, mk("2026-06-01", "2026-12-10")) // ends in 20 days
	}
	far := mk("2026-06-01", "2027-03-31") // ends in 4 months: not yet
	renewed := mk("2026-06-01", "2026-12-05")
	db.Client.Assignment.Create().SetAgencyID(f.ag.ID).SetRegistrantID(renewed.RegistrantID).SetPostingID(f.post.ID).
		SetOrgUnitID(f.post.OrgUnitID).SetStartDate(date("2026-12-06")).SetEndDate(date("2027-05-31")).SetHourlyWage(1500).SaveX(sys)

	router := routing.NewRouter(db.Client, true, nil)
	for range 2 {
		if _, err := f.svc.OpenNextJobInquiries(context.Background(), router); err != nil {
			t.Fatal(err)
		}
	}
	// Two more runs from two OS processes at once.
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestNextJobHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "NEXTJOB_HELPER_DSN="+url)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("helper %d: %v\n%s", i, err, out)
			}
		}()
	}
	wg.Wait()
	count := func(a *ent.Assignment) int {
		return db.Client.Inquiry.Query().Where(inquiry.RegistrantID(a.RegistrantID), inquiry.KindEQ(inquiry.KindNEXT_JOB),
			inquiry.OriginEQ(inquiry.OriginSYSTEM)).CountX(sys)
	}
	for _, a := range due {
		if n := count(a); n != 1 {
			t.Fatalf("assignment %d: %d next-job inquiries, want 1", a.ID, n)
		}
	}
	if n := count(far); n != 0 {
		t.Fatalf("assignment ending in 4 months got %d inquiries", n)
	}
	if n := count(renewed); n != 0 {
		t.Fatalf("assignment with a settled next one got %d inquiries", n)
	}
	if n := db.Client.Inquiry.Query().Where(inquiry.AssignedAtNotNil()).CountX(sys); n == 0 {
		t.Fatal("next-job inquiries were not routed")
	}
}

func TestNextJobHelperProcess(t *testing.T) {
	dsn := os.Getenv("NEXTJOB_HELPER_DSN")
	if dsn == "" {
		return // only does something as a helper process of TestNextJobJobOncePerAssignment
	}
	db, err := database.Open(context.Background(), database.Config{URL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &pipeline.Service{Client: db.Client, Now: func() time.Time { return date("2026-11-20").Add(10 * time.Hour) }}
	n, err := svc.OpenNextJobInquiries(context.Background(), routing.NewRouter(db.Client, true, nil))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("pid %d opened %d\n", os.Getpid(), n)
}

func slogDiscard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

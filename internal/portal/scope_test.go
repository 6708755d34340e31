package portal_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/portal"
	"github.com/example/staffcrm/internal/seed"
)

// TestPortalScope calls the registrant views directly, as a job or a CLI would, with the demo
// registrant in ctx: every read by id answers her own rows and nothing else (another registrant's
// of her agency, the other agency's), staff get no registrant view, and a profile update changes her
// row only.
func TestPortalScope(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			sys := access.System(context.Background(), "test: seed and fixtures")
			if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return "x:" + pw, nil }); err != nil {
				t.Fatal(err)
			}
			c := db.Client
			me := c.Account.Query().Where(account.Email("registrant@demo.example")).OnlyX(sys)
			mine := c.Registrant.Query().Where(registrant.AccountID(me.ID)).OnlyX(sys)
			neighbour := c.Registrant.Query().Where(registrant.AgencyID(me.AgencyID), registrant.IDNEQ(mine.ID)).FirstX(sys)
			foreign := c.Registrant.Query().Where(registrant.AgencyIDNEQ(me.AgencyID)).FirstX(sys)
			viewer := &auth.Viewer{AccountID: me.ID, AgencyID: me.AgencyID, Role: auth.RoleRegistrant, ProfileID: mine.ID}
			ctx := auth.WithViewer(context.Background(), viewer)

			// One inquiry and one assignment of each of the three registrants.
			inquiryOf := map[int]int{}
			assignmentOf := map[int]int{}
			for _, r := range []*ent.Registrant{mine, neighbour, foreign} {
				p := c.Posting.Query().Where(posting.AgencyID(r.AgencyID)).FirstX(sys)
				inquiryOf[r.ID] = c.Inquiry.Create().SetAgencyID(r.AgencyID).SetRegistrantID(r.ID).SetPostingID(p.ID).
					SetKind(inquiry.KindPOSTING_QUESTION).SetChannel(inquiry.ChannelAPP).SetOrigin(inquiry.OriginREGISTRANT).
					SetMessage("scope test").SaveX(sys).ID
				if a, err := c.Assignment.Query().Where(assignment.RegistrantID(r.ID)).First(sys); err == nil {
					assignmentOf[r.ID] = a.ID
				} else {
					assignmentOf[r.ID] = c.Assignment.Create().SetAgencyID(r.AgencyID).SetRegistrantID(r.ID).SetPostingID(p.ID).
						SetOrgUnitID(p.OrgUnitID).SetHourlyWage(p.HourlyWage).
						SetStartDate(p.CreatedAt).SetEndDate(p.CreatedAt.AddDate(0, 3, 0)).SaveX(sys).ID
				}
			}
			any := c.Posting.Query().Where(posting.AgencyID(me.AgencyID)).FirstX(sys)
			hidden := c.Posting.Create().SetAgencyID(me.AgencyID).SetOrgUnitID(any.OrgUnitID).SetAccountRepID(any.AccountRepID).
				SetTitle("非公開").SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").
				SetStatus(posting.StatusOPEN).SetVisibility(posting.VisibilityNON_PUBLIC).SaveX(sys).ID
			foreignPosting := c.Posting.Query().Where(posting.AgencyIDNEQ(me.AgencyID)).FirstIDX(sys)

			l := portal.Loader{Client: c}
			before := digest(t, c)
			notFound := map[string]func() error{}
			for who, r := range map[string]*ent.Registrant{"neighbour's": neighbour, "other agency's": foreign} {
				notFound[who+" inquiry"] = func() error { _, err := l.Inquiry(ctx, inquiryOf[r.ID]); return err }
				notFound[who+" assignment"] = func() error { _, err := l.Assignment(ctx, assignmentOf[r.ID]); return err }
				notFound[who+" inquiry as node"] = func() error { _, err := l.Node(ctx, &ent.Inquiry{ID: inquiryOf[r.ID]}); return err }
				notFound[who+" assignment as node"] = func() error { _, err := l.Node(ctx, &ent.Assignment{ID: assignmentOf[r.ID]}); return err }
			}
			notFound["non-public posting not introduced to her"] = func() error { _, err := l.PublicPosting(ctx, hidden); return err }
			notFound["other agency's posting"] = func() error { _, err := l.PublicPosting(ctx, foreignPosting); return err }
			names := make([]string, 0, len(notFound))
			for n := range notFound {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if err := notFound[n](); !ent.IsNotFound(err) {
					t.Errorf("%s: %v, want not found", n, err)
				}
			}
			// Positive controls: her own rows come back.
			if q, err := l.Inquiry(ctx, inquiryOf[mine.ID]); err != nil || q.ID != inquiryOf[mine.ID] {
				t.Errorf("own inquiry: %v", err)
			}
			if a, err := l.Assignment(ctx, assignmentOf[mine.ID]); err != nil || a.ID != assignmentOf[mine.ID] {
				t.Errorf("own assignment: %v", err)
			}
			// Staff have no registrant view.
			staff := auth.WithViewer(context.Background(), &auth.Viewer{AccountID: me.ID, AgencyID: me.AgencyID, Role: auth.RoleCoordinator, ProfileID: 1})
			if _, err := l.Inquiry(staff, inquiryOf[mine.ID]); !errors.Is(err, portal.ErrNotRegistrant) {
				t.Errorf("staff reading a registrant view: %v", err)
			}
			if after := digest(t, c); after != before {
				t.Errorf("reads changed rows")
			}
			// A profile update touches her row only.
			city := "横浜市"
			if _, err := l.UpdateProfile(ctx, portal.ProfileChanges{City: &city}); err != nil {
				t.Fatal(err)
			}
			got := c.Registrant.GetX(sys, mine.ID)
			if got.City != city {
				t.Errorf("own profile not updated: %v", got.City)
			}
			mineBefore, mineAfter := rowOf(before, "registrant", mine.ID), rowOf(digest(t, c), "registrant", mine.ID)
			if strings.Replace(digest(t, c), mineAfter, mineBefore, 1) != before {
				t.Errorf("a profile update changed rows other than her own")
			}
		})
	}
}

// digest renders every registrant, inquiry and assignment row, one line each.
func digest(t *testing.T, c *ent.Client) string {
	t.Helper()
	sys := access.System(context.Background(), "test: digest rows")
	var b strings.Builder
	for _, r := range c.Registrant.Query().Order(ent.Asc(registrant.FieldID)).AllX(sys) {
		fmt.Fprintf(&b, "registrant %d %s %s %s %s %d %d\n", r.ID, r.Name, r.Kana, val(r.Email), r.City, val(r.AccountID), r.UpdatedAt.UnixNano())
	}
	for _, q := range c.Inquiry.Query().Order(ent.Asc(inquiry.FieldID)).AllX(sys) {
		fmt.Fprintf(&b, "inquiry %d %s %d %d\n", q.ID, q.Status, val(q.CoordinatorID), val(q.SalesRepID))
	}
	for _, a := range c.Assignment.Query().Order(ent.Asc(assignment.FieldID)).AllX(sys) {
		fmt.Fprintf(&b, "assignment %d %d %v\n", a.ID, a.RegistrantID, a.StartDate)
	}
	return b.String()
}

func rowOf(digest, kind string, id int) string {
	prefix := fmt.Sprintf("%s %d ", kind, id)
	for _, line := range strings.Split(digest, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

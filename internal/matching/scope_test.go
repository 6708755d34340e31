package matching_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/matching"
)

// TestMatchingScope calls the matching service directly, as a job or another service would, with a
// viewer of agency A in ctx: ids of agency B and ids outside the viewer's row scope are not found,
// nothing about them comes back, and no row changes. Before the service checked scope itself
// (issue 14) the market read of another agency went through its System bypass, and the rankings
// relied on the Finder happening to read its first row under the caller's privacy.
func TestMatchingScope(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			a, b := newWorld(t, db.Client, "scope-a"), newWorld(t, db.Client, "scope-b")
			tasks := []string{"請求書発行", "仕訳入力"}
			pubA, pubB := a.posting("経理事務", tasks, 1500), b.posting("経理事務", tasks, 1500)
			hiddenA := a.c.Posting.Create().SetAgencyID(a.agency.ID).SetOrgUnitID(a.unit.ID).SetAccountRepID(a.rep.ID).
				SetTitle("非公開").SetJobCategory("経理事務").SetTaskTags(tasks).SetHourlyWage(1600).SetPrefecture("東京都").
				SetStatus(posting.StatusOPEN).SetVisibility(posting.VisibilityNON_PUBLIC).SaveX(sys)
			hist := func(w *world) *ent.WorkHistoryCreate {
				return w.history("X社", "製造業", "経理事務", tasks, "2020-04-01", "2025-03-31")
			}
			regA, otherA, regB := a.registrant("GA", hist(a)), a.registrant("GA2", hist(a)), b.registrant("GB", hist(b))

			as := func(v *auth.Viewer) context.Context { return auth.WithViewer(context.Background(), v) }
			acc := func(w *world, role account.Role, name string) *ent.Account {
				return w.c.Account.Create().SetAgencyID(w.agency.ID).SetEmail(name + "@" + w.agency.Slug + ".example").
					SetPasswordHash("x").SetRole(role).SaveX(sys)
			}
			admin := a.staff
			cAcc := acc(a, account.RoleCOORDINATOR, "c")
			coord := a.c.Coordinator.Create().SetAgencyID(a.agency.ID).SetName("C").SetAccountID(cAcc.ID).SaveX(sys)
			coordinator := as(&auth.Viewer{AccountID: cAcc.ID, AgencyID: a.agency.ID, Role: auth.RoleCoordinator, ProfileID: coord.ID})
			rAcc := acc(a, account.RoleSALES_REP, "r")
			rep := a.c.SalesRep.Create().SetAgencyID(a.agency.ID).SetName("R2").SetKind(salesrep.KindACCOUNT).SetAccountID(rAcc.ID).SaveX(sys)
			repPosting := a.c.Posting.Create().SetAgencyID(a.agency.ID).SetOrgUnitID(a.unit.ID).SetAccountRepID(rep.ID).
				SetTitle("R2の求人").SetJobCategory("経理事務").SetTaskTags(tasks).SetHourlyWage(1500).SetPrefecture("東京都").
				SetStatus(posting.StatusOPEN).SaveX(sys)
			a.c.Application.Create().SetAgencyID(a.agency.ID).SetRegistrantID(regA.ID).SetPostingID(repPosting.ID).SaveX(sys)
			salesRep := as(&auth.Viewer{AccountID: rAcc.ID, AgencyID: a.agency.ID, Role: auth.RoleSalesRep, ProfileID: rep.ID})
			gAcc := acc(a, account.RoleREGISTRANT, "g")
			reg := as(&auth.Viewer{AccountID: gAcc.ID, AgencyID: a.agency.ID, Role: auth.RoleRegistrant, ProfileID: regA.ID})
			svc := &matching.Service{Client: db.Client}
			viewers := map[string]context.Context{"admin": admin, "coordinator": coordinator, "sales rep": salesRep, "registrant": reg}

			// Each call returns what it found, so the test can check nothing came back.
			type call struct {
				name string
				run  func() (any, error)
				want error
			}
			postings := func(ctx context.Context, id int) func() (any, error) {
				return func() (any, error) { return svc.MatchPostings(ctx, id, matching.Window{Limit: 50}) }
			}
			registrants := func(ctx context.Context, id int) func() (any, error) {
				return func() (any, error) { return svc.MatchRegistrants(ctx, id, matching.Window{Limit: 50}) }
			}
			market := func(ctx context.Context, id int) func() (any, error) {
				return func() (any, error) { return svc.Market(ctx, id) }
			}
			var calls []call
			for _, role := range []string{"admin", "coordinator", "sales rep", "registrant"} {
				ctx := viewers[role]
				calls = append(calls,
					call{"match postings: registrant of agency B as " + role, postings(ctx, regB.ID), matching.ErrNotFound},
					call{"match registrants: posting of agency B as " + role, registrants(ctx, pubB.ID), matching.ErrNotFound},
					call{"market of agency B as " + role, market(ctx, b.agency.ID), matching.ErrNotFound},
				)
			}
			calls = append(calls,
				// Outside the viewer's row scope, in the viewer's own agency.
				call{"match postings: a registrant the sales rep does not work with", postings(salesRep, otherA.ID), matching.ErrNotFound},
				call{"match postings: another registrant as registrant", postings(reg, otherA.ID), matching.ErrNotFound},
				call{"match registrants: a non-public posting as registrant", registrants(reg, hiddenA.ID), matching.ErrNotFound},
				// Visible rows, but rankings with compliance and history findings are staff's.
				call{"match postings: herself as registrant", postings(reg, regA.ID), matching.ErrStaffOnly},
				call{"match registrants: a public posting as registrant", registrants(reg, pubA.ID), matching.ErrStaffOnly},
				call{"recommended as staff", func() (any, error) { return svc.Recommended(coordinator, matching.Window{Limit: 50}) }, matching.ErrNotRegistrant},
				call{"set weights as coordinator", func() (any, error) {
					v := 5.0
					return svc.SetWeights(coordinator, matching.WeightChanges{Wage: &v})
				}, privacy.Deny},
				call{"set weights out of range as admin", func() (any, error) {
					v := 101.0
					return svc.SetWeights(admin, matching.WeightChanges{Wage: &v})
				}, matching.ErrInvalidWeight},
			)

			digest := func() string {
				ags := db.Client.Agency.Query().Order(ent.Asc(agency.FieldID)).AllX(sys)
				out := fmt.Sprint(db.Client.Posting.Query().CountX(sys), db.Client.Registrant.Query().CountX(sys),
					db.Client.Application.Query().CountX(sys), db.Client.Assignment.Query().CountX(sys))
				for _, ag := range ags {
					out += fmt.Sprintf(" %d:%v:%v", ag.ID, ag.MatchingWeights, ag.UpdatedAt.UnixNano())
				}
				return out
			}
			for _, c := range calls {
				t.Run(c.name, func(t *testing.T) {
					before := digest()
					got, err := c.run()
					if !errors.Is(err, c.want) {
						t.Errorf("got %v, want %v", err, c.want)
					}
					if v := reflect.ValueOf(got); got != nil && !v.IsZero() {
						t.Errorf("returned %+v", got)
					}
					if after := digest(); after != before {
						t.Errorf("rows changed: %s → %s", before, after)
					}
				})
			}

			// Within scope the same calls answer.
			for role, ctx := range viewers {
				if _, err := svc.Market(ctx, a.agency.ID); err != nil {
					t.Errorf("market of own agency as %s: %v", role, err)
				}
			}
			for role, ctx := range map[string]context.Context{"admin": admin, "coordinator": coordinator, "sales rep": salesRep} {
				pg, err := svc.MatchPostings(ctx, regA.ID, matching.Window{Limit: 50})
				if err != nil || pg.Total == 0 {
					t.Errorf("match postings for a registrant in scope as %s: %d, %v", role, pg.Total, err)
				}
				pr, err := svc.MatchRegistrants(ctx, pubA.ID, matching.Window{Limit: 50})
				if err != nil || pr.Total == 0 {
					t.Errorf("match registrants as %s: %d, %v", role, pr.Total, err)
				}
				for _, it := range pr.Items {
					if it.Node != nil && it.Node.AgencyID != a.agency.ID {
						t.Errorf("ranked a registrant of another agency as %s", role)
					}
				}
			}
			if pg, err := svc.Recommended(reg, matching.Window{Limit: 50}); err != nil || pg.Total == 0 {
				t.Errorf("recommended for the registrant: %d, %v", pg.Total, err)
			} else {
				for _, it := range pg.Items {
					if it.Node == nil || it.Node.ID == hiddenA.ID || it.Node.AgencyID != a.agency.ID {
						t.Errorf("recommended a posting the registrant may not see: %+v", it.Node)
					}
				}
			}
		})
	}
}

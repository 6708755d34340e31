package pipeline_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
)

// scopeWorld is one agency's rows for TestPipelineScope: the fixture's account rep, registrant and
// postings, plus an admin, a coordinator who handles the registrant, a second registrant nobody
// handles, a sales rep with no postings, an application and an assignment of each registrant, and
// a callback of the account rep.
type scopeWorld struct {
	*fixture
	adminV, coordV, otherRepV, reg2V *auth.Viewer
	reg2                             *ent.Registrant
	hidden                           *ent.Posting // NON_PUBLIC, introduced to no one
	app, app2                        *ent.Application
	asg, asg2                        *ent.Assignment
	callback                         *ent.ContactLog // the account rep's
}

func newScopeWorld(t *testing.T, c *ent.Client, slug string) *scopeWorld {
	t.Helper()
	w := &scopeWorld{fixture: newFixture(t, c, slug)}
	acc := func(name string, role account.Role) *ent.Account {
		return c.Account.Create().SetAgencyID(w.ag.ID).SetEmail(name + "@" + slug + ".example").SetPasswordHash("x").SetRole(role).SaveX(sys)
	}
	admin := acc("admin", account.RoleADMIN)
	w.adminV = &auth.Viewer{AccountID: admin.ID, AgencyID: w.ag.ID, Role: auth.RoleAdmin}
	coordAcc := acc("coord", account.RoleCOORDINATOR)
	coord := c.Coordinator.Create().SetAgencyID(w.ag.ID).SetName("コーディネーター").SetAccountID(coordAcc.ID).SaveX(sys)
	w.coordV = &auth.Viewer{AccountID: coordAcc.ID, AgencyID: w.ag.ID, Role: auth.RoleCoordinator, ProfileID: coord.ID}
	// The coordinator handles the fixture's registrant (an inquiry assigned to them), not reg2.
	c.Inquiry.Create().SetAgencyID(w.ag.ID).SetRegistrantID(w.reg.ID).SetCoordinatorID(coord.ID).
		SetKind(inquiry.KindGENERAL).SetStatus(inquiry.StatusASSIGNED).SaveX(sys)
	repAcc := acc("rep2", account.RoleSALES_REP)
	rep2 := c.SalesRep.Create().SetAgencyID(w.ag.ID).SetName("別担当").SetKind(salesrep.KindACCOUNT).SetAccountID(repAcc.ID).SaveX(sys)
	w.otherRepV = &auth.Viewer{AccountID: repAcc.ID, AgencyID: w.ag.ID, Role: auth.RoleSalesRep, ProfileID: rep2.ID}
	reg2Acc := acc("reg2", account.RoleREGISTRANT)
	w.reg2 = c.Registrant.Create().SetAgencyID(w.ag.ID).SetAccountID(reg2Acc.ID).SetName("登録者2").SetPrefecture("東京都").SaveX(sys)
	w.reg2V = &auth.Viewer{AccountID: reg2Acc.ID, AgencyID: w.ag.ID, Role: auth.RoleRegistrant, ProfileID: w.reg2.ID}
	w.hidden = c.Posting.Create().SetAgencyID(w.ag.ID).SetOrgUnitID(w.post.OrgUnitID).SetAccountRepID(w.rep.ID).SetTitle("非公開").
		SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").SetStatus(posting.StatusOPEN).
		SetVisibility(posting.VisibilityNON_PUBLIC).SaveX(sys)
	w.app = w.apply(t, w.post)
	var err error
	if w.app2, err = w.svc.Apply(w.as(w.reg2V), w.post.ID, nil); err != nil {
		t.Fatal(err)
	}
	mkAsg := func(regID int) *ent.Assignment {
		return c.Assignment.Create().SetAgencyID(w.ag.ID).SetRegistrantID(regID).SetPostingID(w.badPost.ID).
			SetOrgUnitID(w.badPost.OrgUnitID).SetStartDate(date("2026-06-01")).SetEndDate(date("2026-11-30")).SetHourlyWage(1500).
			SetStatus(assignment.StatusACTIVE).SaveX(sys)
	}
	w.asg, w.asg2 = mkAsg(w.reg.ID), mkAsg(w.reg2.ID)
	w.callback, err = w.svc.LogContact(w.as(w.repV), pipeline.Contact{RegistrantID: w.reg.ID, Channel: contactlog.ChannelPHONE,
		Direction: contactlog.DirectionINBOUND, Outcome: contactlog.OutcomeNO_ANSWER})
	if err != nil || w.callback.CallbackDueAt == nil {
		t.Fatalf("log contact: %v", err)
	}
	return w
}

// digest hashes every row the pipeline writes or could write.
func digest(t *testing.T, c *ent.Client) [32]byte {
	t.Helper()
	h := sha256.New()
	write := func(rows any, err error) {
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%v\n", rows)
	}
	write(c.Application.Query().Order(ent.Asc("id")).All(sys))
	write(c.ApplicationEvent.Query().Order(ent.Asc("id")).All(sys))
	write(c.Assignment.Query().Order(ent.Asc("id")).All(sys))
	write(c.ContactLog.Query().Order(ent.Asc("id")).All(sys))
	write(c.Registrant.Query().Order(ent.Asc("id")).All(sys))
	write(c.Posting.Query().Order(ent.Asc("id")).All(sys))
	write(c.Inquiry.Query().Order(ent.Asc("id")).All(sys))
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// TestPipelineScope calls the pipeline service directly, as a job, a webhook worker or a CLI would,
// with a viewer of agency A in ctx: ids of agency B, and ids of A outside the viewer's row scope,
// are not found for every method that takes ids, for each staff role and the registrant; staff-only
// methods refuse registrants; and no row changes.
func TestPipelineScope(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			a := newScopeWorld(t, db.Client, "scope-a")
			b := newScopeWorld(t, db.Client, "scope-b")
			svc := a.svc
			as := a.as
			staff := map[string]*auth.Viewer{"admin": a.adminV, "coordinator": a.coordV, "sales rep": a.repV}
			end := date("2027-05-31")

			type call struct {
				name string
				run  func() error
				want error // default pipeline.ErrNotFound
			}
			advance := func(v *auth.Viewer, id int) func() error {
				to := pipeline.Screening
				if v.Role == auth.RoleRegistrant {
					to = pipeline.WithdrawnStatus
				}
				return func() error { _, err := svc.Advance(as(v), pipeline.Move{ApplicationID: id, To: to}); return err }
			}
			renew := func(v *auth.Viewer, id int) func() error {
				return func() error { _, _, err := svc.Renew(as(v), id, end, nil, nil); return err }
			}
			check := func(v *auth.Viewer, regID, postID int) func() error {
				return func() error { _, err := svc.Check(as(v), regID, postID, date("2026-12-01"), end, nil); return err }
			}
			logContact := func(v *auth.Viewer, regID int) func() error {
				return func() error {
					_, err := svc.LogContact(as(v), pipeline.Contact{RegistrantID: regID, Channel: contactlog.ChannelPHONE,
						Direction: contactlog.DirectionOUTBOUND, Outcome: contactlog.OutcomeNO_ANSWER})
					return err
				}
			}
			complete := func(v *auth.Viewer, id int) func() error {
				return func() error { _, err := svc.CompleteCallback(as(v), id); return err }
			}
			sheet := func(v *auth.Viewer, id int) func() error {
				return func() error { _, err := svc.SkillSheet(as(v), id); return err }
			}
			// Insurance leaves out the registrants the viewer may not see; the loader answers
			// not-found for them. A visible one in the same batch is still answered.
			insurance := func(v *auth.Viewer, hidden int, visible *int) func() error {
				return func() error {
					ids := []int{hidden}
					if visible != nil {
						ids = append(ids, *visible)
					}
					m, err := svc.Insurance(as(v), ids)
					if err != nil {
						return err
					}
					if visible != nil {
						if _, ok := m[*visible]; !ok {
							return fmt.Errorf("visible registrant %d left out", *visible)
						}
					}
					if c, ok := m[hidden]; ok {
						return fmt.Errorf("registrant %d answered: %+v", hidden, c)
					}
					return pipeline.ErrNotFound
				}
			}
			ptr := func(i int) *int { return &i }

			calls := []call{
				{"apply: registrant, posting of agency B", func() error { _, err := svc.Apply(as(a.regV), b.post.ID, nil); return err }, nil},
				{"apply: registrant, non-public posting not introduced", func() error { _, err := svc.Apply(as(a.regV), a.hidden.ID, nil); return err }, nil},
				{"advance: registrant, application of agency B", advance(a.regV, b.app.ID), nil},
				{"advance: registrant, another registrant's application", advance(a.regV, a.app2.ID), nil},
				{"advance: coordinator, application of a registrant they do not handle", advance(a.coordV, a.app2.ID), nil},
				{"advance: sales rep, application at another rep's posting", advance(a.otherRepV, a.app.ID), nil},
				{"renew: coordinator, assignment of a registrant they do not handle", renew(a.coordV, a.asg2.ID), nil},
				{"renew: sales rep, assignment at another rep's posting", renew(a.otherRepV, a.asg.ID), nil},
				{"renew: registrant, own assignment (staff only)", renew(a.regV, a.asg.ID), pipeline.ErrStaffOnly},
				{"renew: registrant, assignment of agency B (staff only)", renew(a.regV, b.asg.ID), pipeline.ErrStaffOnly},
				{"check: sales rep, registrant not theirs", check(a.otherRepV, a.reg.ID, a.post.ID), nil},
				{"check: registrant (staff only)", check(a.regV, a.reg.ID, a.post.ID), pipeline.ErrStaffOnly},
				{"log contact: sales rep, registrant not theirs", logContact(a.otherRepV, a.reg.ID), nil},
				{"log contact: registrant (staff only)", logContact(a.regV, a.reg.ID), pipeline.ErrStaffOnly},
				{"complete callback: admin, the account rep's callback", complete(a.adminV, a.callback.ID), nil},
				{"complete callback: coordinator, the account rep's callback", complete(a.coordV, a.callback.ID), nil},
				{"complete callback: sales rep, another rep's callback", complete(a.otherRepV, a.callback.ID), nil},
				{"complete callback: registrant, a callback about them (staff only)", complete(a.regV, a.callback.ID), pipeline.ErrStaffOnly},
				{"skill sheet: coordinator, application of a registrant they do not handle", sheet(a.coordV, a.app2.ID), nil},
				{"skill sheet: sales rep, application at another rep's posting", sheet(a.otherRepV, a.app.ID), nil},
				{"skill sheet: registrant, own application (staff only)", sheet(a.regV, a.app.ID), pipeline.ErrStaffOnly},
				{"insurance: registrant, registrant of agency B", insurance(a.regV, b.reg.ID, ptr(a.reg.ID)), nil},
				{"insurance: registrant, another registrant", insurance(a.regV, a.reg2.ID, ptr(a.reg.ID)), nil},
				{"insurance: sales rep, registrant not theirs", insurance(a.otherRepV, a.reg.ID, nil), nil},
			}
			for role, v := range staff {
				calls = append(calls,
					call{"advance: " + role + ", application of agency B", advance(v, b.app.ID), nil},
					call{"renew: " + role + ", assignment of agency B", renew(v, b.asg.ID), nil},
					call{"check: " + role + ", registrant of agency B", check(v, b.reg.ID, a.post.ID), nil},
					call{"check: " + role + ", posting of agency B", check(v, a.reg.ID, b.post.ID), nil},
					call{"log contact: " + role + ", registrant of agency B", logContact(v, b.reg.ID), nil},
					call{"complete callback: " + role + ", callback of agency B", complete(v, b.callback.ID), nil},
					call{"skill sheet: " + role + ", application of agency B", sheet(v, b.app.ID), nil},
					call{"insurance: " + role + ", registrant of agency B", insurance(v, b.reg.ID, ptr(a.reg.ID)), nil},
				)
			}
			for _, c := range calls {
				t.Run(c.name, func(t *testing.T) {
					before := digest(t, db.Client)
					want := c.want
					if want == nil {
						want = pipeline.ErrNotFound
					}
					if err := c.run(); !errors.Is(err, want) {
						t.Errorf("got %v, want %v", err, want)
					}
					if after := digest(t, db.Client); after != before {
						t.Error("rows changed")
					}
				})
			}

			// In scope, each still works.
			ok := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Errorf("%s: %v", what, err)
				}
			}
			_, err := svc.SkillSheet(as(a.coordV), a.app.ID)
			ok("coordinator's skill sheet of a registrant they handle", err)
			_, err = svc.Check(as(a.otherRepV), a.reg2.ID, a.post.ID, date("2026-12-01"), end, nil)
			if !errors.Is(err, pipeline.ErrNotFound) {
				t.Errorf("other rep checks an unrelated registrant: %v", err)
			}
			_, err = svc.Check(as(a.repV), a.reg.ID, a.post.ID, date("2026-12-01"), end, nil)
			ok("account rep checks an applicant", err)
			m, err := svc.Insurance(as(a.repV), []int{a.reg.ID, a.reg2.ID})
			ok("account rep's insurance of applicants", err)
			if len(m) != 2 || !m[a.reg.ID].Applies {
				t.Errorf("insurance of both applicants: %+v", m)
			}
			_, err = svc.CompleteCallback(as(a.repV), a.callback.ID)
			ok("account rep completes own callback", err)
			_, err = svc.Advance(as(a.coordV), pipeline.Move{ApplicationID: a.app.ID, To: pipeline.Screening})
			ok("coordinator moves an application of a registrant they handle", err)
			_, _, err = svc.Renew(as(a.repV), a.asg.ID, date("2027-02-28"), nil, nil)
			if err != nil && !errors.As(err, new(*pipeline.ComplianceError)) {
				t.Errorf("account rep renews an assignment at their posting: %v", err)
			}
		})
	}
}

package access_test

import (
	"context"
	"errors"
	"testing"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
)

type tenant struct {
	agency, unit, rep, rep2, posting, reg, regAcc, inq int
	adminV, salesV, coordV                             *auth.Viewer
}

func makeTenant(t *testing.T, ctx context.Context, c *ent.Client, slug string) tenant {
	t.Helper()
	ag := c.Agency.Create().SetName(slug).SetSlug(slug).SaveX(ctx)
	acc := func(role account.Role, name string) *ent.Account {
		return c.Account.Create().SetAgencyID(ag.ID).SetEmail(name + "@" + slug + ".example").SetPasswordHash("x").SetRole(role).SaveX(ctx)
	}
	admin, sales, coord, regAcc := acc(account.RoleADMIN, "admin"), acc(account.RoleSALES_REP, "sales"), acc(account.RoleCOORDINATOR, "coord"), acc(account.RoleREGISTRANT, "reg")
	rep := c.SalesRep.Create().SetAgencyID(ag.ID).SetName("R1").SetKind(salesrep.KindACCOUNT).SetAccountID(sales.ID).SaveX(ctx)
	rep2 := c.SalesRep.Create().SetAgencyID(ag.ID).SetName("R2").SetKind(salesrep.KindACCOUNT).SaveX(ctx)
	co := c.Coordinator.Create().SetAgencyID(ag.ID).SetName("C1").SetAccountID(coord.ID).SaveX(ctx)
	cl := c.ClientCompany.Create().SetAgencyID(ag.ID).SetName("X").SetIndustry("製造業").SaveX(ctx)
	st := c.ClientSite.Create().SetAgencyID(ag.ID).SetClientID(cl.ID).SetName("S").SetAddress("港区").SetPrefecture("東京都").SaveX(ctx)
	ou := c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(st.ID).SetName("U").SaveX(ctx)
	p := c.Posting.Create().SetAgencyID(ag.ID).SetOrgUnitID(ou.ID).SetAccountRepID(rep.ID).SetTitle("P").
		SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").SaveX(ctx)
	g := c.Registrant.Create().SetAgencyID(ag.ID).SetName("G").SetPrefecture("東京都").SaveX(ctx)
	q := c.Inquiry.Create().SetAgencyID(ag.ID).SetRegistrantID(g.ID).SetKind(inquiry.KindGENERAL).
		SetStatus(inquiry.StatusASSIGNED).SetCoordinatorID(co.ID).SaveX(ctx)
	return tenant{agency: ag.ID, unit: ou.ID, rep: rep.ID, rep2: rep2.ID, posting: p.ID, reg: g.ID, regAcc: regAcc.ID, inq: q.ID,
		adminV: &auth.Viewer{AccountID: admin.ID, AgencyID: ag.ID, Role: auth.RoleAdmin},
		salesV: &auth.Viewer{AccountID: sales.ID, AgencyID: ag.ID, Role: auth.RoleSalesRep, ProfileID: rep.ID},
		coordV: &auth.Viewer{AccountID: coord.ID, AgencyID: ag.ID, Role: auth.RoleCoordinator, ProfileID: co.ID}}
}

// TestEdgeGuard calls ent directly, as a job or a CLI would: whoever builds the mutation, an edge id
// the viewer cannot see is NOT_FOUND and a link it may not attach is FORBIDDEN.
func TestEdgeGuard(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			c := dbtest.Open(t, kind).Client
			sys := access.System(context.Background(), "test fixture")
			a, b := makeTenant(t, sys, c, "a"), makeTenant(t, sys, c, "b")
			as := func(v *auth.Viewer) context.Context { return auth.WithViewer(context.Background(), v) }
			newPosting := func(ctx context.Context, unit, rep int) error {
				return c.Posting.Create().SetOrgUnitID(unit).SetAccountRepID(rep).SetTitle("x").SetJobCategory("一般事務").
					SetHourlyWage(1500).SetPrefecture("東京都").Exec(ctx)
			}
			notFound := func(err error) bool { return errors.Is(err, access.ErrEdgeTargetNotFound) }
			forbidden := func(err error) bool {
				return errors.Is(err, privacy.Deny) && errors.Is(err, access.ErrEdgeNotAttachable)
			}
			cases := []struct {
				name string
				run  func() error
				want func(error) bool
			}{
				{"sales rep: org unit of another agency", func() error { return newPosting(as(a.salesV), b.unit, a.rep) }, notFound},
				{"admin: account rep of another agency", func() error { return newPosting(as(a.adminV), a.unit, b.rep) }, notFound},
				{"sales rep: move own posting to another agency", func() error {
					return c.Posting.UpdateOneID(a.posting).SetOrgUnitID(b.unit).Exec(as(a.salesV))
				}, notFound},
				{"sales rep: attach an invisible inquiry", func() error {
					return c.Posting.UpdateOneID(a.posting).AddInquiryIDs(a.inq).Exec(as(a.salesV))
				}, notFound},
				{"admin: attach a visible inquiry from the posting's side", func() error {
					return c.Posting.UpdateOneID(a.posting).AddInquiryIDs(a.inq).Exec(as(a.adminV))
				}, forbidden},
				{"sales rep: hand own posting to another rep", func() error {
					return c.Posting.UpdateOneID(a.posting).SetAccountRepID(a.rep2).Exec(as(a.salesV))
				}, func(err error) bool { return errors.Is(err, privacy.Deny) }},
				{"coordinator: bind a login to a profile", func() error {
					return c.Registrant.UpdateOneID(a.reg).SetAccountID(a.regAcc).Exec(as(a.coordV))
				}, notFound},
				{"admin: bind a login to a profile", func() error {
					return c.Registrant.UpdateOneID(a.reg).SetAccountID(a.regAcc).Exec(as(a.adminV))
				}, forbidden},
				{"admin: unbind a login", func() error {
					return c.Registrant.UpdateOneID(a.reg).ClearAccount().Exec(as(a.adminV))
				}, forbidden},
				{"coordinator: inquiry for another agency's registrant", func() error {
					return c.Inquiry.Create().SetRegistrantID(b.reg).SetKind(inquiry.KindGENERAL).Exec(as(a.coordV))
				}, func(err error) bool { return err != nil }}, // the row policy already refuses staff creates
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if err := tc.run(); !tc.want(err) {
						t.Errorf("got %v", err)
					}
				})
			}
			// Allowed callers are untouched: a rep posts at an org unit of their agency, an admin
			// reassigns a posting, and System (a service that checked scope itself) links anything.
			if err := newPosting(as(a.salesV), a.unit, a.rep); err != nil {
				t.Errorf("sales rep, own agency: %v", err)
			}
			if err := c.Posting.UpdateOneID(a.posting).SetAccountRepID(a.rep2).Exec(as(a.adminV)); err != nil {
				t.Errorf("admin reassigns a posting: %v", err)
			}
			if err := c.Registrant.UpdateOneID(a.reg).SetAccountID(a.regAcc).Exec(sys); err != nil {
				t.Errorf("system links a login: %v", err)
			}
		})
	}
}

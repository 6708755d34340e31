package routing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/routing"
)

// TestRouterScope calls the router directly, as a job, a webhook worker or a CLI would, with a
// viewer of agency A in ctx: ids of agency B and ids outside the viewer's row scope are not found,
// and no row changes. Before the router checked scope itself (issue 14) each of these went through.
func TestRouterScope(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			pg := kind == dbtest.Postgres
			a := newWorld(t, db.Client, pg, "scope-a", agency.RoutingModeCOORDINATOR, 2, 1, 5, 2)
			b := newWorld(t, db.Client, pg, "scope-b", agency.RoutingModeCOORDINATOR, 1, 1, 5, 1)
			inqA := mustAsk(t, a, 0, 0, inquiry.KindPOSTING_QUESTION) // goes to one of A's coordinators
			inqB := mustAsk(t, b, 0, 0, inquiry.KindPOSTING_QUESTION)
			hidden := a.client.Posting.Create().SetAgencyID(a.agency.ID).SetOrgUnitID(a.posting[0].OrgUnitID).
				SetAccountRepID(a.rep[0].ID).SetTitle("非公開").SetJobCategory("一般事務").SetHourlyWage(1500).
				SetPrefecture("東京都").SetStatus(posting.StatusOPEN).SetVisibility(posting.VisibilityNON_PUBLIC).SaveX(sysCtx)

			holder := 0
			if *inqA.CoordinatorID != a.coord[0].ID {
				holder = 1
			}
			other := 1 - holder
			coordA := staffViewer(a.C[holder], a.coord[holder].ID) // holds inqA
			outsider := staffViewer(a.C[other], a.coord[other].ID) // same agency, not inqA's
			regAcc := a.client.Account.Create().SetAgencyID(a.agency.ID).SetEmail("g0@scope-a.example").SetPasswordHash("x").
				SetRole(account.RoleREGISTRANT).SaveX(sysCtx)
			regA := &auth.Viewer{AccountID: regAcc.ID, AgencyID: a.agency.ID, Role: auth.RoleRegistrant, ProfileID: a.reg[0].ID}
			adminAcc := a.client.Account.Create().SetAgencyID(a.agency.ID).SetEmail("admin@scope-a.example").SetPasswordHash("x").
				SetRole(account.RoleADMIN).SaveX(sysCtx)
			adminA := &auth.Viewer{AccountID: adminAcc.ID, AgencyID: a.agency.ID, Role: auth.RoleAdmin}
			as := func(v *auth.Viewer) context.Context { return auth.WithViewer(context.Background(), v) }
			ptr := func(i int) *int { return &i }

			type call struct {
				name string
				run  func() error
				want error // default ErrNotFound
			}
			create := func(v *auth.Viewer, in routing.NewInquiry) func() error {
				return func() error { _, err := a.router.Create(as(v), in); return err }
			}
			general := func(agencyID, regID int) routing.NewInquiry {
				return routing.NewInquiry{AgencyID: agencyID, RegistrantID: regID, Kind: inquiry.KindGENERAL,
					Channel: inquiry.ChannelPHONE, Origin: inquiry.OriginSTAFF}
			}
			open := func(v *auth.Viewer, req routing.Request) func() error {
				return func() error { _, err := a.router.Open(as(v), req); return err }
			}
			steps := map[string]func(ctx context.Context, v routing.Actor, id int) error{
				"acknowledge": func(ctx context.Context, v routing.Actor, id int) error {
					_, err := a.router.Acknowledge(ctx, v, id)
					return err
				},
				"decline": func(ctx context.Context, v routing.Actor, id int) error {
					_, err := a.router.Decline(ctx, v, id, "x")
					return err
				},
				"hand off": func(ctx context.Context, v routing.Actor, id int) error {
					_, err := a.router.HandOff(ctx, v, id, "x")
					return err
				},
				"resolve": func(ctx context.Context, v routing.Actor, id int) error {
					_, err := a.router.Resolve(ctx, v, id)
					return err
				},
				"reassign": func(ctx context.Context, v routing.Actor, id int) error {
					_, err := a.router.Reassign(ctx, v, id, "x")
					return err
				},
			}
			calls := []call{
				{"create: registrant of agency B", create(coordA, general(a.agency.ID, b.reg[0].ID)), nil},
				{"create: in agency B", create(coordA, general(b.agency.ID, b.reg[0].ID)), nil},
				{"create: posting of agency B", create(coordA, func() routing.NewInquiry {
					in := general(a.agency.ID, a.reg[0].ID)
					in.PostingID = &b.posting[0].ID
					return in
				}()), nil},
				{"create: registrant for another registrant", create(regA, general(a.agency.ID, a.reg[1].ID)), nil},
				{"open: registrant names another registrant", open(regA, routing.Request{RegistrantID: &a.reg[1].ID, Kind: inquiry.KindGENERAL}), nil},
				{"open: registrant asks about a non-public posting", open(regA, routing.Request{PostingID: &hidden.ID, Kind: inquiry.KindPOSTING_QUESTION}), nil},
				{"open: staff for agency B's registrant", open(coordA, routing.Request{RegistrantID: &b.reg[0].ID, Kind: inquiry.KindGENERAL}), nil},
				{"open: staff about agency B's posting", open(coordA, routing.Request{RegistrantID: &a.reg[0].ID, PostingID: ptr(b.posting[0].ID), Kind: inquiry.KindPOSTING_QUESTION}), nil},
				{"set mode of agency B", func() error {
					_, err := a.router.SetMode(as(adminA), b.agency.ID, agency.RoutingModeDIRECT)
					return err
				}, nil},
			}
			for name, step := range steps {
				step := step
				calls = append(calls,
					call{name + ": inquiry of agency B (viewer in ctx)", func() error { return step(as(coordA), coordA, inqB.ID) }, nil},
					call{name + ": inquiry of agency B (actor only)", func() error { return step(context.Background(), coordA, inqB.ID) }, nil},
					call{name + ": inquiry of agency B as admin", func() error { return step(as(adminA), adminA, inqB.ID) }, nil},
					call{name + ": another coordinator's inquiry", func() error { return step(as(outsider), outsider, inqA.ID) }, nil},
					// Her own inquiry: she sees it, but only staff take its steps.
					call{name + ": as its registrant", func() error { return step(as(regA), regA, inqA.ID) }, routing.ErrNotAssignee},
				)
			}
			counts := func() [4]int {
				return [4]int{
					db.Client.Inquiry.Query().CountX(sysCtx),
					db.Client.RoutingDecision.Query().CountX(sysCtx),
					db.Client.Inquiry.Query().Where(inquiry.StatusEQ(inquiry.StatusASSIGNED)).CountX(sysCtx),
					db.Client.Agency.Query().Where(agency.RoutingModeEQ(agency.RoutingModeDIRECT)).CountX(sysCtx),
				}
			}
			for _, c := range calls {
				t.Run(c.name, func(t *testing.T) {
					before := counts()
					want := c.want
					if want == nil {
						want = routing.ErrNotFound
					}
					if err := c.run(); !errors.Is(err, want) {
						t.Errorf("got %v, want %v", err, want)
					}
					if after := counts(); after != before {
						t.Errorf("rows changed: %v → %v", before, after)
					}
				})
			}
			// The holder and an admin of A still act; a trusted System caller still creates.
			if _, err := a.router.Acknowledge(as(coordA), coordA, inqA.ID); err != nil {
				t.Errorf("assignee acknowledges: %v", err)
			}
			if _, err := a.router.Open(as(regA), routing.Request{Kind: inquiry.KindGENERAL}); err != nil {
				t.Errorf("registrant opens own inquiry: %v", err)
			}
			if _, err := a.router.Open(as(coordA), routing.Request{RegistrantID: &a.reg[1].ID, Kind: inquiry.KindGENERAL}); err != nil {
				t.Errorf("staff open one for a registrant: %v", err)
			}
			if _, err := a.router.Reassign(as(adminA), adminA, inqA.ID, "休暇"); err != nil {
				t.Errorf("admin reassigns: %v", err)
			}
		})
	}
}

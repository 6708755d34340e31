package routing_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/routing"
)

// TestReassignWhileSheAsks: on PostgreSQL, reassigning a registrant's inquiries while she opens new
// ones must not deadlock the two (a reassignment locked the staff pool and then her row, a new
// inquiry her row and then the staff it claims). Every call answers; none fails as a database error.
func TestReassignWhileSheAsks(t *testing.T) {
	db := dbtest.Open(t, dbtest.Postgres)
	w := newWorld(t, db.Client, true, "lock-order", agency.RoutingModeCOORDINATOR, 4, 1, 1000, 1)
	db.Client.Agency.UpdateOne(w.agency).SetInquiryRateLimit(1000).ExecX(sysCtx)
	adminAcc := db.Client.Account.Create().SetAgencyID(w.agency.ID).SetEmail("admin@lock-order.example").SetPasswordHash("x").
		SetRole(account.RoleADMIN).SaveX(sysCtx)
	admin := &auth.Viewer{AccountID: adminAcc.ID, AgencyID: w.agency.ID, Role: auth.RoleAdmin}
	var ids []int
	for range 8 {
		ids = append(ids, mustAsk(t, w, 0, -1, inquiry.KindGENERAL).ID)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				if g%2 == 0 {
					if _, err := w.ask(t, 0, -1, inquiry.KindGENERAL, ""); err != nil {
						fail(err)
					}
					continue
				}
				_, err := w.router.Reassign(auth.WithViewer(sysCtx, admin), admin, ids[(g*25+i)%len(ids)], "lock order")
				if err != nil && !errors.Is(err, routing.ErrInvalidTransition) {
					fail(err)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
}

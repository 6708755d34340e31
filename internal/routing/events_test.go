package routing_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/routing"
)

// A thread message is told to the other side only: her message to the assignee's account, a staff
// reply to hers.
func TestMessagePostedAudience(t *testing.T) {
	db := dbtest.Open(t, dbtest.SQLite)
	sys := access.System(context.Background(), "test fixture")
	ag := db.Client.Agency.Create().SetName("A").SetSlug("msg-a").SaveX(sys)
	regAcc := db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("reg@msg.example").SetPasswordHash("x").SetRole(account.RoleREGISTRANT).SaveX(sys)
	coAcc := db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("co@msg.example").SetPasswordHash("x").SetRole(account.RoleCOORDINATOR).SaveX(sys)
	reg := db.Client.Registrant.Create().SetAgencyID(ag.ID).SetAccountID(regAcc.ID).SetName("G").SetPrefecture("東京都").SaveX(sys)
	co := db.Client.Coordinator.Create().SetAgencyID(ag.ID).SetAccountID(coAcc.ID).SetName("C").SaveX(sys)
	inq := db.Client.Inquiry.Create().SetAgencyID(ag.ID).SetRegistrantID(reg.ID).SetKind(inquiry.KindGENERAL).
		SetStatus(inquiry.StatusACKNOWLEDGED).SetCoordinatorID(co.ID).SaveX(sys)

	bus := notify.NewLocal()
	defer bus.Close()
	events, err := bus.Subscribe(context.Background(), func(notify.Event) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	ev := routing.BusEvents{Client: db.Client, Bus: bus, Log: slog.Default()}
	for _, c := range []struct {
		fromStaff bool
		want      int
	}{{false, coAcc.ID}, {true, regAcc.ID}} {
		ev.MessagePosted(context.Background(), inq, c.fromStaff)
		select {
		case got := <-events:
			if got.Topic != notify.TopicInquiryMessage || got.EntityID != inq.ID || len(got.AccountIDs) != 1 || got.AccountIDs[0] != c.want {
				t.Errorf("fromStaff=%v: event %+v, want audience [%d]", c.fromStaff, got, c.want)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("fromStaff=%v: no event", c.fromStaff)
		}
	}
}

package pipeline_test

import (
	"testing"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
)

// When the registrant calls back and is reached, her pending callbacks are done — whoever owns them —
// and nobody else's are touched (issue 15 item 8).
func TestInboundReachedClosesHerCallbacks(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			f := newFixture(t, db.Client, "cbclose-"+string(kind))
			f.apply(t, f.post) // the account rep handles her
			adminAcc := db.Client.Account.Create().SetAgencyID(f.ag.ID).SetEmail("admin@cbclose-" + string(kind) + ".example").
				SetPasswordHash("x").SetRole(account.RoleADMIN).SaveX(sys)
			adminV := &auth.Viewer{AccountID: adminAcc.ID, AgencyID: f.ag.ID, Role: auth.RoleAdmin}
			other := db.Client.Registrant.Create().SetAgencyID(f.ag.ID).SetName("別の登録者").SetPrefecture("東京都").SaveX(sys)

			log := func(v *auth.Viewer, reg int, dir contactlog.Direction, out contactlog.Outcome) *pipeline.Contact {
				t.Helper()
				c := pipeline.Contact{RegistrantID: reg, Channel: contactlog.ChannelPHONE, Direction: dir, Outcome: out}
				if _, err := f.svc.LogContact(f.as(v), c); err != nil {
					t.Fatal(err)
				}
				return &c
			}
			// The rep tried her and left a voicemail: a follow-up is scheduled.
			log(f.repV, f.reg.ID, contactlog.DirectionOUTBOUND, contactlog.OutcomeLEFT_VOICEMAIL)
			// The admin has a callback for another registrant.
			log(adminV, other.ID, contactlog.DirectionINBOUND, contactlog.OutcomeNO_ANSWER)
			if due, err := f.svc.CallbacksDue(f.as(f.repV)); err != nil || len(due) != 1 {
				t.Fatalf("rep's callbacks after leaving a voicemail: %d %v", len(due), err)
			}
			// She calls back; the admin picks up.
			log(adminV, f.reg.ID, contactlog.DirectionINBOUND, contactlog.OutcomeREACHED)
			if due, err := f.svc.CallbacksDue(f.as(f.repV)); err != nil || len(due) != 0 {
				t.Fatalf("rep's callback for her stays open after she called back and was reached: %d %v", len(due), err)
			}
			if due, err := f.svc.CallbacksDue(f.as(adminV)); err != nil || len(due) != 1 || due[0].RegistrantID != other.ID {
				t.Fatalf("admin's callback for another registrant must stay open: %v %v", due, err)
			}
		})
	}
}

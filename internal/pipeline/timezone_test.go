package pipeline_test

import (
	"testing"
	"time"

	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
)

// myCallbacksDue is ordered by instant whatever zone the due times were computed in: the agency's
// zone changes (Tokyo, then UTC, then New York) between three missed calls, so the stored due times
// carry three zones and their text order is the reverse of their instants (issue 15 item 8).
func TestCallbacksDueOrderedAcrossZones(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			f := newFixture(t, db.Client, "cbtz-"+string(kind))
			f.apply(t, f.post) // the account rep handles her
			calls := []struct {
				tz string
				at time.Time
			}{
				{"Asia/Tokyo", time.Date(2026, 11, 19, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))}, // 01:00Z
				{"UTC", time.Date(2026, 11, 19, 9, 30, 0, 0, time.UTC)},                             // 09:30Z
				{"America/New_York", time.Date(2026, 11, 19, 9, 15, 0, 0, ny)},                      // 14:15Z
			}
			var want []int
			for _, c := range calls {
				f.ag = f.ag.Update().SetTimezone(c.tz).SaveX(sys)
				at := c.at
				f.svc.Now = func() time.Time { return at }
				log, err := f.svc.LogContact(f.as(f.repV), pipeline.Contact{RegistrantID: f.reg.ID,
					Channel: contactlog.ChannelPHONE, Direction: contactlog.DirectionINBOUND, Outcome: contactlog.OutcomeNO_ANSWER})
				if err != nil {
					t.Fatal(err)
				}
				if log.CallbackDueAt == nil || !log.CallbackDueAt.Equal(at) {
					t.Fatalf("missed call in business hours: callback %v, want %v", log.CallbackDueAt, at)
				}
				want = append(want, log.ID)
			}
			due, err := f.svc.CallbacksDue(f.as(f.repV))
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, l := range due {
				got = append(got, l.ID)
			}
			if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
				for _, l := range due {
					t.Logf("callback %d due %s", l.ID, l.CallbackDueAt)
				}
				t.Fatalf("callbacks due in order %v, want earliest first %v", got, want)
			}
		})
	}
}

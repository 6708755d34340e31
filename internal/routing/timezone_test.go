package routing_test

import (
	"context"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/dbtest"
)

// The server's clock need not be in the agency's zone (a container runs in UTC, a laptop in New
// York), and the business calendar computes due times in the agency's zone. The store must compare
// the instants, not their text: on the embedded SQLite store times were written as Go's
// time.String() in whatever zone they carried, so "10:30 +0900 JST" sorted after "01:31 +0000 UTC"
// and the ack timeout fired nine hours late (issue 15 item 8).
func TestSweepWithClockInAnotherZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	zones := []*time.Location{time.FixedZone("JST", 9*3600), time.UTC, ny}
	for _, kind := range dbtest.Kinds {
		for _, loc := range zones {
			t.Run(string(kind)+"/"+loc.String(), func(t *testing.T) {
				db := dbtest.Open(t, kind)
				w := newWorld(t, db.Client, kind == dbtest.Postgres, "tz-"+string(kind), agency.RoutingModeCOORDINATOR, 2, 0, 1, 3)
				*w.clock = monday10.In(loc)
				a := mustAsk(t, w, 0, -1, inquiry.KindGENERAL)
				first := *a.CoordinatorID
				// Not yet due: 29 minutes later nothing times out.
				*w.clock = monday10.Add(29 * time.Minute).In(loc)
				if res, err := w.router.Sweep(context.Background()); err != nil || res.TimedOut != 0 {
					t.Fatalf("sweep before the ack timeout: %+v %v", res, err)
				}
				*w.clock = monday10.Add(31 * time.Minute).In(loc)
				res, err := w.router.Sweep(context.Background())
				if err != nil || res.TimedOut != 1 {
					t.Fatalf("sweep 31 minutes after assignment (clock %s): %+v %v", *w.clock, res, err)
				}
				if got := db.Client.Inquiry.GetX(sysCtx, a.ID); *got.CoordinatorID == first {
					t.Fatalf("timed-out inquiry kept its coordinator")
				}
				// With nobody to take it, an inquiry queues; past its SLA (120 business minutes) it escalates.
				q := newWorld(t, db.Client, kind == dbtest.Postgres, "tzq-"+string(kind), agency.RoutingModeCOORDINATOR, 0, 0, 1, 1)
				*q.clock = monday10.In(loc)
				c := mustAsk(t, q, 0, -1, inquiry.KindGENERAL)
				if c.Status != inquiry.StatusQUEUED {
					t.Fatalf("inquiry with no coordinators: %v, want QUEUED", c.Status)
				}
				*q.clock = monday10.Add(119 * time.Minute).In(loc)
				if _, err := q.router.Sweep(context.Background()); err != nil {
					t.Fatal(err)
				}
				if got := db.Client.Inquiry.GetX(sysCtx, c.ID); got.EscalatedAt != nil {
					t.Fatalf("escalated before its SLA (due %s)", got.DueAt)
				}
				*q.clock = monday10.Add(121 * time.Minute).In(loc)
				if _, err := q.router.Sweep(context.Background()); err != nil {
					t.Fatal(err)
				}
				if got := db.Client.Inquiry.GetX(sysCtx, c.ID); got.EscalatedAt == nil {
					t.Fatalf("not escalated past its SLA (clock %s, due %s)", *q.clock, got.DueAt)
				}
			})
		}
	}
}

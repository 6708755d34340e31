package pipeline_test

import (
	"testing"

	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
)

// Her assignment ends soon and the system opened its NEXT_JOB inquiry: her own "next job" press
// joins it instead of opening a second, and placing her in the next job resolves it and gives the
// assignee's capacity back (issue 15 item 8).
func TestNextJobInquiryJoinedAndResolvedOnPlacement(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			c := db.Client
			f := newFixture(t, c, "nextjob-"+string(kind))
			router := routing.NewRouter(c, kind == dbtest.Postgres, nil)
			router.SetClock(f.svc.Now)
			c.Assignment.Create().SetAgencyID(f.ag.ID).SetRegistrantID(f.reg.ID).SetPostingID(f.post.ID).
				SetOrgUnitID(f.post.OrgUnitID).SetStartDate(date("2026-06-01")).SetEndDate(date("2026-12-10")).
				SetHourlyWage(1500).SetStatus(assignment.StatusACTIVE).SaveX(sys)
			if n, err := f.svc.OpenNextJobInquiries(sys, router); err != nil || n != 1 {
				t.Fatalf("next-job job: opened %d, %v", n, err)
			}
			system := c.Inquiry.Query().Where(inquiry.RegistrantID(f.reg.ID), inquiry.KindEQ(inquiry.KindNEXT_JOB)).OnlyX(sys)
			if system.Origin != inquiry.OriginSYSTEM || system.SalesRepID == nil || *system.SalesRepID != f.rep.ID {
				t.Fatalf("system inquiry: origin %v assignee %v", system.Origin, system.SalesRepID)
			}
			held := c.SalesRep.GetX(sys, f.rep.ID).OpenInquiries

			// She presses "next job" twice: both presses join the open inquiry.
			for i := range 2 {
				got, err := router.Open(f.as(f.regV), routing.Request{Kind: inquiry.KindNEXT_JOB, Message: "次の仕事を探しています"})
				if err != nil {
					t.Fatal(err)
				}
				if got.ID != system.ID {
					t.Fatalf("press %d opened inquiry %d, want the open system one %d", i+1, got.ID, system.ID)
				}
			}
			if n := c.Inquiry.Query().Where(inquiry.RegistrantID(f.reg.ID), inquiry.KindEQ(inquiry.KindNEXT_JOB)).CountX(sys); n != 1 {
				t.Fatalf("%d NEXT_JOB inquiries, want 1", n)
			}
			if got := c.SalesRep.GetX(sys, f.rep.ID).OpenInquiries; got != held {
				t.Fatalf("joining changed the assignee's load: %d → %d", held, got)
			}

			// Placed in the next job: the inquiry is resolved and its capacity freed.
			a := f.apply(t, f.post)
			for _, step := range []string{pipeline.Screening, pipeline.ScreeningPassed} {
				if _, err := f.move(a, step, "", ""); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.move(a, pipeline.OfferedStatus, "2026-12-11", "2027-05-31"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.move(a, pipeline.Accepted, "", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := f.move(a, pipeline.PlacedStatus, "2026-12-11", "2027-05-31"); err != nil {
				t.Fatal(err)
			}
			got := c.Inquiry.GetX(sys, system.ID)
			if got.Status != inquiry.StatusRESOLVED || got.ResolvedAt == nil {
				t.Fatalf("NEXT_JOB inquiry after the placement: %v", got.Status)
			}
			if n := c.SalesRep.GetX(sys, f.rep.ID).OpenInquiries; n != held-1 {
				t.Fatalf("assignee's open inquiries %d, want %d (capacity given back)", n, held-1)
			}
			// A later press, with nothing open, opens a new one.
			later, err := router.Open(f.as(f.regV), routing.Request{Kind: inquiry.KindNEXT_JOB})
			if err != nil || later.ID == system.ID {
				t.Fatalf("press after the resolution: %v %v", later, err)
			}
		})
	}
}

package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
)

// Pipeline gaps (issue 15 item 6) through GraphQL on both databases: staff schedule the meeting and
// the registrant sees it; she accepts the offer in the app; an assignment ended early records who,
// why and the measures, ends on the last day worked and opens her next-job inquiry at once.
func TestPipelineGaps(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			appID, _ := strconv.Atoi(e.w.freshApplication(application.StatusSCREENING))
			at := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
			sched := `mutation($in: ScheduleMeetingInput!){ scheduleMeeting(input: $in){ application{ meetingAt meetingPlace meetingAttendees } } }`
			in := map[string]any{"applicationId": appID, "at": at.Format(time.RFC3339), "place": "派遣先 本社3階受付",
				"attendees": []string{"派遣先 総務課 山田様", "営業 佐藤"}, "note": "履歴書は不要です"}

			// Not before the move to CLIENT_MEETING (where the pre-selection rule is checked).
			if r := e.run(t, roleSales, sched, map[string]any{"in": in}); errCode(r) != graph.CodeInvalidTransition {
				t.Fatalf("meeting at SCREENING: %+v", r)
			}
			e.db.Client.Application.UpdateOneID(appID).SetStatus(application.StatusCLIENT_MEETING).ExecX(e.sys())
			past := map[string]any{}
			for k, v := range in {
				past[k] = v
			}
			past["at"] = time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
			if r := e.run(t, roleSales, sched, map[string]any{"in": past}); errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != "at" {
				t.Fatalf("meeting in the past: %+v", r)
			}
			if r := e.run(t, roleSales, sched, map[string]any{"in": in}); errCode(r) != "" {
				t.Fatalf("schedule: %+v", r)
			}
			mine := func() map[string]any {
				r := e.run(t, roleReg, `{ myApplications{ id status accepted meeting{ at place attendees note } } }`, nil)
				if errCode(r) != "" {
					t.Fatal(r.Errors)
				}
				for _, a := range r.Data["myApplications"].([]any) {
					if a.(map[string]any)["id"] == strconv.Itoa(appID) {
						return a.(map[string]any)
					}
				}
				t.Fatalf("application %d not in myApplications", appID)
				return nil
			}
			m, _ := mine()["meeting"].(map[string]any)
			if m == nil || m["place"] != "派遣先 本社3階受付" || len(m["attendees"].([]any)) != 2 || m["note"] != "履歴書は不要です" {
				t.Fatalf("registrant's view of the meeting: %+v", m)
			}

			// She accepts the offer herself; a second press is an invalid transition.
			e.db.Client.Application.UpdateOneID(appID).SetStatus(application.StatusOFFERED).ExecX(e.sys())
			accept := `mutation($id: ID!){ acceptOffer(input:{id:$id}){ application{ status accepted } } }`
			r := e.run(t, roleReg, accept, map[string]any{"id": appID})
			if errCode(r) != "" || r.Data["acceptOffer"].(map[string]any)["application"].(map[string]any)["accepted"] != true {
				t.Fatalf("acceptOffer: %+v", r)
			}
			if got := e.db.Client.Application.GetX(e.sys(), appID).Status; got != application.StatusACCEPTED {
				t.Fatalf("status %s, want ACCEPTED", got)
			}
			if r := e.run(t, roleReg, accept, map[string]any{"id": appID}); errCode(r) != graph.CodeInvalidTransition {
				t.Fatalf("second accept: %+v", r)
			}

			// 中途解除.
			asID, _ := strconv.Atoi(e.w.freshAssignment())
			before := e.db.Client.Assignment.GetX(e.sys(), asID)
			term := `mutation($in: TerminateAssignmentInput!){ terminateAssignment(input: $in){ assignment{ status endDate plannedEndDate terminatedBy terminationMeasures } } }`
			tin := map[string]any{"assignmentId": asID, "lastDay": "2026-06-30", "by": "CLIENT", "reason": "派遣先の事業縮小", "measures": " "}
			if r := e.run(t, roleSales, term, map[string]any{"in": tin}); errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != "measures" {
				t.Fatalf("no measures: %+v", r)
			}
			if got := e.db.Client.Assignment.GetX(e.sys(), asID); got.Status != before.Status || got.TerminationReason != nil {
				t.Fatalf("a refused termination wrote: %+v", got)
			}
			tin["measures"] = "同条件の別就業先を紹介、休業手当を支給"
			r = e.run(t, roleSales, term, map[string]any{"in": tin})
			if errCode(r) != "" {
				t.Fatalf("terminate: %+v", r)
			}
			got := r.Data["terminateAssignment"].(map[string]any)["assignment"].(map[string]any)
			if got["status"] != "TERMINATED" || got["endDate"] != "2026-06-30" || got["plannedEndDate"] != before.EndDate.Format(time.DateOnly) || got["terminatedBy"] != "CLIENT" {
				t.Fatalf("terminated assignment: %+v", got)
			}
			key := pipeline.NextJobKey(asID)
			nj := e.db.Client.Inquiry.Query().Where(inquiry.IdempotencyKey(key)).AllX(e.sys())
			if len(nj) != 1 || nj[0].Kind != inquiry.KindNEXT_JOB || nj[0].Origin != inquiry.OriginSYSTEM || !strings.Contains(nj[0].Message, "中途解除") {
				t.Fatalf("next-job inquiry after the termination: %+v", nj)
			}
			if r := e.run(t, roleSales, term, map[string]any{"in": tin}); errCode(r) != graph.CodeInvalidTransition {
				t.Fatalf("terminating twice: %+v", r)
			}
			if s := e.db.Client.Assignment.GetX(e.sys(), asID).Status; s != assignment.StatusTERMINATED {
				t.Fatalf("status %s", s)
			}
		})
	}
}

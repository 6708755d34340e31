package server_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
)

// An inquiry is a thread (issue 15 item 5), through GraphQL on both databases: she asks about the
// predecessor, the assignee answers (acknowledging it), the other side is told each time, she sees
// staff by display name only and none of the posting's confidential details but what staff wrote,
// and the answer can resolve the inquiry.
func TestInquiryThread(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			// Her question about P1 (whose confidential fields include the predecessor's tenure and
			// the client contact), assigned to C1 and not yet acknowledged.
			q := e.db.Client.Inquiry.Create().SetAgencyID(e.w.agency()).SetRegistrantID(e.w.row("G1").id).
				SetPostingID(e.w.row("P1").id).SetKind(inquiry.KindPOSTING_QUESTION).SetMessage("前任者はどのくらい働きましたか?").
				SetStatus(inquiry.StatusASSIGNED).SetCoordinatorID(e.w.row("C1").id).SaveX(e.sys())
			id := strconv.Itoa(q.ID)
			post := `mutation($id: ID!, $b: String!){ postMyInquiryMessage(input:{inquiryId:$id, body:$b}){ myInquiry{ messages{ body fromStaff } } } }`
			reply := `mutation($id: ID!, $b: String!, $res: Boolean){ replyToInquiry(input:{inquiryId:$id, body:$b, resolve:$res}){ inquiry{ status messages{ body authorName fromStaff } } } }`

			if r := e.run(t, roleReg, post, map[string]any{"id": id, "b": "  "}); errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != "body" {
				t.Fatalf("empty message: %+v", r)
			}
			if r := e.run(t, roleReg, post, map[string]any{"id": id, "b": "来月から働けます。"}); errCode(r) != "" {
				t.Fatalf("her message: %+v", r)
			}
			// The sales rep sees the inquiry (it is about their posting) but is not its assignee.
			if r := e.run(t, roleSales, reply, map[string]any{"id": id, "b": "横から失礼します"}); errCode(r) != graph.CodeForbidden {
				t.Fatalf("non-assignee reply: %+v", r)
			}
			r := e.run(t, roleCoord, reply, map[string]any{"id": id, "b": "前任の方は2か月でした。職場の雰囲気は落ち着いています。"})
			if errCode(r) != "" {
				t.Fatalf("coordinator's reply: %+v", r)
			}
			got := r.Data["replyToInquiry"].(map[string]any)["inquiry"].(map[string]any)
			if got["status"] != "ACKNOWLEDGED" || len(got["messages"].([]any)) != 2 {
				t.Fatalf("after the reply: %+v", got)
			}
			if want := []string{id + ":registrant", id + ":staff"}; !slices.Equal(e.posted.list(), want) {
				t.Fatalf("events %v, want %v", e.posted.list(), want)
			}

			// Her view: staff by display name, exactly the text staff wrote, nothing else confidential.
			mine := e.run(t, roleReg, `{ myInquiries{ id message assigneeName messages{ body at fromStaff authorName } } }`, nil)
			if errCode(mine) != "" {
				t.Fatal(mine.Errors)
			}
			raw, _ := json.Marshal(mine.Data)
			for _, secret := range []string{"経理課", "増員", "担当 山田", "coord@a.example", "predecessorTenure"} {
				if strings.Contains(string(raw), secret) {
					t.Errorf("her thread shows %q: %s", secret, raw)
				}
			}
			var thread []any
			for _, x := range mine.Data["myInquiries"].([]any) {
				if x.(map[string]any)["id"] == id {
					thread = x.(map[string]any)["messages"].([]any)
				}
			}
			if len(thread) != 2 || thread[1].(map[string]any)["authorName"] != "C1" || thread[1].(map[string]any)["body"] != "前任の方は2か月でした。職場の雰囲気は落ち着いています。" {
				t.Fatalf("her thread: %v", thread)
			}

			// Resolve with the answer; the thread then takes no more messages.
			r = e.run(t, roleCoord, reply, map[string]any{"id": id, "b": "ほかにご不明点があれば新しくお問い合わせください。", "res": true})
			if errCode(r) != "" || r.Data["replyToInquiry"].(map[string]any)["inquiry"].(map[string]any)["status"] != "RESOLVED" {
				t.Fatalf("resolve with the answer: %+v", r)
			}
			if r := e.run(t, roleReg, post, map[string]any{"id": id, "b": "もう一つ"}); errCode(r) != graph.CodeInvalidTransition {
				t.Fatalf("message after resolution: %+v", r)
			}
			// Another registrant's inquiry is not found.
			if r := e.run(t, roleReg, post, map[string]any{"id": e.w.id("I2"), "b": "?"}); errCode(r) != graph.CodeNotFound {
				t.Fatalf("someone else's inquiry: %+v", r)
			}
		})
	}
}

package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// TestRoutingOverHTTP drives both routing modes through the GraphQL API on the demo data, as the
// mobile app and the staff front ends would.
func TestRoutingOverHTTP(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			sys := access.System(context.Background(), "test: seed")
			if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
				t.Fatal(err)
			}
			secret, _ := auth.RandomSecret()
			tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
			srv := httptest.NewServer(server.Handler(server.Options{
				Resolver: &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0),
					Router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: db.Client}},
				Tokens: tokens, Ready: db.Ready, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Development: true,
			}))
			defer srv.Close()
			login := func(t *testing.T, email string) string {
				r := do(t, srv.URL, "", query(`mutation($e:String!){login(input:{email:$e,password:"demo-password"}){accessToken}}`, map[string]any{"e": email}))
				if len(r.Errors) > 0 {
					t.Fatalf("login %s: %v", email, codesOf(r))
				}
				return r.Data["login"].(map[string]any)["accessToken"].(string)
			}
			gql := func(t *testing.T, token, q string, vars map[string]any) map[string]any {
				t.Helper()
				r := do(t, srv.URL, token, query(q, vars))
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %v", q, codesOf(r))
				}
				return r.Data
			}
			// assigneeOf reads an inquiry as the agency's admin: who has it, and their login.
			assigneeOf := func(t *testing.T, admin, id string) (typename, email string, status string) {
				d := gql(t, admin, `query($id:ID!){node(id:$id){... on Inquiry{status assignee{__typename ... on Coordinator{account{email}} ... on SalesRep{account{email}}}
					routingDecisions{action reason chosen{__typename} candidates{name score excluded}}}}}`, map[string]any{"id": id})
				n := d["node"].(map[string]any)
				status = n["status"].(string)
				if a, ok := n["assignee"].(map[string]any); ok {
					return a["__typename"].(string), a["account"].(map[string]any)["email"].(string), status
				}
				return "", "", status
			}

			t.Run("coordinator mode: question → coordinator → hand-off to the account rep", func(t *testing.T) {
				reg, admin := login(t, "registrant@demo.example"), login(t, "admin@demo.example")
				feed := gql(t, reg, `{publicPostings(first:1){edges{node{id}}}}`, nil)
				pid := feed["publicPostings"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				created := gql(t, reg, `mutation($p:ID!){createInquiry(input:{postingId:$p,kind:POSTING_QUESTION,message:"残業はありますか？",idempotencyKey:"e2e-1"}){myInquiry{id status assigneeName}}}`,
					map[string]any{"p": pid})["createInquiry"].(map[string]any)
				if r := do(t, srv.URL, reg, query(`mutation($p:ID!){createInquiry(input:{postingId:$p,kind:POSTING_QUESTION,idempotencyKey:"e2e-1"}){inquiry{id status}}}`, map[string]any{"p": pid})); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeForbidden {
					t.Fatalf("a registrant must not get the staff type back: %v", codesOf(r))
				}
				mine := created["myInquiry"].(map[string]any)
				if mine["status"] != "ASSIGNED" || mine["assigneeName"] == nil {
					t.Fatalf("registrant sees %v", mine)
				}
				id := mine["id"].(string)
				again := gql(t, reg, `mutation($p:ID!){createInquiry(input:{postingId:$p,kind:POSTING_QUESTION,idempotencyKey:"e2e-1"}){myInquiry{id}}}`, map[string]any{"p": pid})
				if again["createInquiry"].(map[string]any)["myInquiry"].(map[string]any)["id"] != id {
					t.Fatal("idempotent retry created a second inquiry")
				}
				typ, email, _ := assigneeOf(t, admin, id)
				if typ != "Coordinator" {
					t.Fatalf("demo agency routes to a coordinator, got %s", typ)
				}
				coord := login(t, email)
				// The coordinator sees it in their list, acknowledges and hands it off.
				gql(t, coord, `mutation($id:ID!){acknowledgeInquiry(input:{id:$id}){inquiry{status}}}`, map[string]any{"id": id})
				out := gql(t, coord, `mutation($id:ID!){handOffInquiry(input:{id:$id,reason:"応募を希望"}){inquiry{status assignee{__typename}}}}`, map[string]any{"id": id})
				inq := out["handOffInquiry"].(map[string]any)["inquiry"].(map[string]any)
				if inq["status"] != "HANDED_OFF" {
					t.Fatalf("hand-off: %v", inq)
				}
				typ, repEmail, _ := assigneeOf(t, admin, id)
				owner := db.Client.Posting.Query().Where(posting.ID(atoi(pid))).QueryAccountRep().QueryAccount().OnlyX(sys)
				if typ != "SalesRep" || repEmail != owner.Email {
					t.Fatalf("handed off to %s %s, want the posting's account rep %s", typ, repEmail, owner.Email)
				}
				// A registrant never sees routing internals; a coordinator can't act on it any more.
				r := do(t, srv.URL, coord, query(`mutation($id:ID!){resolveInquiry(input:{id:$id}){inquiry{status}}}`, map[string]any{"id": id}))
				if len(r.Errors) == 0 {
					t.Fatal("the coordinator resolved an inquiry handed to the rep")
				}
				rep := login(t, repEmail)
				res := gql(t, rep, `mutation($id:ID!){resolveInquiry(input:{id:$id}){inquiry{status}}}`, map[string]any{"id": id})
				if res["resolveInquiry"].(map[string]any)["inquiry"].(map[string]any)["status"] != "RESOLVED" {
					t.Fatalf("resolve: %v", res)
				}
			})

			t.Run("direct mode: question → account rep; decline, full, resolve frees capacity", func(t *testing.T) {
				reg, admin := login(t, "registrant@direct.example"), login(t, "admin@direct.example")
				feed := gql(t, reg, `{publicPostings(first:3){edges{node{id}}}}`, nil)
				edges := feed["publicPostings"].(map[string]any)["edges"].([]any)
				pid := edges[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				d := gql(t, reg, `mutation($p:ID!){createInquiry(input:{postingId:$p,kind:APPLICATION_INTENT}){myInquiry{id status}}}`, map[string]any{"p": pid})
				id := d["createInquiry"].(map[string]any)["myInquiry"].(map[string]any)["id"].(string)
				typ, email, _ := assigneeOf(t, admin, id)
				owner := db.Client.Posting.Query().Where(posting.ID(atoi(pid))).QueryAccountRep().WithAccount().OnlyX(sys)
				if typ != "SalesRep" || email != owner.Edges.Account.Email {
					t.Fatalf("direct mode: went to %s %s, want the posting's rep %s", typ, email, owner.Edges.Account.Email)
				}
				rep := login(t, email)
				// The rep declines: a posting inquiry waits for its own rep, so it queues.
				gql(t, rep, `mutation($id:ID!){declineInquiry(input:{id:$id,reason:"不在"}){inquiry{id}}}`, map[string]any{"id": id})
				if _, _, st := assigneeOf(t, admin, id); st != "QUEUED" {
					t.Fatalf("after decline: %s", st)
				}
				// Next job: to the desk. Fill the desk, ask again → queued; a resolve frees a slot.
				for _, r := range db.Client.SalesRep.Query().Where(salesrep.AgencyID(owner.AgencyID)).AllX(sys) {
					db.Client.SalesRep.UpdateOne(r).SetCapacity(r.OpenInquiries).ExecX(sys)
				}
				nj := gql(t, reg, `mutation{requestNextJob(input:{message:"次の仕事を探しています"}){myInquiry{id status}}}`, nil)
				mj := nj["requestNextJob"].(map[string]any)["myInquiry"].(map[string]any)
				if mj["status"] != "QUEUED" {
					t.Fatalf("everyone full: next job should queue, got %v", mj)
				}
				// An admin resolves one of the reps' open inquiries: its capacity goes to the queue.
				open := gql(t, admin, `{inquiries(where:{status:ASSIGNED}, first:1){edges{node{id}}}}`, nil)
				oid := open["inquiries"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				gql(t, admin, `mutation($id:ID!){resolveInquiry(input:{id:$id}){inquiry{status}}}`, map[string]any{"id": oid})
				if _, _, st := assigneeOf(t, admin, mj["id"].(string)); st != "ASSIGNED" {
					t.Fatalf("queued next-job inquiry not assigned after capacity freed: %s", st)
				}
				// Registrants cannot see decisions or other people's inquiries.
				r := do(t, srv.URL, reg, query(`{inquiries{totalCount}}`, nil))
				if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeForbidden {
					t.Fatalf("registrant listed staff inquiries: %v", codesOf(r))
				}
			})

			t.Run("staff open an inquiry for a registrant; limits answer with codes", func(t *testing.T) {
				coord := login(t, "coordinator@demo.example")
				regs := gql(t, coord, `{registrants(first:1, orderBy:{field:NAME}){edges{node{id}}}}`, nil)
				rid := regs["registrants"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				d := gql(t, coord, `mutation($r:ID!){createInquiry(input:{registrantId:$r,kind:GENERAL,channel:PHONE,message:"電話あり"}){inquiry{id origin channel}}}`, map[string]any{"r": rid})
				if inq, ok := d["createInquiry"].(map[string]any)["inquiry"].(map[string]any); ok && (inq["origin"] != "STAFF" || inq["channel"] != "PHONE") {
					t.Fatalf("staff-opened inquiry: %v", inq)
				}
				reg := login(t, "registrant@demo.example")
				var last gqlResponse
				for i := range 8 {
					last = do(t, srv.URL, reg, query(fmt.Sprintf(`mutation{createInquiry(input:{kind:GENERAL,message:"%d"}){myInquiry{id}}}`, i), nil))
					if len(last.Errors) > 0 {
						break
					}
				}
				if len(last.Errors) == 0 || last.Errors[0].Extensions["code"] != graph.CodeRateLimited || last.Errors[0].Extensions["retryAt"] == nil {
					t.Fatalf("rate limit: %+v", last.Errors)
				}
				bad := do(t, srv.URL, reg, query(`mutation{createInquiry(input:{kind:POSTING_QUESTION}){myInquiry{id}}}`, nil))
				if len(bad.Errors) == 0 || bad.Errors[0].Extensions["code"] != graph.CodeBadUserInput {
					t.Fatalf("question without posting: %v", codesOf(bad))
				}
			})
		})
	}
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

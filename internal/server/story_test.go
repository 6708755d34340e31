package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
	"github.com/example/staffcrm/internal/staff"
	"github.com/example/staffcrm/internal/webhooks"
)

// TestAgencyStory (issue 15): from an empty database with one admin made by `admin create`, through
// GraphQL alone: agency settings, a client with site and org unit, staff invited and on shift, a
// posting, a registrant who signs up and verifies, adds work history, asks a question and gets the
// answer in the thread, applies, gets a meeting, accepts the offer and is placed — on both databases.
func TestAgencyStory(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			secret, _ := auth.RandomSecret()
			tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
			mailer := &mail.Recorder{}
			resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0),
				Router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: db.Client},
				Mailer: mailer, PublicURL: "https://crm.example"}
			srv := httptest.NewServer(server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready,
				Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Development: true}))
			defer srv.Close()

			gql := func(token, q string, vars map[string]any) map[string]any {
				t.Helper()
				r := do(t, srv.URL, token, query(q, vars))
				if len(r.Errors) > 0 {
					t.Fatalf("%s\n→ %+v", q, r.Errors)
				}
				return r.Data
			}
			pick := func(d map[string]any, path ...string) any {
				var v any = d
				for _, p := range path {
					v = v.(map[string]any)[p]
				}
				return v
			}
			tokenIn := func(link string) string {
				u, err := url.Parse(link)
				if err != nil {
					t.Fatal(err)
				}
				return u.Query().Get("token")
			}
			const pw = "correct horse battery"
			signIn := func(email string) string {
				return pick(gql("", `mutation($e:String!,$p:String!){login(input:{email:$e,password:$p}){accessToken}}`,
					map[string]any{"e": email, "p": pw}), "login", "accessToken").(string)
			}
			setPassword := func(link string) {
				gql("", `mutation($t:String!,$p:String!){setPassword(input:{token:$t,password:$p}){email}}`, map[string]any{"t": tokenIn(link), "p": pw})
			}

			// The only thing done outside GraphQL: the operator's `admin create`.
			link, _, err := (&staff.Service{Client: db.Client, PublicURL: "https://crm.example"}).CreateAdmin(
				access.System(context.Background(), "test: admin create"),
				staff.Bootstrap{AgencySlug: "sakura", AgencyName: "さくら派遣", Email: "owner@sakura.example"})
			if err != nil {
				t.Fatal(err)
			}
			setPassword(link)
			admin := signIn("owner@sakura.example")

			gql(admin, `mutation{updateAgencySettings(input:{businessOpen:"00:00",businessClose:"23:59",workingWeekdays:[0,1,2,3,4,5,6],ackTimeoutMinutes:60}){agency{businessOpen}}}`, nil)
			// The agency's payroll system hears everything (issue 18): each change below must commit
			// with its event, whatever path the API takes.
			var hooksMu sync.Mutex
			var heard []string
			var hookSecret string
			receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				hooksMu.Lock()
				defer hooksMu.Unlock()
				var ev struct{ Type string }
				if err := webhooks.Verify(r.Header, hookSecret, body, time.Now(), time.Minute); err != nil || json.Unmarshal(body, &ev) != nil {
					t.Errorf("webhook %s: %v", body, err)
				}
				heard = append(heard, ev.Type)
			}))
			defer receiver.Close()
			types := gql(admin, `{webhookEventTypes}`, nil)["webhookEventTypes"]
			created := gql(admin, `mutation($u:String!,$t:[String!]!){createWebhookEndpoint(input:{url:$u,eventTypes:$t}){secret endpoint{id}}}`,
				map[string]any{"u": receiver.URL, "t": types})
			hookSecret = pick(created, "createWebhookEndpoint", "secret").(string)
			invite := func(email, role, extra string) string {
				gql(admin, fmt.Sprintf(`mutation{inviteStaff(input:{email:%q,name:%q,role:%s%s}){linkExpiresAt}}`, email, strings.Split(email, "@")[0], role, extra), nil)
				setPassword(mailer.Sent[len(mailer.Sent)-1].Link)
				tok := signIn(email)
				gql(tok, `mutation{setAvailability(input:{available:true}){staff{... on Coordinator{available} ... on SalesRep{available}}}}`, nil)
				return tok
			}
			coord := invite("hanako@sakura.example", "COORDINATOR", `,specialties:["一般事務"],regions:["東京都"]`)
			rep := invite("taro@sakura.example", "SALES_REP", `,salesRepKind:ACCOUNT,specialties:["一般事務"]`)

			client := pick(gql(rep, `mutation{createClient(input:{name:"丸の内商事",industry:"商社",legalEntityNumber:"7000012050002"}){client{id}}}`, nil), "createClient", "client", "id")
			site := pick(gql(rep, `mutation($c:ID!){createClientSite(input:{clientId:$c,name:"本社",address:"東京都千代田区丸の内1-1",prefecture:"東京都"}){site{id}}}`,
				map[string]any{"c": client}), "createClientSite", "site", "id")
			today := time.Now().UTC()
			gql(rep, `mutation($s:ID!,$c:Date!,$n:Date!){recordConflictDateNotice(input:{siteId:$s,conflictDate:$c,notifiedOn:$n}){site{conflictDate}}}`,
				map[string]any{"s": site, "c": today.AddDate(3, 0, 0).Format(time.DateOnly), "n": today.Format(time.DateOnly)})
			unit := pick(gql(rep, `mutation($s:ID!){createOrgUnit(input:{siteId:$s,name:"経理課"}){orgUnit{id}}}`, map[string]any{"s": site}), "createOrgUnit", "orgUnit", "id")
			repID := pick(gql(rep, `{viewer{profile{... on SalesRep{id}}}}`, nil), "viewer", "profile", "id")
			posting := pick(gql(rep, `mutation($u:ID!,$r:ID!){createPosting(input:{title:"経理事務（請求書発行）",jobCategory:"一般事務",hourlyWage:1700,prefecture:"東京都",
				orgUnitID:$u,accountRepID:$r,status:OPEN,visibility:PUBLIC,taskTags:["請求書","データ入力"],predecessorTenureMonths:14}){posting{id}}}`,
				map[string]any{"u": unit, "r": repID}), "createPosting", "posting", "id")

			// The registrant, in the app.
			in := registration("sakura", "misaki@example.jp")
			in["privacyPolicyVersion"], in["skillSheetProvisionVersion"] = config.Defaults.PolicyVersion, config.Defaults.PolicyVersion
			gql("", registerQ, map[string]any{"input": in})
			gql("", verifyQ, map[string]any{"t": tokenIn(mailer.Sent[len(mailer.Sent)-1].Link)})
			reg := signIn("misaki@example.jp")
			gql(reg, `mutation($in: WorkHistoryInput!){addMyWorkHistory(input:$in){profile{workHistories{company}}}}`,
				map[string]any{"in": workEntry("株式会社前職")})
			inq := pick(gql(reg, `mutation($p:ID!){createInquiry(input:{postingId:$p,kind:POSTING_QUESTION,message:"前任者はどのくらい働きましたか?"}){myInquiry{id status assigneeName}}}`,
				map[string]any{"p": posting}), "createInquiry", "myInquiry").(map[string]any)
			if inq["assigneeName"] != "hanako" {
				t.Fatalf("her question went to %v, want the coordinator on shift", inq["assigneeName"])
			}
			gql(coord, `mutation($i:ID!){replyToInquiry(input:{inquiryId:$i,body:"前任の方は1年2か月お勤めでした。",resolve:true}){inquiry{status}}}`, map[string]any{"i": inq["id"]})
			thread := gql(reg, `{myInquiries{id status messages{body authorName}}}`, nil)["myInquiries"].([]any)[0].(map[string]any)
			if thread["status"] != "RESOLVED" || thread["messages"].([]any)[0].(map[string]any)["body"] != "前任の方は1年2か月お勤めでした。" {
				t.Fatalf("her thread: %+v", thread)
			}

			app := pick(gql(reg, `mutation($p:ID!){apply(input:{postingId:$p}){application{id}}}`, map[string]any{"p": posting}), "apply", "application", "id")
			move := func(to, extra string) {
				gql(rep, fmt.Sprintf(`mutation($a:ID!){advanceApplication(input:{applicationId:$a,to:%s%s}){application{status}}}`, to, extra), map[string]any{"a": app})
			}
			move("SCREENING", "")
			move("SCREENING_PASSED", "")
			move("CLIENT_MEETING", ",requestedByRegistrant:true") // a workplace visit she asked for (§6 rule 5)
			gql(rep, `mutation($a:ID!,$at:Time!){scheduleMeeting(input:{applicationId:$a,at:$at,place:"本社 3階受付",attendees:["経理課 山田様","営業 taro"]}){application{meetingAt}}}`,
				map[string]any{"a": app, "at": today.Add(72 * time.Hour).Format(time.RFC3339)})
			if m := gql(reg, `{myApplications{meeting{place}}}`, nil)["myApplications"].([]any)[0].(map[string]any)["meeting"]; m == nil {
				t.Fatal("she does not see her meeting")
			}
			start, end := today.AddDate(0, 0, 14).Format(time.DateOnly), today.AddDate(0, 6, 14).Format(time.DateOnly)
			move("OFFERED", fmt.Sprintf(",startDate:%q,endDate:%q", start, end))
			gql(reg, `mutation($a:ID!){acceptOffer(input:{id:$a}){application{accepted}}}`, map[string]any{"a": app})
			placed := gql(rep, fmt.Sprintf(`mutation($a:ID!){advanceApplication(input:{applicationId:$a,to:PLACED,startDate:%q,endDate:%q,billRate:2400}){application{status} assignment{startDate endDate}}}`, start, end),
				map[string]any{"a": app})["advanceApplication"].(map[string]any)
			if pick(placed, "application", "status") != "PLACED" || pick(placed, "assignment", "startDate") != start {
				t.Fatalf("placement: %+v", placed)
			}
			mine := gql(reg, `{myAssignments{startDate status clientName}}`, nil)["myAssignments"].([]any)
			if len(mine) != 1 || mine[0].(map[string]any)["startDate"] != start {
				t.Fatalf("her assignments: %+v", mine)
			}

			worker := &webhooks.Worker{Client: db.Client, Postgres: kind == dbtest.Postgres, HTTP: webhooks.Targets{}.HTTPClient(5 * time.Second),
				Config: webhooks.DefaultConfig(), Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			if _, err := worker.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			hooksMu.Lock()
			got := slices.Sorted(slices.Values(heard))
			hooksMu.Unlock()
			want := slices.Concat(slices.Repeat([]string{"application.status_changed"}, 7), // APPLIED … ACCEPTED, PLACED
				[]string{"assignment.created", "inquiry.assigned", "inquiry.resolved", "posting.opened"})
			if !slices.Equal(got, want) {
				t.Errorf("webhooks heard %v\nwant %v", got, want)
			}
			log := gql(admin, `{webhookDeliveries{status eventType}}`, nil)["webhookDeliveries"].([]any)
			for _, d := range log {
				if d.(map[string]any)["status"] != "DELIVERED" {
					t.Errorf("delivery log: %v", log)
					break
				}
			}
		})
	}
}

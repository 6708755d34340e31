package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/accounttoken"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/conflictdatenotice"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/routingdecision"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk"
	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
	"github.com/example/staffcrm/internal/staff"
)

// Master data, staff and agency settings (issue 15 items 2–4) through GraphQL: every new mutation
// as admin, coordinator, sales rep, registrant, anonymous and another agency's admin; bad input
// answered BAD_USER_INPUT naming the field with nothing written; disabling a staff member ends their
// sessions and routes their open inquiries again (none lost); going on shift assigns a queued
// inquiry at once; settings changes land in the audit log. On SQLite and PostgreSQL.

const roleOther = "other-admin" // agency B's admin, naming agency A's rows

var masterRoles = []string{roleAdmin, roleCoord, roleSales, roleReg, roleAnon, roleOther}

type masterEnv struct {
	*walkEnv
	w      *mutWalk
	mailer *mail.Recorder
	posted *postedRecorder
	router *routing.Router
	issuer *auth.Tokens
	bulk   *bulk.Service
}

func newMasterEnv(t *testing.T, kind dbtest.Kind) *masterEnv {
	t.Helper()
	db := dbtest.Open(t, kind)
	secret, _ := auth.RandomSecret()
	tokens, err := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := access.System(context.Background(), "test fixture")
	rowsA, viewers := buildAgency(t, ctx, db.Client, "a")
	rowsB, viewersB := buildAgency(t, ctx, db.Client, "b")
	e := &walkEnv{rows: rowsA, other: rowsB, byID: map[int]fixRow{}, tokens: map[string]string{}, viewers: viewers, db: db}
	issue := func(role string, v *auth.Viewer) {
		tok, _, err := tokens.Issue(*v)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	for role, v := range viewers {
		issue(role, v)
	}
	issue(roleOther, viewersB[roleAdmin])
	me := &masterEnv{walkEnv: e, mailer: &mail.Recorder{}, issuer: tokens, posted: &postedRecorder{},
		router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), bulk: &bulk.Service{Client: db.Client}}
	me.w = &mutWalk{e: e, ctx: ctx}
	resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0), Router: me.router,
		Pipeline: &pipeline.Service{Client: db.Client}, Mailer: me.mailer, PublicURL: "https://crm.example", Threads: me.posted,
		Bulk: me.bulk}
	e.schema = graph.NewSchema(resolver).Schema()
	srv := httptest.NewServer(server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready,
		Log: slog.New(slog.NewJSONHandler(testLogOut, nil)), Development: true}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return me
}

// postedRecorder is the thread notifier of the tests: which inquiry got a message from which side.
type postedRecorder struct {
	mu    sync.Mutex
	posts []string
}

func (p *postedRecorder) MessagePosted(_ context.Context, inq *ent.Inquiry, fromStaff bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	side := "registrant"
	if fromStaff {
		side = "staff"
	}
	p.posts = append(p.posts, fmt.Sprintf("%d:%s", inq.ID, side))
}

func (p *postedRecorder) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.posts)
}

func (e *masterEnv) run(t *testing.T, role, q string, vars map[string]any) gqlResponse {
	t.Helper()
	return do(t, e.url, e.tokens[role], query(q, vars))
}

func (e *masterEnv) sys() context.Context { return e.w.ctx }

// masterCase is one mutation with, per role, the code it must answer ("" = success). in builds the
// input for a role (fresh rows where a success changes them).
type masterCase struct {
	mutation, inputType, selection string
	in                             func(e *masterEnv, role string) map[string]any
	want                           map[string]string
}

func masterCases() []masterCase {
	const (
		ok     = ""
		forb   = graph.CodeForbidden
		unauth = graph.CodeUnauthenticated
		nf     = graph.CodeNotFound
		bad    = graph.CodeBadUserInput
	)
	adminOnly := func(other string) map[string]string {
		return map[string]string{roleAdmin: ok, roleCoord: forb, roleSales: forb, roleReg: forb, roleAnon: unauth, roleOther: other}
	}
	adminOrRep := func(other string) map[string]string {
		return map[string]string{roleAdmin: ok, roleCoord: forb, roleSales: ok, roleReg: forb, roleAnon: unauth, roleOther: other}
	}
	n := 0
	uniq := func(role string) string { n++; return fmt.Sprintf("%s-%d", strings.ReplaceAll(role, "-", ""), n) }
	return []masterCase{
		{"updateAgencySettings", "UpdateAgencySettingsInput!", "agency{ackTimeoutMinutes}",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"ackTimeoutMinutes": 45} }, adminOnly(ok)},
		{"inviteStaff", "InviteStaffInput!", "account{email} linkExpiresAt",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"email": "invite-" + uniq(role) + "@example.jp", "name": "新人", "role": "COORDINATOR"}
			}, adminOnly(ok)},
		{"setPassword", "SetPasswordInput!", "email",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"token": "no-such-token", "password": "correct horse battery"}
			}, map[string]string{roleAdmin: bad, roleCoord: bad, roleSales: bad, roleReg: bad, roleAnon: bad, roleOther: bad}},
		{"disableStaff", "StaffAccountInput!", "account{disabled} reassigned queued",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"accountId": freshStaffAccount(e.w, false)}
			}, adminOnly(nf)},
		{"enableStaff", "StaffAccountInput!", "account{disabled}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"accountId": freshStaffAccount(e.w, true)}
			}, adminOnly(nf)},
		{"sendSetPasswordLink", "StaffAccountInput!", "account{email} linkExpiresAt",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"accountId": freshStaffAccount(e.w, false)}
			}, adminOnly(nf)},
		{"updateStaff", "UpdateStaffInput!", "staff{... on Coordinator{capacity}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.id("C2"), "capacity": 4}
			}, adminOnly(nf)},
		{"setAvailability", "SetAvailabilityInput!", "assigned staff{... on Coordinator{available} ... on SalesRep{available}}",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"available": true} },
			map[string]string{roleAdmin: forb, roleCoord: ok, roleSales: ok, roleReg: forb, roleAnon: unauth, roleOther: forb}},
		{"createClient", "NewClientInput!", "client{name serviceRep{name}}",
			func(e *masterEnv, role string) map[string]any {
				in := map[string]any{"name": "新規 " + uniq(role), "industry": "製造業", "legalEntityNumber": "7000012050002"}
				if role == roleOther {
					in["serviceRepId"] = e.w.id("R3") // agency A's rep
				}
				return in
			}, adminOrRep(nf)},
		{"updateClient", "ClientChangesInput!", "client{name}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.id("X"), "name": "改名 " + uniq(role)}
			},
			adminOrRep(nf)},
		{"createClientSite", "NewClientSiteInput!", "site{name client{name}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"clientId": e.w.id("X"), "name": "支店 " + uniq(role), "address": "大阪府大阪市北区1-1", "prefecture": "大阪府"}
			}, adminOrRep(nf)},
		{"updateClientSite", "ClientSiteChangesInput!", "site{address}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.id("SX"), "address": "東京都港区9-" + uniq(role)}
			}, adminOrRep(nf)},
		{"recordConflictDateNotice", "RecordConflictDateNoticeInput!", "site{conflictDate conflictDateNotifiedAt}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"siteId": e.w.id("SX"), "conflictDate": "2029-05-01", "notifiedOn": "2026-02-01"}
			}, adminOrRep(nf)},
		{"createOrgUnit", "NewOrgUnitInput!", "orgUnit{name site{name}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"siteId": e.w.id("SX"), "name": "課 " + uniq(role)}
			}, adminOrRep(nf)},
		{"updateOrgUnit", "OrgUnitChangesInput!", "orgUnit{name}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.id("UX"), "name": "課 " + uniq(role)}
			},
			adminOrRep(nf)},

		// Registrant accounts (issue 15 item 1). The public ones answer every caller alike.
		{"registerRegistrant", "RegisterRegistrantInput!", "email message",
			func(e *masterEnv, role string) map[string]any {
				return registration("a", "signup-"+uniq(role)+"@example.jp")
			},
			everyoneAlike(ok)},
		{"verifyEmail", "VerifyEmailInput!", "email",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"token": "no-such-token"} },
			everyoneAlike(bad)},
		{"resendVerificationEmail", "EmailInput!", "email message",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"email": "nobody-" + uniq(role) + "@example.jp"}
			},
			everyoneAlike(ok)},
		{"requestPasswordReset", "EmailInput!", "email message",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"email": "nobody-" + uniq(role) + "@example.jp"}
			},
			everyoneAlike(ok)},
		{"setMySkills", "SetMySkillsInput!", "profile{skills{name level}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"skills": []map[string]any{{"name": "Excel", "level": 3, "years": 2}}}
			}, registrantOnly(forb)},
		{"addMyWorkHistory", "WorkHistoryInput!", "profile{workHistories{id company}}",
			func(e *masterEnv, role string) map[string]any { return workEntry("前職 " + uniq(role)) },
			registrantOnly(forb)},
		{"updateMyWorkHistory", "ChangeWorkHistoryInput!", "profile{workHistories{id company}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.id("W1"), "set": map[string]any{"company": "改名 " + uniq(role)}}
			}, registrantOnly(forb)},
		{"removeMyWorkHistory", "RemoveWorkHistoryInput!", "profile{workHistories{id}}",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"id": freshWorkHistory(e, "G1")} },
			registrantOnly(forb)},
		{"deleteMyAccount", "DeleteMyAccountInput!", "retainedUntil retained",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"password": "whatever it is"} },
			// G1 has a scheduled assignment: refused before anything is touched.
			registrantOnly(forb, graph.CodeConflict)},
		{"setRegistrantSkills", "SetRegistrantSkillsInput!", "registrant{skills{name}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"registrantId": e.w.id("G2"), "skills": []map[string]any{{"name": "Word", "level": 2, "years": 1}}}
			}, coordOrAdmin(nf)},
		{"addRegistrantWorkHistory", "AddRegistrantWorkHistoryInput!", "registrant{workHistories{company}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"registrantId": e.w.id("G2"), "entry": workEntry("前職 " + uniq(role))}
			}, coordOrAdmin(nf)},
		{"updateRegistrantWorkHistory", "ChangeWorkHistoryInput!", "registrant{workHistories{company}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.id("W1"), "set": map[string]any{"tasks": "請求書 " + uniq(role)}}
			}, coordOrAdmin(nf)},
		{"removeRegistrantWorkHistory", "RemoveWorkHistoryInput!", "registrant{id}",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"id": freshWorkHistory(e, "G2")} },
			coordOrAdmin(nf)},

		// Inquiry threads (issue 15 item 5).
		{"replyToInquiry", "ReplyToInquiryInput!", "inquiry{status}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"inquiryId": e.w.freshInquiry(role, inquiry.StatusACKNOWLEDGED, false), "body": "お答えします"}
			}, staffInScope(nf)},
		{"postMyInquiryMessage", "PostMyInquiryMessageInput!", "myInquiry{messages{body}}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"inquiryId": e.w.freshInquiry(roleCoord, inquiry.StatusASSIGNED, false), "body": "追記です"}
			}, registrantOnly(forb)},

		// Pipeline gaps (issue 15 item 6).
		{"acceptOffer", "ApplicationIdInput!", "application{status accepted}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.freshApplication(application.StatusOFFERED)}
			}, registrantOnly(forb)},
		{"scheduleMeeting", "ScheduleMeetingInput!", "application{meetingAt}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"applicationId": e.w.freshApplication(application.StatusCLIENT_MEETING),
					"at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "place": "本社"}
			}, staffInScope(nf)},
		{"cancelMeeting", "ApplicationIdInput!", "application{meetingAt}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": e.w.freshApplication(application.StatusCLIENT_MEETING)}
			}, staffInScope(nf)},
		{"terminateAssignment", "TerminateAssignmentInput!", "assignment{status}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"assignmentId": e.w.freshAssignment(), "lastDay": "2026-06-30", "by": "AGENCY",
					"reason": "就業規則違反", "measures": "指導記録を残し、別就業先を紹介"}
			}, staffInScope(nf)},

		// The general-wage table (issue 16 item 4): admins only; each agency loads its own.
		{"importGeneralWages", "ImportGeneralWagesInput!", "imported",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"csv": "fiscal_year,job_category,experience_years,prefecture,base_wage,experience_index,area_index\n" +
					"2026,一般事務,0,東京都,1000,100.0,100.0\n", "sample": true}
			}, adminOnly(ok)},

		// Webhooks (issue 18 item 1): admins of the agency only.
		{"createWebhookEndpoint", "CreateWebhookEndpointInput!", "endpoint{url eventTypes} secret",
			func(e *masterEnv, role string) map[string]any {
				// Subscribed to what the other cases never cause: their fixtures are written outside
				// transactions, which a subscribed change may not be (internal/webhooks).
				return map[string]any{"url": "https://hooks.example.jp/" + uniq(role), "eventTypes": []string{"compliance.reminder"}}
			}, adminOnly(ok)},
		{"updateWebhookEndpoint", "UpdateWebhookEndpointInput!", "endpoint{description}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"id": freshEndpoint(e.w), "description": uniq(role)}
			}, adminOnly(nf)},
		{"rotateWebhookSecret", "WebhookEndpointIdInput!", "secret",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"id": freshEndpoint(e.w)} }, adminOnly(nf)},
		{"deleteWebhookEndpoint", "WebhookEndpointIdInput!", "deletedId",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"id": freshEndpoint(e.w)} }, adminOnly(nf)},
		{"replayWebhookDelivery", "ReplayWebhookDeliveryInput!", "delivery{eventId status}",
			func(e *masterEnv, role string) map[string]any { return map[string]any{"deliveryId": e.w.id("WD")} }, adminOnly(nf)},

		// Bulk import (issue 18 item 3): registrants by admins and coordinators, postings by admins and
		// sales reps (their own); agency B's admin imports into B (A's org unit and rep are refused
		// rows of B's job, not an error of the mutation). The job runs in the background: the loop
		// waits for it before the next case digests the rows.
		{"importRegistrants", "ImportCsvInput!", "job{status kind mode}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"csv": "external_key,name,prefecture\nwalk-" + uniq(role) + ",取込 花子,東京都\n"}
			}, coordOrAdmin("")},
		{"importPostings", "ImportCsvInput!", "job{status kind mode}",
			func(e *masterEnv, role string) map[string]any {
				return map[string]any{"mode": "VALID_ROWS", "csv": fmt.Sprintf(
					"external_key,org_unit_id,account_rep_id,title,job_category,hourly_wage,prefecture\nwalk-%s,%s,%s,取込,一般事務,1500,東京都\n",
					uniq(role), e.w.id("UX"), e.w.id("R1"))}
			}, adminOrRep("")},
	}
}

// staffInScope: every staff role succeeds on rows of its scope; registrants are refused, agency B's
// admin does not find A's rows.
func staffInScope(other string) map[string]string {
	return map[string]string{roleAdmin: "", roleCoord: "", roleSales: "", roleReg: graph.CodeForbidden,
		roleAnon: graph.CodeUnauthenticated, roleOther: other}
}

func everyoneAlike(code string) map[string]string {
	return map[string]string{roleAdmin: code, roleCoord: code, roleSales: code, roleReg: code, roleAnon: code, roleOther: code}
}

// registrantOnly: the registrant succeeds (or gets regCode), staff are refused with staffCode.
func registrantOnly(staffCode string, regCode ...string) map[string]string {
	reg := ""
	if len(regCode) > 0 {
		reg = regCode[0]
	}
	return map[string]string{roleAdmin: staffCode, roleCoord: staffCode, roleSales: staffCode, roleReg: reg,
		roleAnon: graph.CodeUnauthenticated, roleOther: staffCode}
}

// coordOrAdmin: coordinators and admins edit agency A's registrants; sales reps and registrants may
// not; agency B's admin does not find A's rows.
func coordOrAdmin(other string) map[string]string {
	return map[string]string{roleAdmin: "", roleCoord: "", roleSales: graph.CodeForbidden, roleReg: graph.CodeForbidden,
		roleAnon: graph.CodeUnauthenticated, roleOther: other}
}

func registration(slug, email string) map[string]any {
	return map[string]any{"agencySlug": slug, "email": email, "password": "correct horse battery",
		"name": "山田 花子", "kana": "ヤマダ ハナコ", "phone": "090-1234-5678", "prefecture": "東京都",
		"privacyPolicyVersion": config.Defaults.PolicyVersion, "skillSheetProvisionVersion": config.Defaults.PolicyVersion}
}

func workEntry(company string) map[string]any {
	return map[string]any{"company": company, "jobCategory": "一般事務", "startDate": "2020-04-01",
		"endDate": "2023-03-31", "kind": "DISPATCHED", "taskTags": []string{"データ入力", "電話応対"}}
}

// freshWorkHistory: a new entry on the fixture registrant label, for a removal to take.
func freshWorkHistory(e *masterEnv, label string) string {
	w := e.db.Client.WorkHistory.Create().SetAgencyID(e.w.agency()).SetRegistrantID(e.w.row(label).id).
		SetCompany("消す職歴").SetJobCategory("一般事務").SetStartDate(time.Date(2019, 4, 1, 0, 0, 0, 0, time.UTC)).
		SetKind(workhistory.KindDIRECT_EMPLOYMENT).SaveX(e.sys())
	return strconv.Itoa(w.ID)
}

func (c masterCase) query() string {
	return fmt.Sprintf("mutation($input: %s) { %s(input: $input) { %s } }", c.inputType, c.mutation, c.selection)
}

// TestMasterDataRoles: every new mutation × the six callers; a refused call changes no row.
func TestMasterDataRoles(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			cases := masterCases()
			total := 0
			for _, c := range cases {
				for _, role := range masterRoles {
					t.Run(c.mutation+"/"+role, func(t *testing.T) {
						want, ok := c.want[role]
						if !ok {
							t.Fatalf("no expectation for %s", role)
						}
						in := c.in(e, role)
						before := e.w.digest(t)
						r := e.run(t, role, c.query(), map[string]any{"input": in})
						e.bulk.Wait() // an import runs in the background
						total++
						if got := errCode(r); got != want {
							t.Fatalf("%s as %s: code %q, want %q (%v) data=%v", c.mutation, role, got, want, r.Errors, r.Data)
						}
						if want != "" && e.w.digest(t) != before {
							t.Fatalf("%s as %s was refused but changed rows", c.mutation, role)
						}
					})
				}
			}
			// The other agency's admin changed its own agency, never A's.
			ag := e.db.Client.Agency.GetX(e.sys(), e.w.agency())
			if ag.AckTimeoutMinutes != 45 {
				t.Errorf("agency A ack timeout = %d, want A's admin's 45", ag.AckTimeoutMinutes)
			}
			if n := e.db.Client.Account.Query().Where(account.AgencyID(e.w.agency()), account.EmailHasPrefix("invite-")).CountX(e.sys()); n != 1 {
				t.Errorf("agency A has %d invited accounts, want the admin's 1", n)
			}
			t.Logf("%s: %d mutations × %d callers = %d cases", kind, len(cases), len(masterRoles), total)
		})
	}
}

// TestMasterDataBadInput: each rejected value answers BAD_USER_INPUT naming the field, and nothing
// is written (every row digested before and after).
func TestMasterDataBadInput(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			reg := strconv.Itoa(e.rows["acc.reg"].id)
			self := strconv.Itoa(e.viewers[roleAdmin].AccountID)
			tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
			type tc struct {
				role, mutation, inputType, field string
				in                               map[string]any
			}
			settings := func(field string, in map[string]any) tc {
				return tc{roleAdmin, "updateAgencySettings", "UpdateAgencySettingsInput!", field, in}
			}
			invite := func(field string, in map[string]any) tc {
				base := map[string]any{"email": "bad@example.jp", "name": "新人", "role": "COORDINATOR"}
				for k, v := range in {
					base[k] = v
				}
				return tc{roleAdmin, "inviteStaff", "InviteStaffInput!", field, base}
			}
			cases := []tc{
				settings("timezone", map[string]any{"timezone": "Nowhere/City"}),
				settings("businessOpen", map[string]any{"businessOpen": "9am"}),
				settings("businessClose", map[string]any{"businessClose": "08:00"}),
				settings("workingWeekdays", map[string]any{"workingWeekdays": []int{1, 7}}),
				settings("workingWeekdays", map[string]any{"workingWeekdays": []int{}}),
				settings("holidays", map[string]any{"holidays": []string{"2026-13-01"}}),
				settings("firstResponseSLAMinutes", map[string]any{"firstResponseSLAMinutes": 0}),
				settings("ackTimeoutMinutes", map[string]any{"ackTimeoutMinutes": 99999}),
				settings("inquiryRateLimit", map[string]any{"inquiryRateLimit": 0}),
				settings("nextJobLeadDays", map[string]any{"nextJobLeadDays": 400}),
				settings("insuranceGapDays", map[string]any{"insuranceGapDays": 0}),
				settings("routingWeightRegion", map[string]any{"routingWeightRegion": -1}),
				// One bad field refuses the whole change: the valid ack timeout is not written either.
				settings("businessOpen", map[string]any{"ackTimeoutMinutes": 45, "businessOpen": "25:00"}),
				invite("email", map[string]any{"email": "not-an-address"}),
				invite("name", map[string]any{"name": " "}),
				invite("capacity", map[string]any{"role": "ADMIN", "capacity": 3}), // admins take no inquiries
				invite("salesRepKind", map[string]any{"role": "SALES_REP"}),
				invite("capacity", map[string]any{"capacity": -1}),
				invite("specialties", map[string]any{"specialties": []string{""}}),
				invite("regions", map[string]any{"regions": []string{"Kanto"}}),
				{roleAnon, "setPassword", "SetPasswordInput!", "password", map[string]any{"token": "x", "password": "short"}},
				{roleAdmin, "disableStaff", "StaffAccountInput!", "accountId", map[string]any{"accountId": self}},
				{roleAdmin, "disableStaff", "StaffAccountInput!", "accountId", map[string]any{"accountId": reg}},
				{roleAdmin, "updateStaff", "UpdateStaffInput!", "capacity", map[string]any{"id": e.w.id("C1"), "capacity": 1001}},
				{roleAdmin, "updateStaff", "UpdateStaffInput!", "regions", map[string]any{"id": e.w.id("R1"), "regions": []string{"東京都"}}},
				{roleAdmin, "updateStaff", "UpdateStaffInput!", "name", map[string]any{"id": e.w.id("C1"), "name": ""}},
				{roleSales, "createClient", "NewClientInput!", "legalEntityNumber", map[string]any{"name": "A社", "industry": "製造業", "legalEntityNumber": "1234567890123"}},
				{roleAdmin, "createClient", "NewClientInput!", "name", map[string]any{"name": "", "industry": "製造業"}},
				{roleAdmin, "createClient", "NewClientInput!", "industry", map[string]any{"name": "A社", "industry": " "}},
				{roleAdmin, "updateClient", "ClientChangesInput!", "legalEntityNumber", map[string]any{"id": e.w.id("X"), "legalEntityNumber": "123"}},
				{roleSales, "updateClient", "ClientChangesInput!", "name", map[string]any{"id": e.w.id("X"), "name": "  "}},
				{roleAdmin, "createClientSite", "NewClientSiteInput!", "prefecture", map[string]any{"clientId": e.w.id("X"), "name": "本社", "address": "港区1-1", "prefecture": "Tokyo"}},
				{roleSales, "createClientSite", "NewClientSiteInput!", "address", map[string]any{"clientId": e.w.id("X"), "name": "本社", "address": "", "prefecture": "東京都"}},
				{roleAdmin, "updateClientSite", "ClientSiteChangesInput!", "prefecture", map[string]any{"id": e.w.id("SX"), "prefecture": "東京"}},
				{roleAdmin, "recordConflictDateNotice", "RecordConflictDateNoticeInput!", "notifiedOn", map[string]any{"siteId": e.w.id("SX"), "conflictDate": "2029-04-01", "notifiedOn": tomorrow}},
				{roleSales, "recordConflictDateNotice", "RecordConflictDateNoticeInput!", "conflictDate", map[string]any{"siteId": e.w.id("SX"), "conflictDate": "2025-04-01", "notifiedOn": "2026-01-10"}},
				{roleAdmin, "createOrgUnit", "NewOrgUnitInput!", "name", map[string]any{"siteId": e.w.id("SX"), "name": ""}},
				{roleSales, "updateOrgUnit", "OrgUnitChangesInput!", "name", map[string]any{"id": e.w.id("UX"), "name": " "}},
				{roleCoord, "importRegistrants", "ImportCsvInput!", "file", map[string]any{}}, // neither a file nor csv
				{roleSales, "importPostings", "ImportCsvInput!", "file", map[string]any{"fileName": "empty.csv"}},
			}
			for _, c := range cases {
				t.Run(c.mutation+"/"+c.field, func(t *testing.T) {
					before := e.w.digest(t)
					r := e.run(t, c.role, fmt.Sprintf("mutation($input: %s) { %s(input: $input) { __typename } }", c.inputType, c.mutation),
						map[string]any{"input": c.in})
					if errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != c.field ||
						!strings.Contains(r.Errors[0].Message, c.field) {
						t.Fatalf("got %v, want BAD_USER_INPUT naming %s", r.Errors, c.field)
					}
					if e.w.digest(t) != before {
						t.Fatalf("a refused %s changed rows", c.mutation)
					}
				})
			}
			t.Run("duplicate e-mail is a conflict, nothing written", func(t *testing.T) {
				before := e.w.digest(t)
				r := e.run(t, roleAdmin, `mutation{inviteStaff(input:{email:"coord@a.example",name:"x",role:COORDINATOR}){account{id}}}`, nil)
				if errCode(r) != graph.CodeConflict || e.w.digest(t) != before {
					t.Fatalf("got %v (rows changed: %v)", r.Errors, e.w.digest(t) != before)
				}
			})
			t.Run("a mail that cannot be sent leaves no account behind", func(t *testing.T) {
				e.mailer.Err = fmt.Errorf("smtp: connection refused")
				defer func() { e.mailer.Err = nil }()
				before := e.w.digest(t)
				r := e.run(t, roleAdmin, `mutation{inviteStaff(input:{email:"unsent@a.example",name:"x",role:COORDINATOR}){account{id}}}`, nil)
				if len(r.Errors) == 0 || e.w.digest(t) != before {
					t.Fatalf("got %v (rows changed: %v)", r.Errors, e.w.digest(t) != before)
				}
			})
		})
	}
}

// TestDisableStaffReroutesAndEndsSessions: a coordinator with four open inquiries is disabled; one
// goes to the only colleague with room, three go back to the queue, none is lost or left with her;
// her token stops working at once and stays dead after she is re-enabled.
func TestDisableStaffReroutesAndEndsSessions(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			c := e.db.Client
			ag, c1, g1 := e.w.agency(), e.rows["C1"].id, e.rows["G1"].id
			colleagueAcc := c.Account.Create().SetAgencyID(ag).SetEmail("c3@a.example").SetPasswordHash("x").
				SetRole(account.RoleCOORDINATOR).SaveX(e.sys())
			c3 := c.Coordinator.Create().SetAgencyID(ag).SetName("C3").SetAccountID(colleagueAcc.ID).SetCapacity(1).SaveX(e.sys())
			ids := []int{e.rows["I1"].id}
			for _, st := range []inquiry.Status{inquiry.StatusASSIGNED, inquiry.StatusASSIGNED, inquiry.StatusACKNOWLEDGED} {
				ids = append(ids, c.Inquiry.Create().SetAgencyID(ag).SetRegistrantID(g1).SetKind(inquiry.KindGENERAL).
					SetStatus(st).SetCoordinatorID(c1).SetAssignedAt(time.Now()).SetDueAt(time.Now().Add(time.Hour)).SaveX(e.sys()).ID)
			}
			c.Coordinator.UpdateOneID(c1).SetOpenInquiries(len(ids)).ExecX(e.sys())
			if r := e.run(t, roleCoord, `{viewer{email}}`, nil); len(r.Errors) > 0 {
				t.Fatalf("coordinator token before: %v", r.Errors)
			}

			r := e.run(t, roleAdmin, `mutation($id: ID!){disableStaff(input:{accountId:$id}){account{disabled} reassigned queued}}`,
				map[string]any{"id": e.viewers[roleCoord].AccountID})
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			p := r.Data["disableStaff"].(map[string]any)
			if p["account"].(map[string]any)["disabled"] != true || p["reassigned"] != float64(1) || p["queued"] != float64(3) {
				t.Fatalf("payload %v, want disabled, 1 reassigned (C3 has room for one), 3 queued", p)
			}
			rows := c.Inquiry.Query().Where(inquiry.IDIn(ids...)).AllX(e.sys())
			if len(rows) != len(ids) {
				t.Fatalf("%d of %d inquiries left", len(rows), len(ids))
			}
			toC3 := 0
			for _, q := range rows {
				switch {
				case q.CoordinatorID != nil && *q.CoordinatorID == c1:
					t.Errorf("inquiry %d still with the disabled coordinator (%s)", q.ID, q.Status)
				case q.Status == inquiry.StatusASSIGNED && q.CoordinatorID != nil && *q.CoordinatorID == c3.ID:
					toC3++
				case q.Status != inquiry.StatusQUEUED || q.CoordinatorID != nil || q.SalesRepID != nil:
					t.Errorf("inquiry %d: %s coordinator %v sales rep %v", q.ID, q.Status, q.CoordinatorID, q.SalesRepID)
				}
				if n := c.RoutingDecision.Query().Where(routingdecision.InquiryID(q.ID), routingdecision.ActionEQ(routingdecision.ActionREASSIGN),
					routingdecision.ChosenCoordinatorID(c1)).CountX(e.sys()); n != 1 {
					t.Errorf("inquiry %d: %d REASSIGN decisions away from C1, want 1", q.ID, n)
				}
			}
			if toC3 != 1 {
				t.Errorf("%d inquiries went to C3, want 1", toC3)
			}
			if open := c.Coordinator.GetX(e.sys(), c1).OpenInquiries; open != 0 {
				t.Errorf("C1 still counts %d open inquiries", open)
			}
			if open := c.Coordinator.GetX(e.sys(), c3.ID).OpenInquiries; open != 1 {
				t.Errorf("C3 counts %d open inquiries, want 1", open)
			}
			if r := e.run(t, roleCoord, `{viewer{email}}`, nil); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("disabled coordinator's token: %v, want UNAUTHENTICATED", r.Errors)
			}
			// Disabling again routes what is left (nothing) and is harmless.
			r = e.run(t, roleAdmin, `mutation($id: ID!){disableStaff(input:{accountId:$id}){reassigned queued}}`,
				map[string]any{"id": e.viewers[roleCoord].AccountID})
			if len(r.Errors) > 0 || r.Data["disableStaff"].(map[string]any)["queued"] != float64(0) {
				t.Fatalf("second disable: %v %v", r.Errors, r.Data)
			}
			r = e.run(t, roleAdmin, `mutation($id: ID!){enableStaff(input:{accountId:$id}){account{disabled}}}`,
				map[string]any{"id": e.viewers[roleCoord].AccountID})
			if len(r.Errors) > 0 || r.Data["enableStaff"].(map[string]any)["account"].(map[string]any)["disabled"] != false {
				t.Fatalf("enable: %v %v", r.Errors, r.Data)
			}
			if r := e.run(t, roleCoord, `{viewer{email}}`, nil); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("a token from before the disable works again after enabling: %v", r.Errors)
			}
			// Re-enabled, she is off shift until put on it; then she takes queued ones at once.
			if c.Coordinator.GetX(e.sys(), c1).Available {
				t.Fatal("re-enabled coordinator is on shift before anyone put her on it")
			}
			if n := c.Inquiry.Query().Where(inquiry.IDIn(ids...), inquiry.CoordinatorID(c1)).CountX(e.sys()); n != 0 {
				t.Fatalf("re-enabled coordinator off shift got %d inquiries", n)
			}
			if r := e.run(t, roleAdmin, `mutation($id: ID!){updateStaff(input:{id:$id,available:true}){staff{__typename}}}`,
				map[string]any{"id": c1}); len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if n := c.Inquiry.Query().Where(inquiry.IDIn(ids...), inquiry.CoordinatorID(c1)).CountX(e.sys()); n == 0 {
				t.Errorf("re-enabled coordinator on shift got none of the queued inquiries")
			}
			if n := c.Inquiry.Query().Where(inquiry.IDIn(ids...)).CountX(e.sys()); n != len(ids) {
				t.Errorf("%d of %d inquiries left after enabling", n, len(ids))
			}
		})
	}
}

// TestSetAvailabilityAssignsQueued: nobody is on shift, an inquiry waits in the queue (a retry
// finds no one); the coordinator goes on shift and has it at once.
func TestSetAvailabilityAssignsQueued(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			c := e.db.Client
			c1 := e.rows["C1"].id
			off := e.run(t, roleCoord, `mutation{setAvailability(input:{available:false}){assigned staff{... on Coordinator{available}}}}`, nil)
			if len(off.Errors) > 0 || off.Data["setAvailability"].(map[string]any)["staff"].(map[string]any)["available"] != false {
				t.Fatalf("off shift: %v %v", off.Errors, off.Data)
			}
			q := c.Inquiry.Create().SetAgencyID(e.w.agency()).SetRegistrantID(e.rows["G2"].id).SetKind(inquiry.KindGENERAL).
				SetStatus(inquiry.StatusQUEUED).SetDueAt(time.Now().Add(time.Hour)).SaveX(e.sys())
			if n, err := e.router.RetryQueued(e.sys(), e.w.agency(), 10); err != nil || n != 0 {
				t.Fatalf("retry with nobody on shift assigned %d (%v)", n, err)
			}
			on := e.run(t, roleCoord, `mutation{setAvailability(input:{available:true}){assigned staff{... on Coordinator{id available}}}}`, nil)
			if len(on.Errors) > 0 {
				t.Fatal(on.Errors)
			}
			p := on.Data["setAvailability"].(map[string]any)
			if p["assigned"] != float64(1) || p["staff"].(map[string]any)["available"] != true {
				t.Fatalf("on shift: %v, want 1 assigned", p)
			}
			got := c.Inquiry.GetX(e.sys(), q.ID)
			if got.Status != inquiry.StatusASSIGNED || got.CoordinatorID == nil || *got.CoordinatorID != c1 {
				t.Fatalf("queued inquiry after going on shift: %s coordinator %v, want ASSIGNED to C1", got.Status, got.CoordinatorID)
			}
			// Admins put a member off and on shift with updateStaff.
			r0 := e.run(t, roleAdmin, `mutation($id: ID!){updateStaff(input:{id:$id,available:false}){staff{... on Coordinator{available}}}}`,
				map[string]any{"id": c1})
			if len(r0.Errors) > 0 || c.Coordinator.GetX(e.sys(), c1).Available {
				t.Fatalf("admin off shift: %v %v", r0.Errors, r0.Data)
			}
			// Sales reps go on shift the same way (nothing queued for them here).
			r := e.run(t, roleSales, `mutation{setAvailability(input:{available:true}){assigned staff{... on SalesRep{available}}}}`, nil)
			if len(r.Errors) > 0 || r.Data["setAvailability"].(map[string]any)["assigned"] != float64(0) {
				t.Fatalf("sales rep: %v %v", r.Errors, r.Data)
			}
		})
	}
}

// TestInviteStaffSetPassword: the invitation mails a one-time link (only its hash is stored); the
// link sets the password once; the new member signs in with their profile.
func TestInviteStaffSetPassword(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			r := e.run(t, roleAdmin, `mutation{inviteStaff(input:{email:"New.Coord@A.example",name:"新 コーディ",role:COORDINATOR,
				capacity:3,specialties:["一般事務"],regions:["東京都"]}){account{email role disabled}
				staff{... on Coordinator{name capacity regions specialties available}} linkExpiresAt}}`, nil)
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			p := r.Data["inviteStaff"].(map[string]any)
			acc, prof := p["account"].(map[string]any), p["staff"].(map[string]any)
			if acc["email"] != "new.coord@a.example" || acc["role"] != "COORDINATOR" || prof["capacity"] != float64(3) ||
				fmt.Sprint(prof["regions"]) != "[東京都]" || prof["name"] != "新 コーディ" {
				t.Fatalf("payload %v", p)
			}
			if len(e.mailer.Sent) != 1 || e.mailer.Sent[0].To != "new.coord@a.example" {
				t.Fatalf("mail %v", e.mailer.Sent)
			}
			link, err := url.Parse(e.mailer.Sent[0].Link)
			if err != nil || !strings.HasPrefix(e.mailer.Sent[0].Link, "https://crm.example/set-password?token=") {
				t.Fatalf("link %q", e.mailer.Sent[0].Link)
			}
			token := link.Query().Get("token")
			if c := e.db.Client.AccountToken.Query().Where(accounttoken.TokenHash(token)).CountX(e.sys()); c != 0 || len(token) < 40 {
				t.Fatalf("the raw token is stored (%d) or short (%d)", c, len(token))
			}
			login := func(pw string) gqlResponse {
				return e.run(t, roleAnon, `mutation($pw: String!){login(input:{email:"new.coord@a.example",password:$pw}){accessToken viewer{role profile{__typename}}}}`,
					map[string]any{"pw": pw})
			}
			if errCode(login("correct horse battery")) != graph.CodeUnauthenticated {
				t.Fatal("the invited account signs in before its password is set")
			}
			set := func() gqlResponse {
				return e.run(t, roleAnon, `mutation($t: String!){setPassword(input:{token:$t,password:"correct horse battery"}){email}}`,
					map[string]any{"t": token})
			}
			if r := set(); len(r.Errors) > 0 || r.Data["setPassword"].(map[string]any)["email"] != "new.coord@a.example" {
				t.Fatalf("set password: %v %v", r.Errors, r.Data)
			}
			if r := set(); errCode(r) != graph.CodeBadUserInput {
				t.Fatalf("the link works twice: %v", r.Errors)
			}
			r = login("correct horse battery")
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if v := r.Data["login"].(map[string]any)["viewer"].(map[string]any); v["role"] != "COORDINATOR" ||
				v["profile"].(map[string]any)["__typename"] != "Coordinator" {
				t.Fatalf("viewer %v", v)
			}

			// A lost link: the admin sends a new one; the unused earlier one stops working.
			r = e.run(t, roleAdmin, `mutation($id: ID!){sendSetPasswordLink(input:{accountId:$id}){account{email} linkExpiresAt}}`,
				map[string]any{"id": e.viewers[roleCoord].AccountID})
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			first, _ := url.Parse(e.mailer.Sent[len(e.mailer.Sent)-1].Link)
			r = e.run(t, roleAdmin, `mutation($id: ID!){sendSetPasswordLink(input:{accountId:$id}){account{email}}}`,
				map[string]any{"id": e.viewers[roleCoord].AccountID})
			second, _ := url.Parse(e.mailer.Sent[len(e.mailer.Sent)-1].Link)
			if len(r.Errors) > 0 || e.mailer.Sent[len(e.mailer.Sent)-1].To != "coord@a.example" {
				t.Fatalf("second link: %v %v", r.Errors, e.mailer.Sent)
			}
			use := func(tok string) gqlResponse {
				return e.run(t, roleAnon, `mutation($t: String!){setPassword(input:{token:$t,password:"another long password"}){email}}`,
					map[string]any{"t": tok})
			}
			if r := use(first.Query().Get("token")); errCode(r) != graph.CodeBadUserInput {
				t.Fatalf("a superseded link still works: %v", r.Errors)
			}
			if r := use(second.Query().Get("token")); len(r.Errors) > 0 {
				t.Fatalf("the new link: %v", r.Errors)
			}
			// Setting a password ends the account's sessions.
			if r := e.run(t, roleCoord, `{viewer{email}}`, nil); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("sessions survive a new password: %v", r.Errors)
			}

			// A sales rep and an admin; an expired link is refused.
			r = e.run(t, roleAdmin, `mutation{inviteStaff(input:{email:"svc@a.example",name:"サービス",role:SALES_REP,salesRepKind:SERVICE}){
				staff{... on SalesRep{kind capacity}}}}`, nil)
			if len(r.Errors) > 0 || fmt.Sprint(r.Data["inviteStaff"]) != "map[staff:map[capacity:10 kind:SERVICE]]" {
				t.Fatalf("sales rep invite: %v %v", r.Errors, r.Data)
			}
			r = e.run(t, roleAdmin, `mutation{inviteStaff(input:{email:"adm2@a.example",name:"管理者",role:ADMIN}){account{role} staff{__typename}}}`, nil)
			if len(r.Errors) > 0 || r.Data["inviteStaff"].(map[string]any)["staff"] != nil {
				t.Fatalf("admin invite: %v %v", r.Errors, r.Data)
			}
			expired, _ := url.Parse(e.mailer.Sent[len(e.mailer.Sent)-1].Link)
			later := &staff.Service{Client: e.db.Client, Now: func() time.Time { return time.Now().Add(staff.DefaultLinkTTL + time.Minute) }}
			if _, err := later.SetPassword(context.Background(), expired.Query().Get("token"), "correct horse battery"); err == nil ||
				!strings.Contains(err.Error(), staff.ErrLinkInvalid.Error()) {
				t.Fatalf("expired link: %v", err)
			}
		})
	}
}

// TestAgencySettingsAudit: a change writes one CHANGE event naming the changed fields; a change that
// changes nothing writes none; another agency's change is not in this agency's log.
func TestAgencySettingsAudit(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			changes := func() []*ent.AuditEvent {
				return e.db.Client.AuditEvent.Query().Where(auditevent.AgencyID(e.w.agency()), auditevent.ActionEQ(auditevent.ActionCHANGE)).
					AllX(e.sys())
			}
			const q = `mutation($in: UpdateAgencySettingsInput!){updateAgencySettings(input:$in){agency{businessOpen businessClose workingWeekdays holidays ackTimeoutMinutes insuranceGapDays routingWeightRegion}}}`
			in := map[string]any{"businessOpen": "08:30", "workingWeekdays": []int{6, 1, 2, 3, 4, 5}, "holidays": []string{"2027-01-01", "2026-12-31"},
				"ackTimeoutMinutes": 45, "insuranceGapDays": 20, "routingWeightRegion": 0.5, "inquiryRateLimit": 5}
			r := e.run(t, roleAdmin, q, map[string]any{"in": in})
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			got := fmt.Sprint(r.Data["updateAgencySettings"].(map[string]any)["agency"])
			if want := "map[ackTimeoutMinutes:45 businessClose:18:00 businessOpen:08:30 holidays:[2026-12-31 2027-01-01] insuranceGapDays:20 routingWeightRegion:0.5 workingWeekdays:[1 2 3 4 5 6]]"; got != want {
				t.Fatalf("agency %s, want %s", got, want)
			}
			evs := changes()
			if len(evs) != 1 {
				t.Fatalf("%d change events, want 1", len(evs))
			}
			ev := evs[0]
			if ev.EntityType != "Agency" || ev.EntityID != e.w.agency() || ev.ActorID == nil || *ev.ActorID != e.viewers[roleAdmin].AccountID ||
				!slices.Equal(ev.Fields, []string{"businessOpen", "workingWeekdays", "holidays", "ackTimeoutMinutes", "insuranceGapDays", "routingWeightRegion"}) {
				t.Fatalf("event %+v", ev)
			}
			// Admins read it through the API.
			r = e.run(t, roleAdmin, `{auditEvents(where:{action:CHANGE}){edges{node{entityType fields actor{email}}}}}`, nil)
			if len(r.Errors) > 0 || !strings.Contains(fmt.Sprint(r.Data), "admin@a.example") {
				t.Fatalf("audit log through the API: %v %v", r.Errors, r.Data)
			}
			// The same values again change nothing and log nothing; clearing the gap logs it.
			if r := e.run(t, roleAdmin, q, map[string]any{"in": in}); len(r.Errors) > 0 || len(changes()) != 1 {
				t.Fatalf("no-op change: %v, %d events", r.Errors, len(changes()))
			}
			if r := e.run(t, roleAdmin, q, map[string]any{"in": map[string]any{"clearInsuranceGapDays": true}}); len(r.Errors) > 0 ||
				len(changes()) != 2 || !slices.Equal(changes()[1].Fields, []string{"insuranceGapDays"}) {
				t.Fatalf("clear gap: %v %v", r.Errors, changes())
			}
			if r := e.run(t, roleOther, q, map[string]any{"in": map[string]any{"ackTimeoutMinutes": 50}}); len(r.Errors) > 0 || len(changes()) != 2 {
				t.Fatalf("other agency's change: %v, %d events in A", r.Errors, len(changes()))
			}
		})
	}
}

// TestClientMaster: a sales rep creates a client (and serves it), adds a site and an org unit, and
// records 抵触日 notices; every notice is kept and the site shows the latest notified one.
func TestClientMaster(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			must := func(r gqlResponse) map[string]any {
				t.Helper()
				if len(r.Errors) > 0 {
					t.Fatal(r.Errors)
				}
				return r.Data
			}
			d := must(e.run(t, roleSales, `mutation{createClient(input:{name:"株式会社テスト",industry:"製造業",legalEntityNumber:"1180301018771"}){client{id legalEntityNumber serviceRep{name}}}}`, nil))
			cl := d["createClient"].(map[string]any)["client"].(map[string]any)
			if cl["serviceRep"].(map[string]any)["name"] != "R1" {
				t.Fatalf("client %v, want R1 as its service rep", cl)
			}
			d = must(e.run(t, roleSales, `mutation($c: ID!){createClientSite(input:{clientId:$c,name:"本社",address:"愛知県豊田市1-1",prefecture:"愛知県"}){site{id prefecture conflictDate}}}`,
				map[string]any{"c": cl["id"]}))
			site := d["createClientSite"].(map[string]any)["site"].(map[string]any)
			if site["conflictDate"] != nil {
				t.Fatalf("new site %v has a conflict date", site)
			}
			notice := func(conflict, notified string) map[string]any {
				return must(e.run(t, roleSales, `mutation($s: ID!, $c: Date!, $n: Date!){recordConflictDateNotice(input:{siteId:$s,conflictDate:$c,notifiedOn:$n}){
					site{conflictDate conflictDateNotifiedAt conflictDateNotices{conflictDate notifiedOn recordedBy{email}}}}}`,
					map[string]any{"s": site["id"], "c": conflict, "n": notified}))["recordConflictDateNotice"].(map[string]any)["site"].(map[string]any)
			}
			notice("2029-04-01", "2026-01-10")
			s := notice("2029-07-01", "2026-06-01")
			if s["conflictDate"] != "2029-07-01" || s["conflictDateNotifiedAt"] != "2026-06-01" {
				t.Fatalf("site after the second notice %v", s)
			}
			s = notice("2028-12-01", "2025-12-01") // an older notice, back-filled
			if s["conflictDate"] != "2029-07-01" || len(s["conflictDateNotices"].([]any)) != 3 {
				t.Fatalf("site after back-filling %v, want the latest notice kept and 3 notices", s)
			}
			if !strings.Contains(fmt.Sprint(s["conflictDateNotices"]), "sales@a.example") {
				t.Fatalf("notices %v do not say who recorded them", s["conflictDateNotices"])
			}
			sid, _ := strconv.Atoi(site["id"].(string))
			if n := e.db.Client.ConflictDateNotice.Query().Where(conflictdatenotice.SiteID(sid)).CountX(e.sys()); n != 3 {
				t.Fatalf("%d notice rows", n)
			}
			d = must(e.run(t, roleSales, `mutation($s: ID!){createOrgUnit(input:{siteId:$s,name:"経理課"}){orgUnit{id site{name}}}}`, map[string]any{"s": site["id"]}))
			ou := d["createOrgUnit"].(map[string]any)["orgUnit"].(map[string]any)
			d = must(e.run(t, roleSales, `mutation($o: ID!){updateOrgUnit(input:{id:$o,name:"財務課"}){orgUnit{name}}}`, map[string]any{"o": ou["id"]}))
			d = must(e.run(t, roleSales, `mutation($c: ID!){updateClient(input:{id:$c,clearLegalEntityNumber:true,industry:"自動車"}){client{legalEntityNumber industry}}}`,
				map[string]any{"c": cl["id"]}))
			if fmt.Sprint(d["updateClient"]) != "map[client:map[industry:自動車 legalEntityNumber:<nil>]]" {
				t.Fatalf("update client %v", d)
			}
			// Coordinators read the client master but do not write it; a rep cannot take a client
			// from its service rep.
			if r := e.run(t, roleCoord, `mutation($c: ID!){updateClient(input:{id:$c,name:"x"}){client{id}}}`, map[string]any{"c": cl["id"]}); errCode(r) != graph.CodeForbidden {
				t.Fatalf("coordinator edit: %v", r.Errors)
			}
			if r := e.run(t, roleSales, `mutation($c: ID!, $r: ID!){updateClient(input:{id:$c,serviceRepId:$r}){client{id}}}`,
				map[string]any{"c": cl["id"], "r": e.w.id("R3")}); errCode(r) != graph.CodeForbidden {
				t.Fatalf("rep hands the client over: %v", r.Errors)
			}
			if r := e.run(t, roleSales, `mutation($c: ID!){createClientSite(input:{clientId:$c,name:"x",address:"x",prefecture:"東京都"}){site{id}}}`,
				map[string]any{"c": e.w.id("Y")}); errCode(r) != graph.CodeNotFound {
				t.Fatalf("rep adds a site to a client they do not serve: %v", r.Errors)
			}
		})
	}
}

// TestDisableSalesRepDirectMode: in a DIRECT agency, a disabled account rep's open inquiries go to
// the account-rep desk (R2); none stays with them.
func TestDisableSalesRepDirectMode(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			c := e.db.Client
			ag, r1, r2 := e.w.agency(), e.rows["R1"].id, e.rows["R2"].id
			c.Agency.UpdateOneID(ag).SetRoutingMode("DIRECT").ExecX(e.sys())
			var ids []int
			for _, g := range []string{"G1", "G2"} {
				ids = append(ids, c.Inquiry.Create().SetAgencyID(ag).SetRegistrantID(e.rows[g].id).SetKind(inquiry.KindGENERAL).
					SetStatus(inquiry.StatusACKNOWLEDGED).SetSalesRepID(r1).SetAssignedAt(time.Now()).SaveX(e.sys()).ID)
			}
			c.SalesRep.UpdateOneID(r1).SetOpenInquiries(len(ids)).ExecX(e.sys())
			r := e.run(t, roleAdmin, `mutation($id: ID!){disableStaff(input:{accountId:$id}){reassigned queued}}`,
				map[string]any{"id": e.viewers[roleSales].AccountID})
			if len(r.Errors) > 0 || fmt.Sprint(r.Data["disableStaff"]) != "map[queued:0 reassigned:2]" {
				t.Fatalf("disable: %v %v", r.Errors, r.Data)
			}
			for _, q := range c.Inquiry.Query().Where(inquiry.IDIn(ids...)).AllX(e.sys()) {
				if q.SalesRepID == nil || *q.SalesRepID != r2 || q.Status != inquiry.StatusASSIGNED {
					t.Errorf("inquiry %d: %s with %v, want ASSIGNED to R2", q.ID, q.Status, q.SalesRepID)
				}
			}
			if r := e.run(t, roleSales, `{viewer{email}}`, nil); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("disabled rep's token: %v", r.Errors)
			}
		})
	}
}

// TestDisableStaffUnderLoad: inquiries keep arriving (4 goroutines) while a coordinator is disabled.
// None is lost and none is left with her: Disable puts her off shift in the disabling transaction,
// and the router claims only assignees on shift (a sweep past every ack deadline changes nothing
// for her, and would move on anything that had reached her).
func TestDisableStaffUnderLoad(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			c := e.db.Client
			ag, c1 := e.w.agency(), e.rows["C1"].id
			c.Agency.UpdateOneID(ag).SetInquiryRateLimit(1000).ExecX(e.sys())
			c.Coordinator.UpdateOneID(c1).SetCapacity(1000).ExecX(e.sys())
			acc3 := c.Account.Create().SetAgencyID(ag).SetEmail("c3@a.example").SetPasswordHash("x").SetRole(account.RoleCOORDINATOR).SaveX(e.sys())
			c3 := c.Coordinator.Create().SetAgencyID(ag).SetName("C3").SetAccountID(acc3.ID).SetCapacity(1000).SaveX(e.sys())
			before := c.Inquiry.Query().Where(inquiry.AgencyID(ag)).CountX(e.sys())

			const workers, each = 4, 15
			errs := make(chan error, workers*each)
			done := make(chan struct{})
			for i := 0; i < workers; i++ {
				go func() {
					defer func() { done <- struct{}{} }()
					for j := 0; j < each; j++ {
						// A registrant per inquiry: routing's Create and Reassign for the same registrant
						// can deadlock on PostgreSQL past the router's retries (reported separately).
						g, err := c.Registrant.Create().SetAgencyID(ag).SetName(fmt.Sprintf("load %d-%d", i, j)).SetPrefecture("東京都").Save(e.sys())
						if err != nil {
							errs <- err
							continue
						}
						_, err = e.router.Create(e.sys(), routing.NewInquiry{AgencyID: ag, RegistrantID: g.ID, Kind: inquiry.KindGENERAL,
							Channel: inquiry.ChannelAPP, Origin: inquiry.OriginREGISTRANT, Message: "次の仕事"})
						errs <- err
					}
				}()
			}
			time.Sleep(20 * time.Millisecond)
			r := e.run(t, roleAdmin, `mutation($id: ID!){disableStaff(input:{accountId:$id}){reassigned queued}}`,
				map[string]any{"id": e.viewers[roleCoord].AccountID})
			for i := 0; i < workers; i++ {
				<-done
			}
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("create: %v", err)
				}
			}
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if n := c.Inquiry.Query().Where(inquiry.AgencyID(ag)).CountX(e.sys()); n != before+workers*each {
				t.Fatalf("%d inquiries, want %d: some were lost", n, before+workers*each)
			}
			open := inquiry.StatusIn(inquiry.StatusASSIGNED, inquiry.StatusACKNOWLEDGED, inquiry.StatusHANDED_OFF)
			slipped := c.Inquiry.Query().Where(inquiry.CoordinatorID(c1), open).CountX(e.sys())
			late := routing.NewRouter(c, kind == dbtest.Postgres, nil)
			late.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 7) })
			if _, err := late.Sweep(e.sys()); err != nil {
				t.Fatal(err)
			}
			if n := c.Inquiry.Query().Where(inquiry.CoordinatorID(c1), open).CountX(e.sys()); n != 0 {
				t.Fatalf("%d open inquiries still with the disabled coordinator", n)
			}
			if got := c.Coordinator.GetX(e.sys(), c1).OpenInquiries; got != 0 {
				t.Errorf("disabled coordinator counts %d open inquiries", got)
			}
			withC3 := c.Inquiry.Query().Where(inquiry.CoordinatorID(c3.ID), open).CountX(e.sys())
			if got := c.Coordinator.GetX(e.sys(), c3.ID).OpenInquiries; got != withC3 {
				t.Errorf("C3 counts %d open inquiries, holds %d", got, withC3)
			}
			if slipped != 0 {
				t.Errorf("%d inquiries reached her after Disable's last look", slipped)
			}
			t.Logf("%s: disable answered %v; C3 holds %d after the sweep", kind, r.Data["disableStaff"], withC3)
		})
	}
}

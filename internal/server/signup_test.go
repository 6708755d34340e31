package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/consent"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/registrants"
)

// A registrant signs up in the app, verifies her address, edits her skills and work history, resets
// her password, downloads her data and deletes her account — through GraphQL alone, on SQLite and
// PostgreSQL; every answer about an address is the same whether or not it has an account.

const (
	registerQ = `mutation($input: RegisterRegistrantInput!){ registerRegistrant(input: $input){ email message } }`
	loginQ    = `mutation($e: String!, $p: String!){ login(input:{email:$e, password:$p}){ accessToken viewer{ email emailVerified role } } }`
	verifyQ   = `mutation($t: String!){ verifyEmail(input:{token:$t}){ email } }`
	resetQ    = `mutation($e: String!){ requestPasswordReset(input:{email:$e}){ email message } }`
	resendQ   = `mutation($e: String!){ resendVerificationEmail(input:{email:$e}){ email message } }`
	setPwQ    = `mutation($t: String!, $p: String!){ setPassword(input:{token:$t, password:$p}){ email } }`
)

func tokenOf(t *testing.T, m mail.Message, path string) string {
	t.Helper()
	u, err := url.Parse(m.Link)
	if err != nil || !strings.HasPrefix(m.Link, "https://crm.example"+path+"?token=") {
		t.Fatalf("%s mail link %q does not point at %s", m.Purpose, m.Link, path)
	}
	return u.Query().Get("token")
}

func lastMail(t *testing.T, r *mail.Recorder, purpose string) mail.Message {
	t.Helper()
	if len(r.Sent) == 0 || r.Sent[len(r.Sent)-1].Purpose != purpose {
		t.Fatalf("want a %s mail last, sent: %v", purpose, purposes(r))
	}
	return r.Sent[len(r.Sent)-1]
}

func purposes(r *mail.Recorder) []string {
	var out []string
	for _, m := range r.Sent {
		out = append(out, m.Purpose+"→"+m.To)
	}
	return out
}

func TestRegistrantSignUpFlow(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			const email, pw = "Hanako.Yamada@Example.jp", "correct horse battery"
			const lower = "hanako.yamada@example.jp"
			anon := func(q string, vars map[string]any) gqlResponse { return do(t, e.url, "", query(q, vars)) }

			terms := anon(`query{ signupTerms(agencySlug:"a"){ agencyName agencySlug policyVersion } }`, nil)
			if errCode(terms) != "" || terms.Data["signupTerms"].(map[string]any)["agencyName"] != "Agency a" {
				t.Fatalf("signupTerms: %+v", terms)
			}
			version := terms.Data["signupTerms"].(map[string]any)["policyVersion"].(string)

			// Bad input: BAD_USER_INPUT naming the field, nothing written.
			accountsBefore := e.db.Client.Account.Query().CountX(e.sys())
			for field, change := range map[string]map[string]any{
				"kana": {"kana": "yamada"}, "password": {"password": "short"}, "email": {"email": "not-an-address"},
				"prefecture": {"prefecture": "Tokyo"}, "phone": {"phone": "12"}, "agencySlug": {"agencySlug": "no-such"},
				"privacyPolicyVersion": {"privacyPolicyVersion": "2019-01-01"}, "skillSheetProvisionVersion": {"skillSheetProvisionVersion": ""},
				"name": {"name": "  "},
			} {
				in := registration("a", email)
				for k, v := range change {
					in[k] = v
				}
				r := anon(registerQ, map[string]any{"input": in})
				if errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != field {
					t.Errorf("bad %s: %+v", field, r.Errors)
				}
			}
			if n := e.db.Client.Account.Query().CountX(e.sys()); n != accountsBefore || len(e.mailer.Sent) != 0 {
				t.Fatalf("bad input wrote %d accounts / sent %d mails", n-accountsBefore, len(e.mailer.Sent))
			}

			// Sign up: a pending account, her consents, a verification mail.
			in := registration("a", email)
			in["privacyPolicyVersion"], in["skillSheetProvisionVersion"] = version, version
			first := anon(registerQ, map[string]any{"input": in})
			if errCode(first) != "" {
				t.Fatalf("register: %+v", first.Errors)
			}
			verify := lastMail(t, e.mailer, "registrant_verify_email")
			if verify.To != lower {
				t.Fatalf("verification went to %q", verify.To)
			}
			acc := e.db.Client.Account.Query().Where(account.Email(lower)).WithRegistrant().OnlyX(e.sys())
			if !acc.EmailUnverified || acc.Role != account.RoleREGISTRANT || acc.Edges.Registrant == nil || acc.Edges.Registrant.Kana != "ヤマダ ハナコ" {
				t.Fatalf("account after sign-up: %+v", acc)
			}
			if n := e.db.Client.Consent.Query().Where(consent.RegistrantID(acc.Edges.Registrant.ID), consent.Version(version)).CountX(e.sys()); n != 2 {
				t.Fatalf("%d consents recorded, want 2", n)
			}
			// Pending: the right password is told to verify first, a wrong one learns nothing new.
			if r := anon(loginQ, map[string]any{"e": email, "p": pw}); errCode(r) != graph.CodeUnauthenticated || !strings.Contains(r.Errors[0].Message, "verify") {
				t.Fatalf("login before verification: %+v", r)
			}

			// The same address again, and a staff member's address: the same answer, nothing created;
			// the owner hears of it instead.
			again := anon(registerQ, map[string]any{"input": in})
			staffIn := registration("a", "admin@a.example")
			staffIn["privacyPolicyVersion"], staffIn["skillSheetProvisionVersion"] = version, version
			staffAgain := anon(registerQ, map[string]any{"input": staffIn})
			fresh := registration("a", "someone.new@example.jp")
			fresh["privacyPolicyVersion"], fresh["skillSheetProvisionVersion"] = version, version
			newOne := anon(registerQ, map[string]any{"input": fresh})
			if errCode(again) != "" || errCode(staffAgain) != "" || errCode(newOne) != "" {
				t.Fatalf("second sign-ups: %v %v %v", again.Errors, staffAgain.Errors, newOne.Errors)
			}
			msg := func(r gqlResponse) any { return r.Data["registerRegistrant"].(map[string]any)["message"] }
			if msg(again) != msg(first) || msg(staffAgain) != msg(first) || msg(newOne) != msg(first) {
				t.Fatalf("answers differ: %v / %v / %v / %v", msg(first), msg(again), msg(staffAgain), msg(newOne))
			}
			if n := e.db.Client.Account.Query().Where(account.Email(lower)).CountX(e.sys()); n != 1 {
				t.Fatalf("%d accounts for the address", n)
			}
			if got := purposes(e.mailer); len(got) != 4 || !strings.HasPrefix(got[1], "signup_existing_account→"+lower) ||
				!strings.HasPrefix(got[2], "signup_existing_account→admin@a.example") {
				t.Fatalf("mails: %v", got)
			}

			// Resend: a new link; the first stops working.
			if r := anon(resendQ, map[string]any{"e": email}); errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			resent := lastMail(t, e.mailer, "registrant_verify_email")
			if r := anon(verifyQ, map[string]any{"t": tokenOf(t, verify, "/verify-email")}); errCode(r) != graph.CodeBadUserInput {
				t.Fatalf("superseded link: %+v", r)
			}
			if r := anon(verifyQ, map[string]any{"t": tokenOf(t, resent, "/verify-email")}); errCode(r) != "" || r.Data["verifyEmail"].(map[string]any)["email"] != lower {
				t.Fatalf("verify: %+v", r)
			}
			if r := anon(verifyQ, map[string]any{"t": tokenOf(t, resent, "/verify-email")}); errCode(r) != graph.CodeBadUserInput {
				t.Fatalf("link used twice: %+v", r)
			}
			li := anon(loginQ, map[string]any{"e": email, "p": pw})
			if errCode(li) != "" || li.Data["login"].(map[string]any)["viewer"].(map[string]any)["emailVerified"] != true {
				t.Fatalf("login after verification: %+v", li)
			}
			tok := li.Data["login"].(map[string]any)["accessToken"].(string)
			me := func(q string, vars map[string]any) gqlResponse { return do(t, e.url, tok, query(q, vars)) }

			// Skills and work history.
			r := me(`mutation{ setMySkills(input:{skills:[{name:"Excel", level:4, years:6},{name:"Word", level:3, years:5}]}){ profile{ skills{ name level } consents{ kind version } } } }`, nil)
			if errCode(r) != "" || len(r.Data["setMySkills"].(map[string]any)["profile"].(map[string]any)["skills"].([]any)) != 2 {
				t.Fatalf("setMySkills: %+v", r)
			}
			if cs := r.Data["setMySkills"].(map[string]any)["profile"].(map[string]any)["consents"].([]any); len(cs) != 2 {
				t.Fatalf("consents in profile: %v", cs)
			}
			if r := me(`mutation{ setMySkills(input:{skills:[{name:"Excel", level:4, years:6},{name:"excel", level:3, years:5}]}){ profile{ id } } }`, nil); errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != "skills" {
				t.Fatalf("duplicate skill: %+v", r)
			}
			r = me(`mutation($in: WorkHistoryInput!){ addMyWorkHistory(input: $in){ profile{ workHistories{ id company endDate taskTags } } } }`,
				map[string]any{"in": workEntry("株式会社前職")})
			if errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			hs := r.Data["addMyWorkHistory"].(map[string]any)["profile"].(map[string]any)["workHistories"].([]any)
			if len(hs) != 1 {
				t.Fatalf("work histories: %v", hs)
			}
			hid := hs[0].(map[string]any)["id"]
			r = me(`mutation($id: ID!){ updateMyWorkHistory(input:{id:$id, set:{clearEndDate:true, tasks:"経理"}}){ profile{ workHistories{ endDate tasks } } } }`, map[string]any{"id": hid})
			if w := r.Data["updateMyWorkHistory"].(map[string]any)["profile"].(map[string]any)["workHistories"].([]any)[0].(map[string]any); errCode(r) != "" || w["endDate"] != nil || w["tasks"] != "経理" {
				t.Fatalf("update work history: %+v", r)
			}
			bad := workEntry("未来の会社")
			bad["startDate"] = time.Now().AddDate(1, 0, 0).Format("2006-01-02")
			if r := me(`mutation($in: WorkHistoryInput!){ addMyWorkHistory(input: $in){ profile{ id } } }`, map[string]any{"in": bad}); errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != "startDate" {
				t.Fatalf("future start: %+v", r)
			}
			// Another registrant's entry is not hers to touch.
			if r := me(`mutation($id: ID!){ removeMyWorkHistory(input:{id:$id}){ profile{ id } } }`, map[string]any{"id": e.w.id("W1")}); errCode(r) != graph.CodeNotFound {
				t.Fatalf("someone else's entry: %+v", r)
			}
			if r := me(`mutation($id: ID!){ removeMyWorkHistory(input:{id:$id}){ profile{ workHistories{ id } } } }`, map[string]any{"id": hid}); errCode(r) != "" ||
				len(r.Data["removeMyWorkHistory"].(map[string]any)["profile"].(map[string]any)["workHistories"].([]any)) != 0 {
				t.Fatalf("remove: %+v", r)
			}

			// Password reset: the same answer for a known and an unknown address; only the known one gets mail.
			sent := len(e.mailer.Sent)
			known, unknown := anon(resetQ, map[string]any{"e": email}), anon(resetQ, map[string]any{"e": "nobody@example.jp"})
			if errCode(known) != "" || errCode(unknown) != "" ||
				known.Data["requestPasswordReset"].(map[string]any)["message"] != unknown.Data["requestPasswordReset"].(map[string]any)["message"] {
				t.Fatalf("reset answers differ: %+v / %+v", known, unknown)
			}
			if len(e.mailer.Sent) != sent+1 {
				t.Fatalf("reset sent %d mails, want 1", len(e.mailer.Sent)-sent)
			}
			reset := lastMail(t, e.mailer, "password_reset")
			const pw2 = "another long passphrase"
			if r := anon(setPwQ, map[string]any{"t": tokenOf(t, reset, "/set-password"), "p": pw2}); errCode(r) != "" {
				t.Fatalf("setPassword with the reset link: %+v", r)
			}
			if r := me(`{ myProfile{ id } }`, nil); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("the old session survived the reset: %+v", r)
			}
			if r := anon(loginQ, map[string]any{"e": email, "p": pw}); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("old password still works: %+v", r)
			}
			li = anon(loginQ, map[string]any{"e": email, "p": pw2})
			if errCode(li) != "" {
				t.Fatalf("new password: %+v", li)
			}
			tok = li.Data["login"].(map[string]any)["accessToken"].(string)

			// Her data, audited.
			r = me(`{ myDataExport{ generatedAt json } }`, nil)
			if errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			var ex struct {
				Profile  struct{ Name, Kana string }
				Skills   []struct{ Name string }
				Consents []struct {
					Kind, Version string
				}
				Excluded []string
			}
			if err := json.Unmarshal([]byte(r.Data["myDataExport"].(map[string]any)["json"].(string)), &ex); err != nil {
				t.Fatal(err)
			}
			if ex.Profile.Name != "山田 花子" || len(ex.Skills) != 2 || len(ex.Consents) != 2 || len(ex.Excluded) == 0 {
				t.Fatalf("export: %+v", ex)
			}
			regID := acc.Edges.Registrant.ID
			if n := e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("Registrant"), auditevent.EntityID(regID),
				auditevent.ActionEQ(auditevent.ActionREAD)).CountX(e.sys()); n != 1 {
				t.Fatalf("%d audit events for the export", n)
			}
			if r := do(t, e.url, e.tokens[roleCoord], query(`{ myDataExport{ json } }`, nil)); errCode(r) != graph.CodeForbidden {
				t.Fatalf("staff export: %+v", r)
			}

			// Deletion: a wrong password changes nothing; the right one anonymises and frees the address.
			if r := me(`mutation{ deleteMyAccount(input:{password:"not it at all"}){ retained } }`, nil); errCode(r) != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != "password" {
				t.Fatalf("wrong password: %+v", r)
			}
			r = me(`mutation($p: String!){ deleteMyAccount(input:{password:$p}){ retainedUntil retained } }`, map[string]any{"p": pw2})
			if errCode(r) != "" || r.Data["deleteMyAccount"].(map[string]any)["retainedUntil"] != nil {
				t.Fatalf("delete: %+v", r)
			}
			gone := e.db.Client.Registrant.Query().Where(registrant.ID(regID)).WithSkills().OnlyX(e.sys())
			if gone.Name != registrants.DeletedName || gone.Kana != "" || gone.Phone != nil || gone.Email != nil || gone.AnonymizedAt == nil || len(gone.Edges.Skills) != 0 {
				t.Fatalf("after deletion: %+v", gone)
			}
			if r := me(`{ myProfile{ id } }`, nil); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("session survived deletion: %+v", r)
			}
			if r := anon(loginQ, map[string]any{"e": email, "p": pw2}); errCode(r) != graph.CodeUnauthenticated {
				t.Fatalf("deleted account signs in: %+v", r)
			}
			if r := anon(registerQ, map[string]any{"input": in}); errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			if n := e.db.Client.Account.Query().Where(account.Email(lower), account.EmailUnverified(true)).CountX(e.sys()); n != 1 {
				t.Fatalf("the freed address could not sign up again (%d pending accounts)", n)
			}
		})
	}
}

// TestDeletionKeepsTheLedger: a registrant whose last assignment ended within 3 years keeps her name
// and assignments until then; one on a current assignment cannot delete yet.
func TestDeletionKeepsTheLedger(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newMasterEnv(t, kind)
			const pw = "correct horse battery"
			in := registration("a", "worker@example.jp")
			if r := do(t, e.url, "", query(registerQ, map[string]any{"input": in})); errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			if r := do(t, e.url, "", query(verifyQ, map[string]any{"t": tokenOf(t, lastMail(t, e.mailer, "registrant_verify_email"), "/verify-email")})); errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			reg := e.db.Client.Registrant.Query().Where(registrant.Email("worker@example.jp")).OnlyX(e.sys())
			end := time.Now().AddDate(0, -2, 0).Truncate(24 * time.Hour).UTC()
			end = time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
			as := e.db.Client.Assignment.Create().SetAgencyID(reg.AgencyID).SetRegistrantID(reg.ID).SetPostingID(e.w.row("P1").id).
				SetOrgUnitID(e.w.row("UX").id).SetStartDate(end.AddDate(0, -6, 0)).SetEndDate(end).SetHourlyWage(1500).
				SetBillRate(2100).SetStatus(assignment.StatusACTIVE).SaveX(e.sys())
			tok := do(t, e.url, "", query(loginQ, map[string]any{"e": "worker@example.jp", "p": pw})).Data["login"].(map[string]any)["accessToken"].(string)
			del := `mutation($p: String!){ deleteMyAccount(input:{password:$p}){ retainedUntil retained } }`
			if r := do(t, e.url, tok, query(del, map[string]any{"p": pw})); errCode(r) != graph.CodeConflict {
				t.Fatalf("deletion during an assignment: %+v", r)
			}
			as.Update().SetStatus(assignment.StatusENDED).ExecX(e.sys())
			r := do(t, e.url, tok, query(del, map[string]any{"p": pw}))
			if errCode(r) != "" {
				t.Fatal(r.Errors)
			}
			want := end.AddDate(3, 0, 0).Format("2006-01-02")
			out := r.Data["deleteMyAccount"].(map[string]any)
			if out["retainedUntil"] != want || !strings.Contains(strings.Join(toStrings(out["retained"]), " "), "37条") {
				t.Fatalf("retention: %+v, want until %s", out, want)
			}
			kept := e.db.Client.Registrant.Query().Where(registrant.ID(reg.ID)).WithAssignments().OnlyX(e.sys())
			if kept.Name != "山田 花子" || kept.Phone != nil || kept.Email != nil || len(kept.Edges.Assignments) != 1 {
				t.Fatalf("kept for the ledger: %+v", kept)
			}
		})
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// TestJapaneseOverHTTP: a client that sends no Accept-Language (or prefers Japanese) reads Japanese
// messages; one that prefers English reads English.
func TestJapaneseOverHTTP(t *testing.T) {
	e := newMasterEnv(t, dbtest.SQLite)
	body := query(loginQ, map[string]any{"e": "nobody@example.jp", "p": "wrong password 123"})
	for header, want := range map[string]string{"": "メールアドレスまたはパスワードが正しくありません。",
		"ja-JP,ja;q=0.9": "メールアドレスまたはパスワードが正しくありません。", "en-US,en;q=0.9": "invalid e-mail or password"} {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set("Accept-Language", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var r gqlResponse
		_ = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if len(r.Errors) != 1 || r.Errors[0].Message != want || r.Errors[0].Extensions["code"] != graph.CodeUnauthenticated {
			t.Errorf("Accept-Language %q: %+v, want %q", header, r.Errors, want)
		}
	}
}

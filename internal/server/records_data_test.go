package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/records"
)

// TestRecordsCompleteOverHTTP (issue 16 items 3, 7, 8): an assignment at a new client starts with
// its records full of gaps and on the compliance calendar as MISSING_LEGAL_ITEMS; staff fill the
// gaps through the API — the agency's contacts (admin), the site's and org unit's (the client's
// sales rep), the contract terms (updatePosting), insurance (coordinator), complaints and training
// (ledger logs) — and then the terms sheet and client notice are complete, the ledger prints the
// logs, the calendar entry is gone, and the ledger, stability and margin CSV exports stream with a
// row count. Refusals: a sales rep naming the agency's own contact, another client's unit, a
// deletion of a ledger entry.
func TestRecordsCompleteOverHTTP(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 0)
			srv := httptest.NewServer(d.handler)
			t.Cleanup(srv.Close)
			sys := access.System(context.Background(), "test: records fixtures")
			c := d.db.Client
			rep, reg := demoRepAndRegistrant(sys, c)
			ag := reg.AgencyID
			// A client of the rep's with one site and unit, another client's unit the rep does not serve.
			cl := c.ClientCompany.Create().SetAgencyID(ag).SetName("記録テスト株式会社").SetIndustry("製造業").SetServiceRepID(rep.ID).SaveX(sys)
			site := c.ClientSite.Create().SetAgencyID(ag).SetClientID(cl.ID).SetName("記録テスト 本社").SetAddress("東京都港区芝1-1").
				SetPrefecture("東京都").SaveX(sys)
			unit := c.OrgUnit.Create().SetAgencyID(ag).SetSiteID(site.ID).SetName("経理課").SaveX(sys)
			otherCl := c.ClientCompany.Create().SetAgencyID(ag).SetName("他社").SetIndustry("小売").SaveX(sys)
			otherSite := c.ClientSite.Create().SetAgencyID(ag).SetClientID(otherCl.ID).SetName("他社 店舗").SetAddress("東京都新宿区1-1").
				SetPrefecture("東京都").SaveX(sys)
			otherUnit := c.OrgUnit.Create().SetAgencyID(ag).SetSiteID(otherSite.ID).SetName("売場").SaveX(sys)
			p := c.Posting.Create().SetAgencyID(ag).SetOrgUnitID(unit.ID).SetAccountRepID(rep.ID).SetTitle("経理事務").
				SetJobCategory("経理事務").SetHourlyWage(1600).SetPrefecture("東京都").SetWorkingHours("9:00〜17:30").SetBillRate(2300).SaveX(sys)
			today := time.Now().UTC().Truncate(24 * time.Hour)
			start := today.AddDate(0, 0, 20)
			as := c.Assignment.Create().SetAgencyID(ag).SetRegistrantID(reg.ID).SetPostingID(p.ID).SetOrgUnitID(unit.ID).
				SetStartDate(start).SetEndDate(start.AddDate(0, 6, -1)).SetHourlyWage(1600).SetBillRate(2300).SaveX(sys)
			id := strconv.Itoa(as.ID)

			admin, coord, sales := loginAt(t, srv.URL, "admin@demo.example"), loginAt(t, srv.URL, "coordinator@demo.example"), loginAt(t, srv.URL, "sales@demo.example")
			must := func(token, q string, vars map[string]any) map[string]any {
				t.Helper()
				r := do(t, srv.URL, token, query(q, vars))
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %v", q, r.Errors)
				}
				return r.Data
			}
			refused := func(token, q string, vars map[string]any, code string) {
				t.Helper()
				r := do(t, srv.URL, token, query(q, vars))
				if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != code {
					t.Errorf("%s: %v, want %s", q, codesOf(r), code)
				}
			}
			calendarHas := func(rule string) bool {
				cal := must(coord, `{complianceCalendar{rule assignmentId missing}}`, nil)["complianceCalendar"].([]any)
				for _, e := range cal {
					e := e.(map[string]any)
					if e["rule"] == rule && e["assignmentId"] == id {
						return true
					}
				}
				return false
			}
			gaps := func(field string) []any {
				return must(admin, `query($id:ID!){r:`+field+`(assignmentId:$id){complete gaps{item}}}`, map[string]any{"id": id})["r"].(map[string]any)["gaps"].([]any)
			}
			if n := len(gaps("termsSheet")); n < 10 {
				t.Fatalf("a bare assignment's terms sheet has %d gaps", n)
			}
			if !calendarHas(records.ReminderMissingLegalItems) {
				t.Fatal("the bare assignment is not on the calendar as MISSING_LEGAL_ITEMS")
			}

			const setContact = `mutation($in:SetDispatchContactInput!){setDispatchContact(input:$in){contact{id role name}}}`
			contact := func(role string, place map[string]any, name string) map[string]any {
				in := map[string]any{"role": role, "name": name, "department": "管理部", "phone": "03-1234-5678"}
				for k, v := range place {
					in[k] = v
				}
				return map[string]any{"in": in}
			}
			must(admin, setContact, contact("AGENCY_RESPONSIBLE", nil, "派遣元 責任者"))
			must(admin, setContact, contact("AGENCY_COMPLAINT", nil, "苦情 窓口"))
			refused(sales, setContact, contact("AGENCY_RESPONSIBLE", nil, "営業が勝手に"), graph.CodeForbidden)
			refused(sales, setContact, contact("SUPERVISOR", map[string]any{"orgUnitId": strconv.Itoa(otherUnit.ID)}, "他社の人"), graph.CodeNotFound)
			must(sales, setContact, contact("CLIENT_RESPONSIBLE", map[string]any{"siteId": strconv.Itoa(site.ID)}, "派遣先 責任者"))
			must(sales, setContact, contact("CLIENT_COMPLAINT", map[string]any{"siteId": strconv.Itoa(site.ID)}, "派遣先 苦情"))
			must(sales, setContact, contact("SUPERVISOR", map[string]any{"orgUnitId": strconv.Itoa(unit.ID)}, "仮の 上司"))
			// Setting the same role and place again replaces the contact.
			sup := must(sales, setContact, contact("SUPERVISOR", map[string]any{"orgUnitId": strconv.Itoa(unit.ID)}, "指揮 命令者"))
			if got := sup["setDispatchContact"].(map[string]any)["contact"].(map[string]any)["name"]; got != "指揮 命令者" {
				t.Errorf("replaced supervisor: %v", got)
			}
			must(sales, `mutation($in:UpdatePostingMutationInput!){updatePosting(input:$in){posting{id}}}`, map[string]any{"in": map[string]any{
				"id": strconv.Itoa(p.ID), "set": map[string]any{"responsibility": "役職なし・部下なし", "workingDays": "月〜金（祝日を除く）",
					"breaks": "12:00〜13:00（60分）", "overtimeTerms": "1日2時間・月20時間以内", "holidayWork": "なし",
					"safetyHealth": "派遣先の安全衛生規程による", "welfare": "食堂・休憩室の利用可",
					"earlyTerminationMeasures": "新たな就業機会の確保、休業手当の支払い"}}})
			const insurance = `mutation($in:RecordInsuranceEnrollmentInput!){recordInsuranceEnrollment(input:$in){registrant{healthInsuranceEnrolled employmentInsuranceEnrolled insuranceNotEnrolledReason}}}`
			refused(coord, insurance, map[string]any{"in": map[string]any{"registrantId": strconv.Itoa(reg.ID), "health": true, "pension": true, "employment": false,
				"reasonNotEnrolled": ""}}, graph.CodeBadUserInput) // not enrolled, and the reason cleared
			refused(sales, insurance, map[string]any{"in": map[string]any{"registrantId": strconv.Itoa(reg.ID), "health": true}}, graph.CodeForbidden)
			must(coord, insurance, map[string]any{"in": map[string]any{"registrantId": strconv.Itoa(reg.ID), "health": true, "pension": true,
				"employment": false, "reasonNotEnrolled": "週20時間未満のため"}})
			// The site's 抵触日 as the client notified it, and whether she is under the agreement.
			must(sales, `mutation($in:RecordConflictDateNoticeInput!){recordConflictDateNotice(input:$in){site{id}}}`, map[string]any{"in": map[string]any{
				"siteId": strconv.Itoa(site.ID), "conflictDate": today.AddDate(2, 0, 0).Format(time.DateOnly), "notifiedOn": today.Format(time.DateOnly)}})
			must(coord, `mutation($in:UpdateRegistrantMutationInput!){updateRegistrant(input:$in){registrant{id}}}`, map[string]any{"in": map[string]any{
				"id": strconv.Itoa(reg.ID), "set": map[string]any{"agreementCovered": true}}})
			if n := len(gaps("termsSheet")); n != 0 {
				t.Errorf("terms sheet still has gaps: %v", gaps("termsSheet"))
			}
			if n := len(gaps("clientNotice")); n != 0 {
				t.Errorf("client notice still has gaps: %v", gaps("clientNotice"))
			}
			if calendarHas(records.ReminderMissingLegalItems) {
				t.Error("a complete assignment is still MISSING_LEGAL_ITEMS")
			}

			const recordLog = `mutation($in:RecordLedgerLogInput!){recordLedgerLog(input:$in){log{id kind recordedBy{id}}}}`
			logged := must(coord, recordLog, map[string]any{"in": map[string]any{"kind": "COMPLAINT", "registrantId": strconv.Itoa(reg.ID),
				"assignmentId": id, "occurredOn": today.Format(time.DateOnly), "content": "休憩が取りにくい"}})
			logID := logged["recordLedgerLog"].(map[string]any)["log"].(map[string]any)["id"].(string)
			must(sales, recordLog, map[string]any{"in": map[string]any{"kind": "TRAINING", "registrantId": strconv.Itoa(reg.ID),
				"assignmentId": id, "occurredOn": today.Format(time.DateOnly), "content": "会計ソフト研修（2時間）"}})
			refused(coord, recordLog, map[string]any{"in": map[string]any{"kind": "TRAINING", "registrantId": strconv.Itoa(reg.ID),
				"occurredOn": today.AddDate(0, 0, 2).Format(time.DateOnly), "content": "未来"}}, graph.CodeBadUserInput)
			const updateLog = `mutation($in:UpdateLedgerLogInput!){updateLedgerLog(input:$in){log{handling}}}`
			refused(sales, updateLog, map[string]any{"in": map[string]any{"id": logID, "handling": "営業が書き換え"}}, graph.CodeNotFound)
			must(coord, updateLog, map[string]any{"in": map[string]any{"id": logID, "handling": "派遣先と休憩時間を調整"}})
			ledger := must(admin, `query($id:ID!){ledgerEntry(assignmentId:$id){record{items{label value}}}}`, map[string]any{"id": id})
			values := strings.Join(itemValues(ledger["ledgerEntry"].(map[string]any)["record"].(map[string]any)), "|")
			for _, want := range []string{"休憩が取りにくい（派遣先と休憩時間を調整）", "会計ソフト研修", "指揮 命令者", "週20時間未満のため"} {
				if !strings.Contains(values, want) {
					t.Errorf("ledger lacks %q: %s", want, values)
				}
			}
			// No viewer deletes a ledger entry, not even an admin (the data layer refuses).
			if _, err := c.LedgerLog.Delete().Exec(d.viewerCtx(t, "admin@demo.example")); err == nil {
				t.Error("an admin deleted ledger logs")
			}

			get := func(token, path string) (*http.Response, []byte) {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp, body
			}
			resp, body := get(admin, "/records/ledger.csv")
			if resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte("\ufeff")) {
				t.Fatalf("ledger.csv: HTTP %d %.200q", resp.StatusCode, body)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			n, _ := strconv.Atoi(resp.Trailer.Get("X-Row-Count"))
			if n != len(rows)-1 || n < 2 {
				t.Errorf("ledger.csv: %d data rows, X-Row-Count %q", len(rows)-1, resp.Trailer.Get("X-Row-Count"))
			}
			var mine []string
			for _, r := range rows[1:] {
				if r[0] == id {
					mine = r
				}
			}
			if !strings.Contains(strings.Join(mine, "|"), "休憩が取りにくい") || rows[0][0] != "派遣ID" {
				t.Errorf("ledger.csv row of %s: %v (header %v)", id, mine, rows[0])
			}
			resp, body = get(admin, "/records/ledger.csv?encoding=shift_jis")
			decoded, err := japanese.ShiftJIS.NewDecoder().Bytes(body)
			if err != nil || resp.StatusCode != 200 || !strings.Contains(string(decoded), "休憩が取りにくい") {
				t.Errorf("ledger.csv in Shift_JIS: HTTP %d %v", resp.StatusCode, err)
			}
			fy := today.Year()
			if today.Month() < time.April {
				fy--
			}
			for _, tc := range []struct {
				who, path string
				status    int
			}{
				{admin, "/records/stability.csv", 200},
				{admin, "/records/margin.csv?fiscalYear=" + strconv.Itoa(fy), 200},
				{sales, "/records/margin.csv?fiscalYear=" + strconv.Itoa(fy), 403},
				{admin, "/records/margin.csv", 400},
				{loginAt(t, srv.URL, "registrant@demo.example"), "/records/ledger.csv", 403},
				{"", "/records/ledger.csv", 401},
				{admin, "/records/payroll.csv", 404},
			} {
				resp, body := get(tc.who, tc.path)
				if resp.StatusCode != tc.status {
					t.Errorf("%s: HTTP %d %.200s, want %d", tc.path, resp.StatusCode, body, tc.status)
				}
				if tc.status == 200 && resp.Trailer.Get("X-Row-Count") == "" {
					t.Errorf("%s: no X-Row-Count trailer", tc.path)
				}
				if tc.path == "/records/stability.csv" {
					// The seed's stability measure belongs to a renewed run of two assignments: listed once.
					rows, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
					measured := 0
					for _, r := range rows[1:] {
						seen := map[string]bool{}
						for _, m := range strings.Split(r[len(r)-1], "／") {
							if seen[m] {
								t.Errorf("stability.csv lists a measure twice: %v", r)
							}
							seen[m] = true
						}
						if r[len(r)-1] != "なし" {
							measured++
						}
					}
					if measured == 0 {
						t.Errorf("stability.csv: no case with the seed's measure: %v", rows)
					}
				}
			}
		})
	}
}

// TestComplianceReminderDue (issue 16 item 8): a calendar subscriber is told once of an entry that
// enters its window when the reminders job runs, and not of what was there when it subscribed.
func TestComplianceReminderDue(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 0)
			sys := access.System(context.Background(), "test: calendar fixtures")
			c := d.db.Client
			bus := notify.NewLocal()
			t.Cleanup(func() { _ = bus.Close() })
			ctx, cancel := context.WithTimeout(d.viewerCtx(t, "coordinator@demo.example"), 20*time.Second)
			defer cancel()
			svc := &records.Service{Client: c, Subscriber: bus, Publisher: bus}
			ch, err := svc.WatchCalendar(ctx, 60)
			if err != nil {
				t.Fatal(err)
			}
			// A new assignment ending in 10 days with nothing after it enters the calendar.
			a := c.Assignment.Query().WithPosting().FirstX(sys)
			today := time.Now().UTC().Truncate(24 * time.Hour)
			fresh := c.Assignment.Create().SetAgencyID(a.AgencyID).SetRegistrantID(a.RegistrantID).SetPostingID(a.PostingID).
				SetOrgUnitID(a.OrgUnitID).SetStartDate(today.AddDate(0, 0, -30)).SetEndDate(today.AddDate(0, 0, 10)).
				SetStatus("ACTIVE").SetHourlyWage(a.HourlyWage).SaveX(sys)
			if _, err := svc.RemindCompliance(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := strconv.Itoa(fresh.ID)
			for {
				select {
				case e, ok := <-ch:
					if !ok {
						t.Fatal("subscription ended")
					}
					if e.AssignmentID != nil && strconv.Itoa(*e.AssignmentID) == want && e.Rule == records.ReminderEndingWithoutDecision {
						return
					}
				case <-ctx.Done():
					t.Fatal("no ENDING_WITHOUT_DECISION entry for the new assignment")
				}
			}
		})
	}
}

// viewerCtx is a context signed in as the demo account email (its profile resolved as the API does).
func (d demo) viewerCtx(t *testing.T, email string) context.Context {
	t.Helper()
	sys := access.System(context.Background(), "test: resolve a demo viewer")
	acc := d.db.Client.Account.Query().Where(account.Email(email)).OnlyX(sys)
	v := &auth.Viewer{AccountID: acc.ID, AgencyID: acc.AgencyID, Role: auth.Role(acc.Role.String())}
	switch acc.Role {
	case account.RoleCOORDINATOR:
		v.ProfileID = d.db.Client.Coordinator.Query().Where(coordinator.AccountID(acc.ID)).OnlyIDX(sys)
	case account.RoleSALES_REP:
		v.ProfileID = d.db.Client.SalesRep.Query().Where(salesrep.AccountID(acc.ID)).OnlyIDX(sys)
	case account.RoleREGISTRANT:
		v.ProfileID = d.db.Client.Registrant.Query().Where(registrant.AccountID(acc.ID)).OnlyIDX(sys)
	}
	return auth.WithViewer(context.Background(), v)
}

// TestDispatchContactsNotStaleInCache: contacts are versioned data — a cached orgUnits list showing
// them is not served after setDispatchContact changes one.
func TestDispatchContactsNotStaleInCache(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 1<<20)
			srv := httptest.NewServer(d.handler)
			t.Cleanup(srv.Close)
			admin := loginAt(t, srv.URL, "admin@demo.example")
			const list = `{orgUnits(first:1, orderBy:{field:NAME}){edges{node{id dispatchContacts{role name}}}}}`
			names := func() (string, string) {
				r := do(t, srv.URL, admin, query(list, nil))
				if len(r.Errors) > 0 {
					t.Fatal(r.Errors)
				}
				node := r.Data["orgUnits"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)
				for _, c := range node["dispatchContacts"].([]any) {
					if c := c.(map[string]any); c["role"] == "SUPERVISOR" {
						return node["id"].(string), c["name"].(string)
					}
				}
				return node["id"].(string), ""
			}
			unit, before := names()
			if again, _ := names(); again != unit {
				t.Fatal("unstable list")
			}
			r := do(t, srv.URL, admin, query(`mutation($in:SetDispatchContactInput!){setDispatchContact(input:$in){contact{id}}}`,
				map[string]any{"in": map[string]any{"role": "SUPERVISOR", "orgUnitId": unit, "name": "新しい 上司", "phone": "03-9999-0000"}}))
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if _, after := names(); after != "新しい 上司" {
				t.Errorf("after setDispatchContact the list shows %q (before %q): a stale cache entry", after, before)
			}
			// Removing writes dispatch_contacts alone (setting also touches the org unit).
			id := r.Data["setDispatchContact"].(map[string]any)["contact"].(map[string]any)["id"]
			if r := do(t, srv.URL, admin, query(`mutation($id:ID!){removeDispatchContact(input:{id:$id}){removedId}}`,
				map[string]any{"id": id})); len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if _, after := names(); after != "" {
				t.Errorf("after removeDispatchContact the list still shows %q: a stale cache entry", after)
			}
		})
	}
}

// demoRepAndRegistrant are the demo agency's sales@ rep and registrant@ registrant.
func demoRepAndRegistrant(sys context.Context, c *ent.Client) (*ent.SalesRep, *ent.Registrant) {
	repAcc := c.Account.Query().Where(account.Email("sales@demo.example")).OnlyX(sys)
	regAcc := c.Account.Query().Where(account.Email("registrant@demo.example")).OnlyX(sys)
	return c.SalesRep.Query().Where(salesrep.AccountID(repAcc.ID)).OnlyX(sys),
		c.Registrant.Query().Where(registrant.AccountID(regAcc.ID)).OnlyX(sys)
}

package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestRecordsOverHTTP (issue 16): the terms sheet of an assignment for its posting's sales rep and
// for the worker herself (as GraphQL and as a PDF that really holds her name and the 抵触日); nothing
// for a rep of another posting, another agency or an anonymous caller; the worker gets no other record.
func TestRecordsOverHTTP(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 0)
			srv := httptest.NewServer(d.handler)
			t.Cleanup(srv.Close)
			sys := access.System(context.Background(), "test: records fixtures")
			c := d.db.Client
			rep, reg := demoRepAndRegistrant(sys, c)
			other := c.Registrant.Query().Where(registrant.AgencyID(reg.AgencyID), registrant.IDNEQ(reg.ID)).FirstX(sys)
			p := c.Posting.Query().Where(posting.AccountRepID(rep.ID)).WithOrgUnit().FirstX(sys)
			c.ClientSite.UpdateOneID(p.Edges.OrgUnit.SiteID).SetConflictDate(time.Date(2028, 4, 1, 0, 0, 0, 0, time.UTC)).
				SetConflictDateNotifiedAt(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)).ExecX(sys)
			start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
			newAssignment := func(regID int) int {
				return c.Assignment.Create().SetAgencyID(reg.AgencyID).SetRegistrantID(regID).SetPostingID(p.ID).
					SetOrgUnitID(p.OrgUnitID).SetStartDate(start).SetEndDate(start.AddDate(0, 6, -1)).
					SetHourlyWage(p.HourlyWage).SetBillRate(p.HourlyWage + 700).SaveX(sys).ID
			}
			mine, theirs := newAssignment(reg.ID), newAssignment(other.ID)
			otherRepAcc := c.Account.Create().SetAgencyID(reg.AgencyID).SetEmail("sales9@demo.example").SetPasswordHash("x").
				SetRole(account.RoleSALES_REP).SaveX(sys)
			otherRep := c.SalesRep.Create().SetAgencyID(reg.AgencyID).SetAccountID(otherRepAcc.ID).SetKind(salesrep.KindACCOUNT).
				SetName("別の営業").SaveX(sys)
			otherRepToken, _, _ := d.tokens.Issue(auth.Viewer{AccountID: otherRepAcc.ID, AgencyID: reg.AgencyID, Role: auth.RoleSalesRep, ProfileID: otherRep.ID})
			tokens := map[string]string{
				"rep": loginAt(t, srv.URL, "sales@demo.example"), "worker": loginAt(t, srv.URL, "registrant@demo.example"),
				"other rep": otherRepToken, "other agency": loginAt(t, srv.URL, "admin@direct.example"), "anonymous": "",
			}
			ask := func(who, field string, id int) gqlResponse {
				return do(t, srv.URL, tokens[who], query(`query($id:ID!){r:`+field+`(assignmentId:$id){title complete pdfPath items{label value} gaps{item law}}}`,
					map[string]any{"id": strconv.Itoa(id)}))
			}
			for _, tc := range []struct {
				who, field string
				id         int
				code       string
			}{
				{"rep", "termsSheet", mine, ""},
				{"worker", "termsSheet", mine, ""},
				{"rep", "clientNotice", mine, ""},
				{"worker", "termsSheet", theirs, graph.CodeNotFound},
				{"worker", "clientNotice", mine, graph.CodeForbidden},
				{"other rep", "termsSheet", mine, graph.CodeNotFound},
				{"other agency", "termsSheet", mine, graph.CodeNotFound},
				{"anonymous", "termsSheet", mine, graph.CodeUnauthenticated},
			} {
				r := ask(tc.who, tc.field, tc.id)
				switch {
				case tc.code == "" && (len(r.Errors) > 0 || r.Data["r"] == nil):
					t.Errorf("%s %s: %v", tc.who, tc.field, r.Errors)
				case tc.code != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tc.code):
					t.Errorf("%s %s: %v, want %s", tc.who, tc.field, codesOf(r), tc.code)
				}
			}
			sheet := ask("worker", "termsSheet", mine).Data["r"].(map[string]any)
			if !strings.Contains(strings.Join(itemValues(sheet), "|"), "円") {
				t.Errorf("the worker's sheet lacks the dispatch fee (34条の2): %v", sheet["items"])
			}
			path := sheet["pdfPath"].(string)
			get := func(token string) (*http.Response, []byte) {
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
			for who, want := range map[string]int{"other rep": 404, "other agency": 404, "anonymous": 401} {
				if resp, body := get(tokens[who]); resp.StatusCode != want {
					t.Errorf("PDF for %s: HTTP %d %s, want %d", who, resp.StatusCode, body, want)
				}
			}
			resp, pdf := get(tokens["rep"])
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-") {
				t.Fatalf("PDF for the rep: HTTP %d %s %.100q", resp.StatusCode, resp.Header.Get("Content-Type"), pdf)
			}
			pdftotext, err := exec.LookPath("pdftotext")
			if err != nil {
				if os.Getenv("STAFFCRM_REQUIRE_TOOLS") != "" {
					t.Fatal("pdftotext not installed and STAFFCRM_REQUIRE_TOOLS is set")
				}
				t.Skip("SKIPPING TOOL TEST: the PDF text check needs pdftotext (Debian poppler-utils), which is not installed; .ci/run installs it")
			}
			file := filepath.Join(t.TempDir(), "terms.pdf")
			if err := os.WriteFile(file, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(string(out)), "")
			for _, want := range []string{strings.Join(strings.Fields(reg.Name), ""), "2028年4月1日", "就業条件明示書"} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func itemValues(rec map[string]any) []string {
	var out []string
	for _, it := range rec["items"].([]any) {
		out = append(out, it.(map[string]any)["value"].(string))
	}
	return out
}

package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// complianceCheck answers with the dates, not only ok/findings (issue 15 item 8): the individual
// limit's last day at the org unit, the site's conflict date (抵触日), and whether the proposed start
// continues a run there (here: an earlier placement ended a month before) or starts a fresh count.
func TestComplianceCheckGivesTheDates(t *testing.T) {
	day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			c := db.Client
			ctx := access.System(context.Background(), "test fixture")
			ag := c.Agency.Create().SetName("A").SetSlug("a").SaveX(ctx)
			adm := c.Account.Create().SetAgencyID(ag.ID).SetEmail("admin@a.example").SetPasswordHash("x").SetRole(account.RoleADMIN).SaveX(ctx)
			rep := c.SalesRep.Create().SetAgencyID(ag.ID).SetName("R").SetKind(salesrep.KindACCOUNT).SaveX(ctx)
			cl := c.ClientCompany.Create().SetAgencyID(ag.ID).SetName("X").SetIndustry("製造業").SetLegalEntityNumber("1234567890123").SaveX(ctx)
			site := c.ClientSite.Create().SetAgencyID(ag.ID).SetClientID(cl.ID).SetName("S").SetAddress("a").SetPrefecture("東京都").
				SetConflictDate(day("2029-04-01")).SetConflictDateNotifiedAt(day("2026-01-05")).SaveX(ctx)
			unit := c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(site.ID).SetName("U").SaveX(ctx)
			post := c.Posting.Create().SetAgencyID(ag.ID).SetOrgUnitID(unit.ID).SetAccountRepID(rep.ID).SetTitle("P").
				SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").SetStatus(posting.StatusOPEN).SaveX(ctx)
			reg := c.Registrant.Create().SetAgencyID(ag.ID).SetName("G").SetPrefecture("東京都").SetBirthDate(day("1990-05-01")).SaveX(ctx)
			c.Assignment.Create().SetAgencyID(ag.ID).SetRegistrantID(reg.ID).SetPostingID(post.ID).SetOrgUnitID(unit.ID).
				SetStartDate(day("2025-04-01")).SetEndDate(day("2026-03-31")).SetHourlyWage(1500).SetStatus(assignment.StatusENDED).SaveX(ctx)

			secret, _ := auth.RandomSecret()
			tokens, err := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(server.Handler(server.Options{
				Resolver: &graph.Resolver{Client: c, Sessions: session.New(c, tokens, 0),
					Router: routing.NewRouter(c, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: c}},
				Tokens: tokens, Ready: db.Ready, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Development: true,
			}))
			defer srv.Close()
			token, _, err := tokens.Issue(auth.Viewer{AccountID: adm.ID, AgencyID: ag.ID, Role: auth.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := json.Marshal(map[string]any{"query": `query($r:ID!,$p:ID!){complianceCheck(registrantId:$r,postingId:$p,start:"2026-05-01",end:"2026-10-31"){
				ok individualLimitLastDay individualLimitExempt runStart continuesRun siteConflictDate siteLastDay}}`,
				"variables": map[string]any{"r": fmt.Sprint(reg.ID), "p": fmt.Sprint(post.ID)}})
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var out struct {
				Data struct {
					ComplianceCheck map[string]any
				}
				Errors []any
			}
			if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
				t.Fatalf("complianceCheck: %v %s", err, raw)
			}
			got := fmt.Sprint(out.Data.ComplianceCheck)
			want := fmt.Sprint(map[string]any{"ok": true, "individualLimitLastDay": "2028-03-31", "individualLimitExempt": false,
				"runStart": "2025-04-01", "continuesRun": true, "siteConflictDate": "2029-04-01", "siteLastDay": "2029-03-31"})
			if got != want {
				t.Fatalf("complianceCheck = %s\nwant            %s", got, want)
			}
		})
	}
}

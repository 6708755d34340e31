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

	"github.com/example/staffcrm/ent/account"
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

type gqlAnswer struct {
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func postGraphQL(t *testing.T, url, token, q string, vars map[string]any) gqlAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlAnswer
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return out
}

// An admin imports the minimum-wage table from CSV; a sales rep's posting below it cannot be opened:
// COMPLIANCE_VIOLATION with rule MINIMUM_WAGE (issue 15 item 8). A bad CSV is BAD_USER_INPUT on csv.
func TestPostingBelowMinimumWageRefusedOverGraphQL(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			c := db.Client
			ctx := access.System(context.Background(), "test fixture")
			ag := c.Agency.Create().SetName("A").SetSlug("a").SaveX(ctx)
			adm := c.Account.Create().SetAgencyID(ag.ID).SetEmail("admin@a.example").SetPasswordHash("x").SetRole(account.RoleADMIN).SaveX(ctx)
			repAcc := c.Account.Create().SetAgencyID(ag.ID).SetEmail("rep@a.example").SetPasswordHash("x").SetRole(account.RoleSALES_REP).SaveX(ctx)
			rep := c.SalesRep.Create().SetAgencyID(ag.ID).SetName("R").SetKind(salesrep.KindACCOUNT).SetAccountID(repAcc.ID).SaveX(ctx)
			cl := c.ClientCompany.Create().SetAgencyID(ag.ID).SetName("X").SetIndustry("製造業").SaveX(ctx)
			site := c.ClientSite.Create().SetAgencyID(ag.ID).SetClientID(cl.ID).SetName("S").SetAddress("a").SetPrefecture("東京都").SaveX(ctx)
			unit := c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(site.ID).SetName("U").SaveX(ctx)

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
			adminTok, _, _ := tokens.Issue(auth.Viewer{AccountID: adm.ID, AgencyID: ag.ID, Role: auth.RoleAdmin})
			repTok, _, _ := tokens.Issue(auth.Viewer{AccountID: repAcc.ID, AgencyID: ag.ID, Role: auth.RoleSalesRep, ProfileID: rep.ID})

			const imp = `mutation($csv:String!){importMinimumWages(input:{csv:$csv}){imported minimumWages{prefecture hourlyWage effectiveFrom sample}}}`
			if r := postGraphQL(t, srv.URL, adminTok, imp, map[string]any{"csv": "東京都,12x6,2025-10-03"}); len(r.Errors) == 0 ||
				r.Errors[0].Extensions["code"] != graph.CodeBadUserInput || r.Errors[0].Extensions["field"] != "csv" {
				t.Fatalf("bad csv: %+v", r)
			}
			if r := postGraphQL(t, srv.URL, repTok, imp, map[string]any{"csv": "東京都,1226,2025-10-03"}); len(r.Errors) == 0 ||
				r.Errors[0].Extensions["code"] != graph.CodeForbidden {
				t.Fatalf("sales rep import: %+v", r)
			}
			r := postGraphQL(t, srv.URL, adminTok, imp, map[string]any{"csv": "prefecture,hourly_wage,effective_from\n東京都,1226,2025-10-03"})
			if len(r.Errors) > 0 || fmt.Sprint(r.Data["importMinimumWages"]) != "map[imported:1 minimumWages:[map[effectiveFrom:2025-10-03 hourlyWage:1226 prefecture:東京都 sample:false]]]" {
				t.Fatalf("import: %+v", r)
			}

			const create = `mutation($u:ID!,$r:ID!,$w:Int!){createPosting(input:{orgUnitID:$u,accountRepID:$r,title:"事務",jobCategory:"一般事務",
				hourlyWage:$w,prefecture:"東京都",status:OPEN}){posting{id hourlyWage}}}`
			vars := map[string]any{"u": fmt.Sprint(unit.ID), "r": fmt.Sprint(rep.ID), "w": 1200}
			r = postGraphQL(t, srv.URL, repTok, create, vars)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeComplianceViolation ||
				fmt.Sprint(r.Errors[0].Extensions["rules"]) != "[MINIMUM_WAGE]" {
				t.Fatalf("open posting below the minimum wage: %+v", r)
			}
			vars["w"] = 1226
			if r := postGraphQL(t, srv.URL, repTok, create, vars); len(r.Errors) > 0 {
				t.Fatalf("open posting at the minimum wage: %+v", r)
			}

			// Roles: only admins import; staff read their own agency's table; registrants, anonymous
			// callers and another agency see none of it.
			coordAcc := c.Account.Create().SetAgencyID(ag.ID).SetEmail("coord@a.example").SetPasswordHash("x").SetRole(account.RoleCOORDINATOR).SaveX(ctx)
			coord := c.Coordinator.Create().SetAgencyID(ag.ID).SetName("C").SetAccountID(coordAcc.ID).SaveX(ctx)
			regAcc := c.Account.Create().SetAgencyID(ag.ID).SetEmail("reg@a.example").SetPasswordHash("x").SetRole(account.RoleREGISTRANT).SaveX(ctx)
			reg := c.Registrant.Create().SetAgencyID(ag.ID).SetName("G").SetPrefecture("東京都").SetAccountID(regAcc.ID).SaveX(ctx)
			other := c.Agency.Create().SetName("B").SetSlug("b").SaveX(ctx)
			otherAdm := c.Account.Create().SetAgencyID(other.ID).SetEmail("admin@b.example").SetPasswordHash("x").SetRole(account.RoleADMIN).SaveX(ctx)
			coordTok, _, _ := tokens.Issue(auth.Viewer{AccountID: coordAcc.ID, AgencyID: ag.ID, Role: auth.RoleCoordinator, ProfileID: coord.ID})
			regTok, _, _ := tokens.Issue(auth.Viewer{AccountID: regAcc.ID, AgencyID: ag.ID, Role: auth.RoleRegistrant, ProfileID: reg.ID})
			otherTok, _, _ := tokens.Issue(auth.Viewer{AccountID: otherAdm.ID, AgencyID: other.ID, Role: auth.RoleAdmin})
			const list = `{minimumWages{prefecture hourlyWage}}`
			for _, tc := range []struct {
				who, token string
				importCode string // "" = allowed
				listCode   string
				listLen    int
			}{
				{"admin", adminTok, "", "", 1},
				{"sales rep", repTok, graph.CodeForbidden, "", 1},
				{"coordinator", coordTok, graph.CodeForbidden, "", 1},
				{"registrant", regTok, graph.CodeForbidden, graph.CodeForbidden, 0},
				{"anonymous", "", graph.CodeUnauthenticated, graph.CodeUnauthenticated, 0},
				{"another agency's admin", otherTok, "", "", 1}, // its own table only
			} {
				r := postGraphQL(t, srv.URL, tc.token, imp, map[string]any{"csv": "大阪府,1177,2025-10-16"})
				switch {
				case tc.importCode == "" && len(r.Errors) > 0:
					t.Errorf("%s import: %+v", tc.who, r.Errors)
				case tc.importCode != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tc.importCode):
					t.Errorf("%s import: want %s, got %+v", tc.who, tc.importCode, r)
				}
				if tc.who == "admin" {
					continue // its import added 大阪府 to A's table; checked below
				}
				r = postGraphQL(t, srv.URL, tc.token, list, nil)
				switch {
				case tc.listCode != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tc.listCode):
					t.Errorf("%s list: want %s, got %+v", tc.who, tc.listCode, r)
				case tc.listCode == "" && (len(r.Errors) > 0 || len(r.Data["minimumWages"].([]any)) < tc.listLen):
					t.Errorf("%s list: %+v", tc.who, r)
				}
			}
			if n := c.MinimumWage.Query().Where().CountX(ctx); n != 3 {
				t.Errorf("rows after the role walk: %d, want 3 (A: 東京都, 大阪府; B: 大阪府)", n)
			}
			r = postGraphQL(t, srv.URL, otherTok, list, nil)
			if fmt.Sprint(r.Data["minimumWages"]) != "[map[hourlyWage:1177 prefecture:大阪府]]" {
				t.Errorf("another agency's table: %+v", r)
			}
		})
	}
}

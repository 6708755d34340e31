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
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/application"
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

// A sales rep takes a registrant's phone call and opens an inquiry for her; in COORDINATOR mode it
// goes to a coordinator, outside the rep's view. The payload used to be `inquiry: null` and nothing
// else; the rep now gets the receipt: its id, its status and that it went to someone else (issue 15
// item 8).
func TestCreateInquiryRoutedToAColleagueAnswersWithAReceipt(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			c := db.Client
			ctx := access.System(context.Background(), "test fixture")
			ag := c.Agency.Create().SetName("A").SetSlug("a").SetRoutingMode(agency.RoutingModeCOORDINATOR).SaveX(ctx)
			coordAcc := c.Account.Create().SetAgencyID(ag.ID).SetEmail("coord@a.example").SetPasswordHash("x").SetRole(account.RoleCOORDINATOR).SaveX(ctx)
			c.Coordinator.Create().SetAgencyID(ag.ID).SetName("C").SetAccountID(coordAcc.ID).SetCapacity(5).SaveX(ctx)
			repAcc := c.Account.Create().SetAgencyID(ag.ID).SetEmail("rep@a.example").SetPasswordHash("x").SetRole(account.RoleSALES_REP).SaveX(ctx)
			rep := c.SalesRep.Create().SetAgencyID(ag.ID).SetName("R").SetKind(salesrep.KindACCOUNT).SetAccountID(repAcc.ID).SetCapacity(5).SaveX(ctx)
			cl := c.ClientCompany.Create().SetAgencyID(ag.ID).SetName("X").SetIndustry("製造業").SaveX(ctx)
			site := c.ClientSite.Create().SetAgencyID(ag.ID).SetClientID(cl.ID).SetName("S").SetAddress("a").SetPrefecture("東京都").SaveX(ctx)
			unit := c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(site.ID).SetName("U").SaveX(ctx)
			post := c.Posting.Create().SetAgencyID(ag.ID).SetOrgUnitID(unit.ID).SetAccountRepID(rep.ID).SetTitle("P").
				SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").SetStatus(posting.StatusOPEN).SaveX(ctx)
			reg := c.Registrant.Create().SetAgencyID(ag.ID).SetName("G").SetPrefecture("東京都").SaveX(ctx)
			// She applied to the rep's posting, so the rep sees her.
			c.Application.Create().SetAgencyID(ag.ID).SetRegistrantID(reg.ID).SetPostingID(post.ID).SetStatus(application.StatusAPPLIED).SaveX(ctx)

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
			token, _, err := tokens.Issue(auth.Viewer{AccountID: repAcc.ID, AgencyID: ag.ID, Role: auth.RoleSalesRep, ProfileID: rep.ID})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := json.Marshal(map[string]any{"query": `mutation($r:ID!){createInquiry(input:{registrantId:$r,kind:GENERAL,message:"電話で相談"}){
				inquiry{id} receipt{id status routedToSomeoneElse}}}`, "variables": map[string]any{"r": fmt.Sprint(reg.ID)}})
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
					CreateInquiry struct {
						Inquiry *struct{ ID string }
						Receipt *struct {
							ID                  string
							Status              string
							RoutedToSomeoneElse bool
						}
					}
				}
				Errors []any
			}
			if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
				t.Fatalf("createInquiry: %v %s", err, raw)
			}
			p := out.Data.CreateInquiry
			if p.Inquiry != nil {
				t.Fatalf("the coordinator's inquiry is outside the rep's view, got %s", raw)
			}
			if p.Receipt == nil || p.Receipt.ID == "" || p.Receipt.Status != "ASSIGNED" || !p.Receipt.RoutedToSomeoneElse {
				t.Fatalf("no usable receipt: %s", raw)
			}
			inq := c.Inquiry.GetX(ctx, mustAtoi(t, p.Receipt.ID))
			if inq.RegistrantID != reg.ID || inq.CoordinatorID == nil {
				t.Fatalf("receipt names inquiry %d of registrant %d, coordinator %v", inq.ID, inq.RegistrantID, inq.CoordinatorID)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

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

// TestFeedWorkplaceOnlyWhenAsked: the feed skips the workplace lookup (a statement per page) unless
// clientName or siteAddress is selected, directly or through a fragment, and then returns exactly
// what the posting's own node returns.
func TestFeedWorkplaceOnlyWhenAsked(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			sys := access.System(context.Background(), "test: seed")
			if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
				t.Fatal(err)
			}
			secret, _ := auth.RandomSecret()
			tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
			resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0),
				Router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: db.Client}}
			srv := httptest.NewServer(server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready,
				Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}))
			defer srv.Close()
			r := do(t, srv.URL, "", query(`mutation{login(input:{email:"registrant@demo.example",password:"demo-password"}){accessToken}}`, nil))
			reg := r.Data["login"].(map[string]any)["accessToken"].(string)

			plain := statements(t, srv.URL, reg, `{publicPostings(first: 50){edges{node{id title}}}}`)
			asked := statements(t, srv.URL, reg, `{publicPostings(first: 50){edges{node{id clientName}}}}`)
			if atoi(asked) <= atoi(plain) {
				t.Errorf("statements without/with clientName: %s/%s; the workplace lookup should run only when asked", plain, asked)
			}

			for _, q := range []string{
				`{publicPostings(first: 50){edges{node{id clientName siteAddress}}}}`,
				`{publicPostings(first: 50){edges{node{id ... on PublicPosting{clientName siteAddress}}}}}`,
				`fragment W on PublicPosting{clientName siteAddress} {publicPostings(first: 50){edges{node{id ...W}}}}`,
			} {
				r := do(t, srv.URL, reg, query(q, nil))
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %v", q, codesOf(r))
				}
				disclosed := 0
				for _, e := range r.Data["publicPostings"].(map[string]any)["edges"].([]any) {
					n := e.(map[string]any)["node"].(map[string]any)
					one := do(t, srv.URL, reg, query(fmt.Sprintf(`{node(id:%q){... on PublicPosting{clientName siteAddress}}}`, n["id"]), nil))
					want := one.Data["node"].(map[string]any)
					if fmt.Sprint(n["clientName"], n["siteAddress"]) != fmt.Sprint(want["clientName"], want["siteAddress"]) {
						t.Fatalf("%s: posting %v lists %v/%v, its node says %v/%v", q, n["id"], n["clientName"], n["siteAddress"], want["clientName"], want["siteAddress"])
					}
					if n["clientName"] != nil {
						disclosed++
					}
				}
				if disclosed == 0 {
					t.Fatalf("%s: no posting of the demo feed shows its workplace; the check proves nothing", q)
				}
			}
		})
	}
}

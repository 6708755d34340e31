package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
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

// demoHandler is the API over a fresh database of kind seeded with the demo data (logins as in the
// README, password "demo-password"), configured as in production.
func demoHandler(t testing.TB, kind dbtest.Kind) (http.Handler, *graph.Resolver) {
	t.Helper()
	db := dbtest.Open(t, kind)
	sys := access.System(context.Background(), "test: seed")
	if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
		t.Fatal(err)
	}
	secret, _ := auth.RandomSecret()
	tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0),
		Router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: db.Client}}
	return server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}), resolver
}

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
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/respcache"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// demoHandler is the API over a fresh database of kind seeded with the demo data (logins as in the
// README, password "demo-password"), configured as in production (response cache included).
func demoHandler(t testing.TB, kind dbtest.Kind) (http.Handler, *graph.Resolver) {
	t.Helper()
	d := demoStack(t, kind, productionCacheBytes)
	return d.handler, d.resolver
}

// demo is one demo server process and what a test needs to start a second one on its database.
type demo struct {
	handler  http.Handler
	resolver *graph.Resolver
	db       *database.DB
	tokens   *auth.Tokens
}

// productionCacheBytes is the default RESPONSE_CACHE_MB.
const productionCacheBytes = 16 << 20

// demoStack is demoHandler with the database and the response cache size (0: no cache).
func demoStack(t testing.TB, kind dbtest.Kind, cacheBytes int64) demo {
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
	return demo{handler: apiHandler(db, resolver, tokens, cacheBytes), resolver: resolver, db: db, tokens: tokens}
}

// apiHandler is one server process's handler over db: its own response cache (when cacheBytes > 0)
// and its own resolver state.
func apiHandler(db *database.DB, resolver *graph.Resolver, tokens *auth.Tokens, cacheBytes int64) http.Handler {
	var cache *respcache.Cache
	if cacheBytes > 0 {
		cache = respcache.New(graph.NewSchema(resolver).Schema(), db, cacheBytes)
	}
	return server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready, ResponseCache: cache,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
}

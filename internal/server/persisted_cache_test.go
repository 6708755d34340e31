package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/respcache"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// TestTrustedDocumentsCached: with the allow-list on, the response cache still serves the feed —
// named by id, the only way in — and never answers query text, which the server refuses.
func TestTrustedDocumentsCached(t *testing.T) {
	const feed = "query Feed { publicPostings(first: 20) { edges { node { id title hourlyWage } } } }"
	db := dbtest.Open(t, dbtest.SQLite)
	if err := seed.Demo(access.System(context.Background(), "test: seed"), db.Client,
		func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
		t.Fatal(err)
	}
	secret, _ := auth.RandomSecret()
	tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0)}
	manifest := manifestOf(t, pdLogin, feed)
	srv := httptest.NewServer(server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), TrustedDocuments: manifest,
		ResponseCache: respcache.New(graph.NewSchema(resolver).Schema(), db, productionCacheBytes)}))
	defer srv.Close()
	token := pdLoginAs(t, srv.URL, "registrant@demo.example")

	post := func(members map[string]any) (string, []byte) {
		t.Helper()
		b, _ := json.Marshal(members)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.Header.Get("X-Cache"), body
	}
	for _, named := range []map[string]any{
		{"documentId": docID(feed)},
		{"extensions": apqExt(strings.TrimPrefix(docID(feed), "sha256:"))},
	} {
		x1, b1 := post(named)
		x2, b2 := post(named)
		if x2 != "hit" || !bytes.Equal(b1, b2) || !bytes.Contains(b1, []byte(`"publicPostings"`)) {
			t.Errorf("%v: X-Cache %q then %q\n%s\n%s", named, x1, x2, b1, b2)
		}
	}
	// The same text sent as a query: refused as before, never served from the entry.
	x, b := post(map[string]any{"query": feed})
	if x == "hit" || !bytes.Contains(b, []byte("PERSISTED_QUERY_ID_REQUIRED")) {
		t.Errorf("query text with the allow-list on: X-Cache %q, %s", x, b)
	}
	// An unlisted id: the server's error, not a cache lookup.
	x, b = post(map[string]any{"documentId": docID("query Other { publicPostings(first: 1) { totalCount } }")})
	if x != "" || !bytes.Contains(b, []byte("PERSISTED_QUERY_NOT_IN_LIST")) {
		t.Errorf("unlisted id: X-Cache %q, %s", x, b)
	}
}

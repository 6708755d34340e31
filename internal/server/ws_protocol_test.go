package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// wsStack is a demo server whose signing secret the test knows, so it can mint tokens that are
// expired or about to expire (a Tokens with a shifted clock signs with the same key).
type wsStack struct {
	url    string
	secret []byte
	tokens *auth.Tokens
}

func newWSStack(t *testing.T, kind dbtest.Kind, initTimeout time.Duration) wsStack {
	t.Helper()
	db := dbtest.Open(t, kind)
	sys := access.System(context.Background(), "test: seed")
	if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
		t.Fatal(err)
	}
	secret, _ := auth.RandomSecret()
	tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0),
		Router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: db.Client}, Bus: notify.NewLocal()}
	srv := httptest.NewServer(server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Development: true, WebsocketInitTimeout: initTimeout}))
	t.Cleanup(srv.Close)
	return wsStack{url: srv.URL, secret: secret, tokens: tokens}
}

// tokenAt re-signs the viewer of access as if issued at issued (same key, same claims).
func (s wsStack) tokenAt(t *testing.T, access string, issued time.Time) string {
	t.Helper()
	v, err := s.tokens.Verify(access)
	if err != nil {
		t.Fatal(err)
	}
	shifted, err := auth.NewHMACTokens(s.secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api",
		Now: func() time.Time { return issued }})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := shifted.Issue(*v)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func rawWS(t *testing.T, base string, protocols ...string) *websocket.Conn {
	t.Helper()
	dl := websocket.Dialer{Subprotocols: protocols, HandshakeTimeout: 5 * time.Second}
	conn, _, err := dl.Dial("ws"+strings.TrimPrefix(base, "http")+"/query", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func sendAll(t *testing.T, conn *websocket.Conn, msgs ...string) {
	t.Helper()
	for _, m := range msgs {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWebsocketCloseCodes: every graphql-transport-ws refusal closes with the protocol's code,
// never 1000 (which graphql-ws reads as "reconnect at once").
func TestWebsocketCloseCodes(t *testing.T) {
	s := newWSStack(t, dbtest.SQLite, 300*time.Millisecond)
	good := loginAs(t, s.url, "coordinator@demo.example").access
	expired := s.tokenAt(t, good, time.Now().Add(-time.Hour))
	init := func(tok string) string {
		return `{"type":"connection_init","payload":{"Authorization":"Bearer ` + tok + `"}}`
	}
	sub := func(id string) string {
		return `{"id":"` + id + `","type":"subscribe","payload":{"query":"subscription{inquiryAssigned{id}}"}}`
	}
	cases := []struct {
		name      string
		protocols []string
		msgs      []string
		code      int
		acked     bool
	}{
		{"no token", []string{"graphql-transport-ws"}, []string{`{"type":"connection_init"}`}, 4403, false},
		{"forged token", []string{"graphql-transport-ws"}, []string{init("forged.token.here")}, 4403, false},
		{"expired token", []string{"graphql-transport-ws"}, []string{init(expired)}, 4403, false},
		{"subscribe before ack", []string{"graphql-transport-ws"}, []string{sub("1")}, 4401, false},
		{"malformed JSON", []string{"graphql-transport-ws"}, []string{`{"type":`}, 4400, false},
		{"unknown type", []string{"graphql-transport-ws"}, []string{`{"type":"start","id":"1"}`}, 4400, false},
		{"subscribe without id", []string{"graphql-transport-ws"}, []string{init(good), `{"type":"subscribe","payload":{"query":"{__typename}"}}`}, 4400, true},
		{"subscribe without query", []string{"graphql-transport-ws"}, []string{init(good), `{"id":"1","type":"subscribe","payload":{}}`}, 4400, true},
		{"init timeout", []string{"graphql-transport-ws"}, nil, 4408, false},
		{"duplicate subscriber id", []string{"graphql-transport-ws"}, []string{init(good), sub("1"), sub("1")}, 4409, true},
		{"second connection_init", []string{"graphql-transport-ws"}, []string{init(good), init(good)}, 4429, true},
		{"legacy graphql-ws refused", []string{"graphql-ws"}, nil, 4406, false},
		{"no subprotocol refused", nil, nil, 4406, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn := rawWS(t, s.url, c.protocols...)
			sendAll(t, conn, c.msgs...)
			code, acked := closeCode(conn, time.Now().Add(5*time.Second))
			if code != c.code || acked != c.acked {
				t.Fatalf("close code %d (acked %v), want %d (acked %v)", code, acked, c.code, c.acked)
			}
		})
	}
}

// TestWebsocketTokenExpiresMidSubscription: a connection whose access token expires while a
// subscription streams gets an UNAUTHENTICATED error for the subscription, then close 4403, once
// the token's leeway has passed (when HTTP would refuse the same token).
func TestWebsocketTokenExpiresMidSubscription(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := newWSStack(t, kind, 0)
			good := loginAs(t, s.url, "coordinator@demo.example").access
			// 15 min TTL and 30 s leeway by default: refused 2 s from now.
			refusedAt := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
			soon := s.tokenAt(t, good, refusedAt.Add(-15*time.Minute-30*time.Second))
			conn := rawWS(t, s.url, "graphql-transport-ws")
			sendAll(t, conn, `{"type":"connection_init","payload":{"Authorization":"Bearer `+soon+`"}}`,
				`{"id":"s1","type":"subscribe","payload":{"query":"subscription{inquiryAssigned{id}}"}}`)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			var got []map[string]any
			for {
				var m map[string]any
				if err := conn.ReadJSON(&m); err != nil {
					var ce *websocket.CloseError
					if !errors.As(err, &ce) || ce.Code != 4403 {
						t.Fatalf("want close 4403, got %v", err)
					}
					t.Logf("closed %v after the token's refusal time: %q", time.Since(refusedAt).Round(10*time.Millisecond), ce.Text)
					if time.Now().Before(refusedAt.Add(-time.Second)) {
						t.Fatal("closed before the token expired")
					}
					break
				}
				got = append(got, m)
			}
			if len(got) != 2 || got[0]["type"] != "connection_ack" || got[1]["type"] != "error" || got[1]["id"] != "s1" {
				t.Fatalf("messages before the close: %v", got)
			}
			errs, _ := got[1]["payload"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != "UNAUTHENTICATED" {
				t.Fatalf("error payload: %v", got[1]["payload"])
			}
		})
	}
}

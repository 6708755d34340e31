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
	"sync"
	"testing"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// hygieneServer has no pipeline service wired, so staff queries that need it panic: the panic must
// become an INTERNAL error carrying the request id, logged with the detail, never a 500 or a trace.
func hygieneServer(t testing.TB) (url, token string, logs *syncBuffer) {
	db := dbtest.Open(t, dbtest.SQLite)
	ctx := access.System(context.Background(), "test fixture")
	ag := db.Client.Agency.Create().SetName("A").SetSlug("a").SaveX(ctx)
	adm := db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("admin@a.example").SetPasswordHash("x").SetRole(account.RoleADMIN).SaveX(ctx)
	secret, _ := auth.RandomSecret()
	tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	logs = &syncBuffer{}
	srv := httptest.NewServer(server.Handler(server.Options{
		Resolver: &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0)},
		Tokens:   tokens, Ready: db.Ready, Log: slog.New(slog.NewJSONHandler(logs, nil)), Development: false,
	}))
	t.Cleanup(srv.Close)
	tok, _, _ := tokens.Issue(auth.Viewer{AccountID: adm.ID, AgencyID: ag.ID, Role: auth.RoleAdmin})
	return srv.URL, tok, logs
}

func TestPanicBecomesInternalWithRequestID(t *testing.T) {
	url, token, logs := hygieneServer(t)
	req, _ := http.NewRequest(http.MethodPost, url+"/query", strings.NewReader(`{"query":"{myCallbacksDue{id}}"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	_ = json.Unmarshal(raw, &body)
	rid := resp.Header.Get("X-Request-Id")
	switch {
	case resp.StatusCode >= 500:
		t.Fatalf("HTTP %d", resp.StatusCode)
	case len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != graph.CodeInternal:
		t.Fatalf("want INTERNAL, got %s", raw)
	case body.Errors[0].Extensions["requestId"] != rid || rid == "":
		t.Fatalf("requestId %v, header %q", body.Errors[0].Extensions["requestId"], rid)
	case body.Errors[0].Message != "システムエラーが発生しました。" || strings.Contains(string(raw), "goroutine") || strings.Contains(string(raw), ".go"):
		t.Fatalf("internals leaked: %s", raw)
	case !strings.Contains(logs.String(), rid) || !strings.Contains(logs.String(), "panic"):
		t.Fatalf("the log does not tie the panic to request %s:\n%s", rid, logs.String())
	}
	do(t, url, token, query(`query NamedForTheLog{viewer{email}}`, nil))
	if !strings.Contains(logs.String(), `"operation":"NamedForTheLog"`) {
		t.Fatalf("access log lacks the operation name:\n%s", logs.String())
	}
	// Production: no introspection, no "did you mean" suggestions.
	r := do(t, url, token, query(`{__schema{types{name}}}`, nil))
	if len(r.Errors) == 0 {
		t.Fatal("introspection answered in production mode")
	}
	r = do(t, url, token, query(`{viewr{id}}`, nil))
	if len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "Did you mean") {
		t.Fatalf("suggestion leaked: %v", r.Errors)
	}
}

// FuzzGraphQLHandler feeds arbitrary documents and variables to the handler: it must never panic
// out, never answer 5xx, and every error must carry one of §9's codes (INTERNAL with a request id).
//
//	go test ./internal/server/ -run '^$' -fuzz FuzzGraphQLHandler -fuzztime 2m
func FuzzGraphQLHandler(f *testing.F) {
	url, token, _ := hygieneServer(f)
	for _, seed := range []string{`{viewer{email}}`, `{postings(first:5){edges{node{title billRate}}}}`,
		`mutation{login(input:{email:"a@b.c",password:"x"}){accessToken}}`, `{node(id:"abc"){id}}`, `query($n:Int){postings(first:$n){totalCount}}`,
		`{__typename}`, `{`, `subscription{inquiryAssigned{id}}`, `{a:viewer{id} b:viewer{id}}`} {
		f.Add(seed, `{"n": 3}`, true)
	}
	codes := map[string]bool{graph.CodeUnauthenticated: true, graph.CodeForbidden: true, graph.CodeNotFound: true,
		graph.CodeBadUserInput: true, graph.CodeConflict: true, graph.CodeInvalidTransition: true,
		graph.CodeComplianceViolation: true, graph.CodeRateLimited: true, graph.CodeInternal: true}
	client := &http.Client{}
	f.Fuzz(func(t *testing.T, doc, vars string, signedIn bool) {
		var v any
		if json.Unmarshal([]byte(vars), &v) != nil {
			v = nil
		}
		body, _ := json.Marshal(map[string]any{"query": doc, "variables": v})
		req, _ := http.NewRequest(http.MethodPost, url+"/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if signedIn {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Fatalf("HTTP %d for %q: %s", resp.StatusCode, doc, raw)
		}
		var out struct {
			Errors []struct{ Extensions map[string]any }
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("not JSON for %q: %s", doc, raw)
		}
		for _, e := range out.Errors {
			c, _ := e.Extensions["code"].(string)
			if !codes[c] {
				t.Fatalf("error without a §9 code for %q: %s", doc, raw)
			}
			if c == graph.CodeInternal && e.Extensions["requestId"] == nil {
				t.Fatalf("INTERNAL without request id for %q: %s", doc, raw)
			}
		}
	})
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

var cheap = auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

type env struct {
	url      string
	secret   []byte
	tokens   *auth.Tokens
	admin    auth.Viewer
	otherOrg int // id of a row (agency) in another tenant
}

func newEnv(t *testing.T, kind dbtest.Kind) env { return newEnvWith(t, kind, nil) }

func newEnvWith(t *testing.T, kind dbtest.Kind, limits *graph.RateLimits) env {
	t.Helper()
	db := dbtest.Open(t, kind)
	ctx := access.System(context.Background(), "test fixture")
	hash, _ := auth.HashPasswordWith(cheap, "pw-123456")
	ag := db.Client.Agency.Create().SetName("A").SetSlug("a").SaveX(ctx)
	other := db.Client.Agency.Create().SetName("B").SetSlug("b").SaveX(ctx)
	adm := db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("admin@a.example").SetPasswordHash(hash).
		SetRole(account.RoleADMIN).SaveX(ctx)
	secret, _ := auth.RandomSecret()
	tc := auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"}
	tokens, err := auth.NewHMACTokens(secret, tc)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h := server.Handler(server.Options{
		Resolver: &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0),
			Router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: db.Client}, Limits: limits},
		Tokens:      tokens,
		Ready:       db.Ready,
		Log:         log,
		Development: true,
		Tracing:     true,
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return env{url: srv.URL, secret: secret, tokens: tokens, otherOrg: other.ID,
		admin: auth.Viewer{AccountID: adm.ID, AgencyID: ag.ID, Role: auth.RoleAdmin}}
}

type gqlResponse struct {
	status int
	Data   map[string]any
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

// send POSTs a GraphQL body to url's /query as token's holder (anonymous when empty).
func send(t *testing.T, url, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	// The tests read messages in English; Japanese, the default, is tested in TestJapaneseByDefault.
	req.Header.Set("Accept-Language", "en")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func do(t *testing.T, url, token, body string) gqlResponse {
	t.Helper()
	resp, raw := send(t, url, token, body)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("HTTP %d, body is not GraphQL JSON: %.300s", resp.StatusCode, raw)
	}
	r.status = resp.StatusCode
	for _, leak := range []string{"goroutine", ".go:", "SQL", "sql:", "pq:", "ent:"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Fatalf("response leaks internals (%q): %s", leak, raw)
		}
	}
	return r
}

func query(q string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return string(b)
}

func signed(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestErrorCodes: bad input and bad tokens get a GraphQL error with the right extensions.code, never
// a 500, a stack trace or SQL.
func TestErrorCodes(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newEnv(t, kind)
			good, _, err := e.tokens.Issue(e.admin)
			if err != nil {
				t.Fatal(err)
			}
			past := time.Now().Add(-2 * time.Hour)
			expiredTokens, _ := auth.NewHMACTokens(e.secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api", Now: func() time.Time { return past }})
			expired, _, _ := expiredTokens.Issue(e.admin)
			claims := jwt.MapClaims{
				"iss": "staffcrm", "aud": "staffcrm-api", "sub": strconv.Itoa(e.admin.AccountID),
				"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
				"role": "ADMIN", "agency": e.admin.AgencyID, "tv": 0,
			}
			forged := signed(t, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdefghijklmnop"), claims)
			algNone := signed(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims)
			viewer := query(`{viewer{email role}}`, nil)

			for _, tc := range []struct {
				name, token, body, code, msg string
			}{
				{"missing token", "", viewer, graph.CodeUnauthenticated, "authentication required"},
				{"expired token", expired, viewer, graph.CodeUnauthenticated, "access token expired"},
				{"forged token", forged, viewer, graph.CodeUnauthenticated, "access token invalid"},
				{"alg none token", algNone, viewer, graph.CodeUnauthenticated, "access token invalid"},
				{"garbage token", "abc.def.ghi", viewer, graph.CodeUnauthenticated, "access token invalid"},
				{"anonymous list", "", query(`{postings{totalCount}}`, nil), graph.CodeUnauthenticated, ""},
				{"wrong password", "", query(`mutation{login(input:{email:"admin@a.example",password:"nope"}){accessToken}}`, nil), graph.CodeUnauthenticated, "invalid e-mail or password"},
				{"syntax error", good, `{"query":"{ viewer { email "}`, graph.CodeBadUserInput, ""},
				{"unknown field", good, query(`{viewer{shoeSize}}`, nil), graph.CodeBadUserInput, ""},
				{"wrong variable type", good, query(`query($n:Int){postings(first:$n){totalCount}}`, map[string]any{"n": "many"}), graph.CodeBadUserInput, ""},
				{"missing required input", "", query(`mutation{login(input:{email:"x@y.z"}){accessToken}}`, nil), graph.CodeBadUserInput, ""},
				{"bad enum in where", good, query(`{postings(where:{status:OPENED}){totalCount}}`, nil), graph.CodeBadUserInput, ""},
				{"page too large", good, query(`{postings(first:1000){totalCount}}`, nil), graph.CodeBadUserInput, "first must be between 0 and 100"},
				{"negative page", good, query(`{postings(last:-1){totalCount}}`, nil), graph.CodeBadUserInput, ""},
				{"malformed id", good, query(`{node(id:"abc"){id}}`, nil), graph.CodeBadUserInput, ""},
				{"unknown id", good, query(`{node(id:"999999"){id}}`, nil), graph.CodeNotFound, "not found"},
				{"other tenant's row", good, query(`query($id:ID!){node(id:$id){id}}`, map[string]any{"id": strconv.Itoa(e.otherOrg)}), graph.CodeNotFound, "not found"},
				{"malformed cursor", good, query(`{postings(after:"not-a-cursor"){totalCount}}`, nil), graph.CodeBadUserInput, "invalid cursor"},
				{"bad date literal", good, query(`{postings(where:{startDateGT:"2026-13-45"}){totalCount}}`, nil), graph.CodeBadUserInput, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := do(t, e.url, tc.token, tc.body)
					if r.status >= 500 {
						t.Fatalf("HTTP %d", r.status)
					}
					if len(r.Errors) == 0 {
						t.Fatalf("no error; data=%v", r.Data)
					}
					got := r.Errors[0]
					if got.Extensions["code"] != tc.code {
						t.Fatalf("code = %v (%q), want %s", got.Extensions["code"], got.Message, tc.code)
					}
					if tc.msg != "" && got.Message != tc.msg {
						t.Fatalf("message = %q, want %q", got.Message, tc.msg)
					}
				})
			}

			t.Run("valid token works", func(t *testing.T) {
				r := do(t, e.url, good, viewer)
				if len(r.Errors) > 0 || r.Data["viewer"].(map[string]any)["email"] != "admin@a.example" {
					t.Fatalf("viewer = %+v", r)
				}
			})
			t.Run("login with a stale token still works", func(t *testing.T) {
				r := do(t, e.url, expired, query(`mutation{login(input:{email:"ADMIN@a.example",password:"pw-123456"}){accessToken viewer{role}}}`, nil))
				if len(r.Errors) > 0 {
					t.Fatalf("login: %+v", r.Errors)
				}
			})
			t.Run("non-JSON body", func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodPost, e.url+"/query", strings.NewReader("{{{"))
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					t.Fatalf("HTTP %d", resp.StatusCode)
				}
			})
		})
	}
}

func TestHealth(t *testing.T) {
	e := newEnv(t, dbtest.SQLite)
	for _, path := range []string{"/healthz", "/readyz", "/"} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d", path, resp.StatusCode)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Fatalf("%s: no X-Request-Id", path)
		}
	}
}

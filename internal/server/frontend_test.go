package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/dbtest"
)

// The front-end tests run the clients a front-end team uses (clients/: graphql-http's audit,
// graphql-ws, headless Chromium, graphql-codegen + tsc) against a started server. They need Node
// with clients/node_modules installed (`task clients`) and, for the browser, Chromium; without them
// they skip with a banner, and STAFFCRM_REQUIRE_FRONTEND=1 (set by .ci/run) turns the skip into a
// failure.
func clientsDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "clients")
	missing := func(what string) {
		msg := "SKIPPING FRONT-END TEST: " + what + " (install with `task clients`: Node.js, npm ci in clients/, Chromium)"
		if os.Getenv("STAFFCRM_REQUIRE_FRONTEND") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node is not on PATH")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		missing("clients/node_modules is not installed")
	}
	return dir
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "SKIPPING FRONT-END TEST: Chromium is not installed (apt-get install chromium, or `task clients`)"
	if os.Getenv("STAFFCRM_REQUIRE_FRONTEND") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// node runs a script in clients/ with a deadline and returns its stdout.
func node(t *testing.T, dir string, timeout time.Duration, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if errOut.Len() > 0 {
		t.Logf("%s stderr:\n%s", args[1], errOut.String())
	}
	return out.String(), err
}

// TestGraphQLHTTPAudit: graphql-http's auditServer (the pinned version in clients/package.json)
// against a started server: no errors and no warnings.
func TestGraphQLHTTPAudit(t *testing.T) {
	dir := clientsDir(t)
	s := newWSStack(t, dbtest.SQLite, 0)
	out, err := node(t, dir, 2*time.Minute, nil, "node", "audit.mjs", s.url)
	t.Log(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("audit failed: %v", err)
	}
	if !regexp.MustCompile(`(?m)^audit: \d+ ok, 0 warnings, 0 errors$`).MatchString(out) {
		t.Fatalf("audit summary missing or not clean")
	}
}

type wsCase struct {
	Name           string `json:"name"`
	AccessToken    string `json:"accessToken"`
	RefreshToken   string `json:"refreshToken"`
	StopAfterAckMs int    `json:"stopAfterAckMs,omitempty"`
	WaitMs         int    `json:"waitMs,omitempty"`
}

type wsResult struct {
	Name       string `json:"name"`
	Attempts   int    `json:"attempts"`
	Acks       int    `json:"acks"`
	CloseCodes []int  `json:"closeCodes"`
	Error      *struct {
		CloseCode     int `json:"closeCode"`
		GraphQLErrors []struct {
			Message string `json:"message"`
			Code    string `json:"code"`
		} `json:"graphqlErrors"`
	} `json:"error"`
	TimedOut bool `json:"timedOut"`
}

// TestGraphQLWSClient: the graphql-ws client (pinned) with the README's retry rule
// (clients/subscribe.mjs). No token, a forged token, an expired token and a session whose refresh
// family was revoked each end in close 4403 and the subscription's error callback within 3
// attempts; an expired token with a live refresh token reconnects; a token expiring
// mid-subscription ends it with UNAUTHENTICATED and close 4403.
func TestGraphQLWSClient(t *testing.T) {
	dir := clientsDir(t)
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := newWSStack(t, kind, 0)
			live := loginAs(t, s.url, "coordinator@demo.example")
			revoked := loginAs(t, s.url, "coordinator2@demo.example")
			r := do(t, s.url, revoked.access, query(`mutation($rt:String){logout(input:{refreshToken:$rt}){ok}}`, map[string]any{"rt": revoked.refresh}))
			if len(r.Errors) > 0 {
				t.Fatalf("logout: %v", codesOf(r))
			}
			expired := s.tokenAt(t, live.access, time.Now().Add(-time.Hour))
			// Refused 2-3 s from now: 15 min TTL plus 30 s leeway.
			soon := s.tokenAt(t, live.access, time.Now().Add(3*time.Second).Truncate(time.Second).Add(-15*time.Minute-30*time.Second))
			// The expiring token runs first, before the other cases use up its few seconds.
			cases := []wsCase{
				{Name: "token expires mid-subscription", AccessToken: soon, WaitMs: 10000},
				{Name: "no token"},
				{Name: "forged token", AccessToken: "forged.token.here", RefreshToken: "forged-refresh"},
				{Name: "expired token", AccessToken: expired},
				{Name: "revoked refresh family", AccessToken: revoked.access, RefreshToken: revoked.refresh},
				{Name: "expired token, live refresh", AccessToken: expired, RefreshToken: live.refresh, StopAfterAckMs: 300},
			}
			b, _ := json.Marshal(cases)
			f := filepath.Join(t.TempDir(), "cases.json")
			if err := os.WriteFile(f, b, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := node(t, dir, 2*time.Minute, nil, "node", "ws.mjs", s.url, f)
			if err != nil {
				t.Fatalf("ws.mjs: %v\n%s", err, out)
			}
			results := map[string]wsResult{}
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				t.Log(sc.Text())
				var res wsResult
				if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
					t.Fatalf("%v: %s", err, sc.Text())
				}
				results[res.Name] = res
			}
			for _, name := range []string{"no token", "forged token", "expired token", "revoked refresh family"} {
				res := results[name]
				if res.Error == nil || res.Error.CloseCode != 4403 || res.Acks != 0 || res.Attempts < 1 || res.Attempts > 3 {
					t.Errorf("%s: want error callback with close 4403, no ack, 1-3 attempts; got %+v", name, res)
				}
				for _, c := range res.CloseCodes {
					if c != 4403 {
						t.Errorf("%s: close code %d, want only 4403", name, c)
					}
				}
			}
			if res := results["expired token, live refresh"]; res.Error != nil || res.Acks != 1 || res.Attempts != 2 {
				t.Errorf("expired token with a live refresh token: want a refresh and an ack on attempt 2, got %+v", res)
			}
			mid := results["token expires mid-subscription"]
			if mid.Acks != 1 || mid.Error == nil || len(mid.Error.GraphQLErrors) != 1 || mid.Error.GraphQLErrors[0].Code != "UNAUTHENTICATED" ||
				len(mid.CloseCodes) == 0 || mid.CloseCodes[0] != 4403 || mid.TimedOut {
				t.Errorf("token expiring mid-subscription: want UNAUTHENTICATED then close 4403, got %+v", mid)
			}
		})
	}
}

// TestGraphiQLInBrowser: / in headless Chromium with no network beyond loopback renders GraphiQL
// from the binary, runs { __typename }, signs in from the page's form and runs a signed-in query;
// the page requests nothing outside its own origin and logs no errors (CSP violations included).
func TestGraphiQLInBrowser(t *testing.T) {
	dir := clientsDir(t)
	chromium := chromiumPath(t)
	s := newWSStack(t, dbtest.SQLite, 0)
	out, err := node(t, dir, 2*time.Minute, []string{"CHROMIUM=" + chromium}, "node", "graphiql.mjs", s.url)
	t.Log(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("graphiql.mjs: %v", err)
	}
	var res struct {
		Editor    bool     `json:"editor"`
		Anonymous string   `json:"anonymous"`
		SignedIn  string   `json:"signedIn"`
		Outside   []string `json:"outside"`
		Problems  []string `json:"problems"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Editor || !strings.Contains(res.Anonymous, `"__typename": "Query"`) || !strings.Contains(res.SignedIn, "coordinator@demo.example") ||
		len(res.Outside) > 0 || len(res.Problems) > 0 {
		t.Fatalf("GraphiQL: %+v", res)
	}
}

// TestCodegenTypechecks: the README's graphql-codegen config (clients/codegen.ts, client preset)
// generates from graph/schema.graphql with strictScalars, and tsc --noEmit accepts the example
// query (clients/src/example.ts), whose compile-time checks fail if a scalar comes out as any.
func TestCodegenTypechecks(t *testing.T) {
	dir := clientsDir(t)
	if out, err := node(t, dir, 3*time.Minute, nil, "npx", "--no-install", "graphql-codegen", "--config", "codegen.ts"); err != nil {
		t.Fatalf("graphql-codegen: %v\n%s", err, out)
	}
	gen, err := os.ReadFile(filepath.Join(dir, "src", "gql", "graphql.ts"))
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`\bany\b`).Match(gen) {
		t.Fatal("generated types contain any")
	}
	if out, err := node(t, dir, 3*time.Minute, nil, "npx", "--no-install", "tsc", "--noEmit"); err != nil {
		t.Fatalf("tsc --noEmit: %v\n%s", err, out)
	}
}

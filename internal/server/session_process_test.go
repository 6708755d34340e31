package server_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/session"
)

const (
	helperDBEnv     = "STAFFCRM_SESSION_HELPER_DB"
	helperSecretEnv = "STAFFCRM_SESSION_HELPER_SECRET"
)

// processOn is one server process on the PostgreSQL database at url, as production wires it: its
// own pool and ent client, session state following NOTIFY, response cache on.
func processOn(t testing.TB, url string, secret []byte) (http.Handler, func()) {
	ctx := context.Background()
	db, err := database.Open(ctx, database.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	bus, err := notify.NewPostgres(ctx, db.SQL, url, session.NotifyChannel, log)
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.New(db.Client, tokens, 0)
	fctx, cancel := context.WithCancel(ctx)
	if err := sessions.Follow(fctx, bus); err != nil {
		t.Fatal(err)
	}
	resolver := &graph.Resolver{Client: db.Client, Sessions: sessions,
		Router: routing.NewRouter(db.Client, true, nil), Pipeline: &pipeline.Service{Client: db.Client}}
	return apiHandler(db, resolver, tokens, productionCacheBytes), func() { cancel(); _ = bus.Close(); _ = db.Close() }
}

// TestHelperSessionProcess is not a test: TestSessionEndedAcrossProcesses runs the test binary
// again with it as a second server OS process, which prints its URL and serves until stdin closes.
func TestHelperSessionProcess(t *testing.T) {
	url := os.Getenv(helperDBEnv)
	if url == "" {
		t.Skip("helper process for TestSessionEndedAcrossProcesses")
	}
	secret, _ := hex.DecodeString(os.Getenv(helperSecretEnv))
	h, stop := processOn(t, url, secret)
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("URL=http://%s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
}

// TestSessionEndedAcrossProcesses: on one PostgreSQL database, a session ended through process A
// is refused by process B within 1 s — B in this test binary with its own pool, cache and
// listener, and B as a real second OS process — over HTTP (response cache on, the board read
// just before) and for a subscription streaming on B.
func TestSessionEndedAcrossProcesses(t *testing.T) {
	dbtest.RequirePostgres(t)
	db := dbtest.Open(t, dbtest.Postgres)
	sys := access.System(context.Background(), "test: seed")
	if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
		t.Fatal(err)
	}
	secret, _ := auth.RandomSecret()
	a, stopA := processOn(t, db.URL(), secret)
	t.Cleanup(stopA)
	srvA := httptest.NewServer(a)
	t.Cleanup(srvA.Close)

	b, stopB := processOn(t, db.URL(), secret)
	t.Cleanup(stopB)
	srvB := httptest.NewServer(b)
	t.Cleanup(srvB.Close)

	child := exec.Command(os.Args[0], "-test.run=^TestHelperSessionProcess$", "-test.count=1")
	child.Env = append(os.Environ(), helperDBEnv+"="+db.URL(), helperSecretEnv+"="+hex.EncodeToString(secret))
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stdin.Close(); _ = child.Wait() })
	urlC := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "URL="); ok {
			urlC = u
			break
		}
	}
	if urlC == "" {
		t.Fatal("helper process printed no URL")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	board := query(`{postings(first: 5){edges{node{id title}}}}`, nil)
	for _, tc := range []struct{ name, url, email string }{
		{"in-test process B", srvB.URL, "coordinator@demo.example"},
		{"OS process B", urlC, "coordinator2@demo.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := loginAs(t, srvA.URL, tc.email)
			for range 2 {
				if r := do(t, tc.url, s.access, board); len(r.Errors) > 0 {
					t.Fatalf("board on B before the end: %+v", r.Errors)
				}
			}
			conn := wsDial(t, tc.url, s.access)
			var ack map[string]any
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			if err := conn.ReadJSON(&ack); err != nil || ack["type"] != "connection_ack" {
				t.Fatalf("no ack: %v %v", ack, err)
			}
			if err := conn.WriteJSON(map[string]any{"id": "1", "type": "subscribe",
				"payload": map[string]any{"query": `subscription{inquiryAssigned{id}}`}}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)

			r := do(t, srvA.URL, s.access, query(`mutation($rt:String){logout(input:{refreshToken:$rt}){ok}}`, map[string]any{"rt": s.refresh}))
			if len(r.Errors) > 0 {
				t.Fatalf("logout through A: %+v", r.Errors)
			}
			ended := time.Now()
			if code, _ := closeCode(conn, ended.Add(time.Second)); code != 4403 {
				t.Fatalf("subscription on B: close code %d within 1s, want 4403", code)
			}
			for {
				r := do(t, tc.url, s.access, board)
				if codeOf(r) == "UNAUTHENTICATED" && r.Data["postings"] == nil {
					break
				}
				if time.Since(ended) > time.Second {
					t.Fatalf("B still answers 1s after the logout through A: %v", codesOf(r))
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Logf("refused by B %v after the logout through A", time.Since(ended).Round(time.Millisecond))
		})
	}
}

package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// cutProxy forwards TCP to PostgreSQL and can cut every connection and refuse new ones, as a
// database outage or a network partition would.
type cutProxy struct {
	ln     net.Listener
	target string
	down   atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if p.down.Load() {
				c.Close()
				continue
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() {
	p.down.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) restore() { p.down.Store(false) }

// TestDatabaseOutage cuts the server's connection to PostgreSQL under write load: requests fail fast
// with a coded error instead of hanging, /readyz reports not ready, the server recovers by itself
// when the database is back, and every write it acknowledged is in the database.
func TestDatabaseOutage(t *testing.T) {
	direct := dbtest.ScratchPostgres(t)
	u, _ := url.Parse(direct)
	proxy := newCutProxy(t, u.Host)
	viaProxy := *u
	viaProxy.Host = proxy.ln.Addr().String()
	db, err := database.Open(context.Background(), database.Config{URL: viaProxy.String(), MaxOpenConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	sys := access.System(context.Background(), "test fixture")
	ag := db.Client.Agency.Create().SetName("A").SetSlug("a").SaveX(sys)
	acc := db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("admin@a.example").SetPasswordHash("x").SetRole(account.RoleADMIN).SaveX(sys)
	reg := db.Client.Registrant.Create().SetAgencyID(ag.ID).SetName("G").SetPrefecture("東京都").SaveX(sys)
	secret, _ := auth.RandomSecret()
	tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	token, _, _ := tokens.Issue(auth.Viewer{AccountID: acc.ID, AgencyID: ag.ID, Role: auth.RoleAdmin})
	srv := httptest.NewServer(server.Handler(server.Options{
		Resolver: &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0), Pipeline: &pipeline.Service{Client: db.Client}},
		Tokens:   tokens, Ready: db.Ready, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), RequestTimeout: 5 * time.Second,
	}))
	defer srv.Close()

	var (
		mu      sync.Mutex
		acked   []string
		failed  int
		slowest time.Duration
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				note := fmt.Sprintf("w%d-%d", w, i)
				t0 := time.Now()
				r := do(t, srv.URL, token, query(fmt.Sprintf(`mutation{logContact(input:{registrantId:"%d",channel:PHONE,direction:OUTBOUND,outcome:REACHED,note:"%s"}){contactLog{id}}}`, reg.ID, note), nil))
				d := time.Since(t0)
				mu.Lock()
				slowest = max(slowest, d)
				if len(r.Errors) == 0 {
					acked = append(acked, note)
				} else {
					failed++
					if c := r.Errors[0].Extensions["code"]; c != graph.CodeInternal {
						t.Errorf("outage error code %v", c)
					}
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	ready := func() int {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	time.Sleep(500 * time.Millisecond)
	proxy.cut()
	time.Sleep(200 * time.Millisecond)
	if s := ready(); s != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage: %d", s)
	}
	time.Sleep(1200 * time.Millisecond)
	proxy.restore()
	deadline := time.Now().Add(10 * time.Second)
	for ready() != http.StatusOK && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if s := ready(); s != http.StatusOK {
		t.Fatalf("/readyz after the database came back: %d", s)
	}
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(acked) <= before {
		t.Fatal("no write succeeded after recovery: the server did not recover by itself")
	}
	if failed == 0 {
		t.Fatal("no request failed during the outage: the cut did not happen")
	}
	if slowest > 6*time.Second {
		t.Fatalf("a request hung for %v during the outage", slowest)
	}
	// Every acknowledged write is in the database (read directly, not through the proxy).
	check, err := database.Open(context.Background(), database.Config{URL: direct})
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	stored := map[string]bool{}
	for _, l := range check.Client.ContactLog.Query().Where(contactlog.RegistrantID(reg.ID)).AllX(sys) {
		stored[l.Note] = true
	}
	for _, n := range acked {
		if !stored[n] {
			t.Fatalf("acknowledged write %s is missing", n)
		}
	}
	t.Logf("%d writes acknowledged, %d failed during the outage, slowest request %v", len(acked), failed, slowest)
}

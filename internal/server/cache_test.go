package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/session"
)

// cached is one response as a client sees it, with the cache's verdict.
type cached struct {
	xcache, statements string
	body               []byte
	resp               gqlResponse
}

func fetch(t *testing.T, url, token, q string, vars map[string]any) cached {
	t.Helper()
	resp, body := send(t, url, token, query(q, vars))
	c := cached{xcache: resp.Header.Get("X-Cache"), statements: resp.Header.Get("X-Sql-Statements"), body: body}
	if err := json.Unmarshal(body, &c.resp); err != nil {
		t.Fatalf("HTTP %d: %.300s", resp.StatusCode, body)
	}
	return c
}

func loginAt(t *testing.T, url, email string) string {
	t.Helper()
	r := do(t, url, "", query(fmt.Sprintf(`mutation{login(input:{email:%q,password:"demo-password"}){accessToken}}`, email), nil))
	if len(r.Errors) > 0 {
		t.Fatalf("login %s: %v", email, r.Errors)
	}
	return r.Data["login"].(map[string]any)["accessToken"].(string)
}

const onePosting = `query($id: ID!){postings(first: 1, where:{id: $id}){edges{node{id title}}}}`

func titleOf(t *testing.T, c cached) string {
	t.Helper()
	if len(c.resp.Errors) > 0 {
		t.Fatalf("errors: %v", c.resp.Errors)
	}
	edges := c.resp.Data["postings"].(map[string]any)["edges"].([]any)
	if len(edges) != 1 {
		t.Fatalf("want one posting, got %d", len(edges))
	}
	return edges[0].(map[string]any)["node"].(map[string]any)["title"].(string)
}

// TestResponseCache: repeated queries are answered from the cache with one statement, and no reader
// ever gets a response older than a write that committed before its request — whether the write came
// through the same process, another process (its own cache) or plain SQL. Viewers never share
// entries; responses with errors and audited reads are never stored.
func TestResponseCache(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, productionCacheBytes)
			one := httptest.NewServer(d.handler)
			defer one.Close()
			// A second process on the same database: its own resolver and its own cache.
			other := &graph.Resolver{Client: d.db.Client, Sessions: session.New(d.db.Client, d.tokens, 0)}
			two := httptest.NewServer(apiHandler(d.db, other, d.tokens, productionCacheBytes))
			defer two.Close()
			// Ground truth: the same database without a cache.
			bare := httptest.NewServer(apiHandler(d.db, other, d.tokens, 0))
			defer bare.Close()

			admin, sales, coord, reg := loginAt(t, one.URL, "admin@demo.example"), loginAt(t, one.URL, "sales@demo.example"),
				loginAt(t, one.URL, "coordinator@demo.example"), loginAt(t, one.URL, "registrant@demo.example")
			first := fetch(t, one.URL, admin, `{postings(first: 1, orderBy:{field: CREATED_AT, direction: DESC}){edges{node{id}}}}`, nil)
			id := first.resp.Data["postings"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
			vars := map[string]any{"id": id}

			t.Run("repeats are hits with one statement", func(t *testing.T) {
				a := fetch(t, one.URL, sales, onePosting, vars)
				b := fetch(t, one.URL, sales, onePosting, vars)
				if a.xcache != "miss" || b.xcache != "hit" {
					t.Fatalf("X-Cache %q then %q, want miss then hit", a.xcache, b.xcache)
				}
				if !bytes.Equal(a.body, b.body) || b.statements != "1" {
					t.Fatalf("hit differs from miss or runs %s statements:\n%s\n%s", b.statements, a.body, b.body)
				}
				// Other variables are another entry.
				if c := fetch(t, one.URL, sales, onePosting, map[string]any{"id": "999999"}); c.xcache != "miss" {
					t.Fatalf("other variables: X-Cache %q, want miss", c.xcache)
				}
			})

			update := func(url, title string) {
				t.Helper()
				r := do(t, url, admin, query(`mutation($id: ID!, $t: String!){updatePosting(input:{id: $id, set:{title: $t}}){posting{id}}}`,
					map[string]any{"id": id, "t": title}))
				if len(r.Errors) > 0 {
					t.Fatalf("update: %v", r.Errors)
				}
			}
			for _, w := range []struct {
				name  string
				write func(title string)
			}{
				{"write through the same process", func(title string) { update(one.URL, title) }},
				{"write through another process", func(title string) { update(two.URL, title) }},
				{"write in plain SQL", func(title string) {
					q := `UPDATE postings SET title = $1 WHERE id = $2`
					if kind == dbtest.SQLite {
						q = `UPDATE postings SET title = ? WHERE id = ?`
					}
					if _, err := d.db.SQL.ExecContext(context.Background(), q, title, atoi(id)); err != nil {
						t.Fatal(err)
					}
				}},
			} {
				t.Run(w.name, func(t *testing.T) {
					for _, url := range []string{one.URL, two.URL} { // warm both caches
						fetch(t, url, sales, onePosting, vars)
						if c := fetch(t, url, sales, onePosting, vars); c.xcache != "hit" {
							t.Fatalf("warm-up: X-Cache %q", c.xcache)
						}
					}
					want := "cache check " + w.name
					w.write(want)
					for _, url := range []string{one.URL, two.URL} {
						if got := titleOf(t, fetch(t, url, sales, onePosting, vars)); got != want {
							t.Fatalf("%s after the write: title %q, want %q (stale cache)", url, got, want)
						}
					}
				})
			}

			t.Run("a write in another agency leaves entries served", func(t *testing.T) {
				direct := loginAt(t, one.URL, "admin@direct.example")
				theirs := fetch(t, one.URL, direct, `{postings(first: 1, orderBy:{field: CREATED_AT, direction: DESC}){edges{node{id title}}}}`, nil)
				theirID := theirs.resp.Data["postings"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
				theirVars := map[string]any{"id": theirID}
				for _, url := range []string{one.URL, two.URL} {
					fetch(t, url, sales, onePosting, vars)
					fetch(t, url, direct, onePosting, theirVars)
				}
				r := do(t, two.URL, direct, query(`mutation($id: ID!, $t: String!){updatePosting(input:{id: $id, set:{title: $t}}){posting{id}}}`,
					map[string]any{"id": theirID, "t": "direct's own change"}))
				if len(r.Errors) > 0 {
					t.Fatalf("update: %v", r.Errors)
				}
				for _, url := range []string{one.URL, two.URL} {
					if c := fetch(t, url, sales, onePosting, vars); c.xcache != "hit" {
						t.Errorf("%s: agency demo's entry after a write in agency direct: X-Cache %q, want hit", url, c.xcache)
					}
					if got := titleOf(t, fetch(t, url, direct, onePosting, theirVars)); got != "direct's own change" {
						t.Errorf("%s: agency direct's own entry after its write: title %q (stale)", url, got)
					}
				}
			})

			t.Run("viewers never share entries", func(t *testing.T) {
				// Sales reps see only the registrants they work with; coordinators and admins see all;
				// registrants see the feed with what was introduced to them.
				for _, q := range []struct{ token, q string }{
					{admin, `{registrants(first: 50){edges{node{id name}}}}`},
					{sales, `{registrants(first: 50){edges{node{id name}}}}`},
					{coord, `{registrants(first: 50){edges{node{id name}}}}`},
					{reg, `{publicPostings(first: 50){edges{node{id title introduced clientName}}}}`},
					{admin, `{publicPostings(first: 50){edges{node{id title introduced clientName}}}}`},
				} {
					truth := fetch(t, bare.URL, q.token, q.q, nil)
					for i := range 2 {
						got := fetch(t, one.URL, q.token, q.q, nil)
						if !bytes.Equal(got.body, truth.body) {
							t.Fatalf("%s (request %d, X-Cache %s) differs from the uncached answer:\n%s\n%s", q.q, i, got.xcache, got.body, truth.body)
						}
					}
				}
				a := fetch(t, one.URL, admin, `{registrants(first: 50){edges{node{id name}}}}`, nil)
				s := fetch(t, one.URL, sales, `{registrants(first: 50){edges{node{id name}}}}`, nil)
				if bytes.Equal(a.body, s.body) {
					t.Fatal("admin and sales rep see the same registrants: the check proves nothing")
				}
			})

			t.Run("errors are not stored", func(t *testing.T) {
				for range 2 { // registrants may not read the staff posting type
					c := fetch(t, one.URL, reg, onePosting, vars)
					if len(c.resp.Errors) == 0 || c.xcache != "miss" {
						t.Fatalf("X-Cache %q, errors %v: want an error answered fresh every time", c.xcache, c.resp.Errors)
					}
				}
			})

			t.Run("audited reads are never cached", func(t *testing.T) {
				audits := func() int {
					var n int
					if err := d.db.SQL.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
						t.Fatal(err)
					}
					return n
				}
				q := `query($id: ID!){postings(first: 1, where:{id: $id}){edges{node{id billRate}}}}`
				for range 2 {
					before := audits()
					c := fetch(t, one.URL, admin, q, vars)
					if c.xcache != "" || len(c.resp.Errors) > 0 {
						t.Fatalf("X-Cache %q, errors %v: want a fresh answer", c.xcache, c.resp.Errors)
					}
					if audits() <= before {
						t.Fatal("an audited read wrote no audit event")
					}
				}
			})

			t.Run("compressed and plain", func(t *testing.T) {
				q := `{publicPostings(first: 50){edges{node{id title description}}}}`
				fetch(t, one.URL, reg, q, nil)
				for _, enc := range []string{"gzip", "identity"} {
					req, _ := http.NewRequest(http.MethodPost, one.URL+"/query", strings.NewReader(query(q, nil)))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+reg)
					req.Header.Set("Accept-Encoding", enc)
					req.Header.Set("Accept-Language", "en") // as fetch: the cache keys on the language
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.Header.Get("X-Cache") != "hit" || (resp.Header.Get("Content-Encoding") == "gzip") != (enc == "gzip") {
						t.Fatalf("%s: X-Cache %q, Content-Encoding %q", enc, resp.Header.Get("X-Cache"), resp.Header.Get("Content-Encoding"))
					}
					if enc == "identity" && !json.Valid(body) {
						t.Fatalf("plain body is not JSON: %.100s", body)
					}
				}
			})

			t.Run("concurrent readers never see a write older than their request", func(t *testing.T) {
				var committed atomic.Int64
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var stale, reads atomic.Int64
				for g := range 16 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						url := []string{one.URL, two.URL}[g%2]
						for {
							select {
							case <-stop:
								return
							default:
							}
							floor := committed.Load()
							got := titleOf(t, fetch(t, url, sales, onePosting, vars))
							var n int64
							if _, err := fmt.Sscanf(got, "round %d", &n); err != nil {
								n = 0
							}
							reads.Add(1)
							if n < floor {
								stale.Add(1)
								t.Errorf("read title %q after round %d had committed", got, floor)
							}
						}
					}()
				}
				for i := int64(1); i <= 20; i++ {
					update([]string{one.URL, two.URL}[i%2], fmt.Sprintf("round %d", i))
					committed.Store(i)
				}
				close(stop)
				wg.Wait()
				if reads.Load() < 40 {
					t.Fatalf("only %d reads ran alongside the writes", reads.Load())
				}
				t.Logf("%d reads alongside 20 writes, %d stale", reads.Load(), stale.Load())
			})
		})
	}
}

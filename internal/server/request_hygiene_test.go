package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/server"
)

// productionDemo is the seeded demo in production mode (no introspection), logging to a buffer.
func productionDemo(t *testing.T, kind dbtest.Kind) (srvURL string, logs *syncBuffer) {
	t.Helper()
	d := demoStack(t, kind, 0)
	logs = &syncBuffer{}
	srv := httptest.NewServer(server.Handler(server.Options{Resolver: d.resolver, Tokens: d.tokens, Ready: d.db.Ready,
		Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}))
	t.Cleanup(srv.Close)
	return srv.URL, logs
}

type rawAnswer struct {
	status int
	body   string
	codes  []string
}

func rawRequest(t *testing.T, method, u, contentType, token, body string) rawAnswer {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := rawAnswer{status: resp.StatusCode, body: string(raw)}
	var out struct {
		Errors []struct{ Extensions map[string]any }
	}
	_ = json.Unmarshal(raw, &out)
	for _, e := range out.Errors {
		c, _ := e.Extensions["code"].(string)
		a.codes = append(a.codes, c)
	}
	return a
}

// TestRequestHygiene: the probe's error-hygiene findings (issue 13). Every problem of the caller's
// making is a coded answer with the right status, and none is an INTERNAL or an ERROR log line.
func TestRequestHygiene(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			base, logs := productionDemo(t, kind)
			admin := loginAt(t, base, "admin@demo.example")
			q := base + "/query"
			ids := do(t, base, admin, query(`{postings(first:2){edges{node{id}}}}`, nil))
			var postingIDs []any
			for _, e := range ids.Data["postings"].(map[string]any)["edges"].([]any) {
				postingIDs = append(postingIDs, e.(map[string]any)["node"].(map[string]any)["id"])
			}
			js := "application/json"
			for _, tc := range []struct {
				name, method, url, contentType, token, body string
				status                                      int
				code                                        string
			}{
				{"audited field through nodes", "POST", q, js, admin, query(`query($ids:[ID!]!){nodes(ids:$ids){id ... on Posting{billRate}}}`, map[string]any{"ids": postingIDs}), 200, ""},
				{"introspection in production", "POST", q, js, admin, query(`{__schema{types{name}}}`, nil), 200, graph.CodeForbidden},
				{"type introspection in production", "POST", q, js, "", query(`{__type(name:"Posting"){fields{name}}}`, nil), 200, graph.CodeForbidden},
				{"malformed JSON", "POST", q, js, "", `{"query": "{viewer{id}}"`, 400, graph.CodeBadUserInput},
				{"empty body", "POST", q, js, "", ``, 400, graph.CodeBadUserInput},
				{"array batch", "POST", q, js, "", `[{"query":"{__typename}"},{"query":"{__typename}"}]`, 400, graph.CodeBadUserInput},
				{"non-string query", "POST", q, js, "", `{"query": 42}`, 400, graph.CodeBadUserInput},
				{"non-object variables", "POST", q, js, "", `{"query": "{__typename}", "variables": [1]}`, 400, graph.CodeBadUserInput},
				{"no query", "POST", q, js, "", `{"variables": {}}`, 400, graph.CodeBadUserInput},
				{"text/plain", "POST", q, "text/plain", "", `{__typename}`, 415, graph.CodeBadUserInput},
				{"form", "POST", q, "application/x-www-form-urlencoded", "", `query=%7B__typename%7D`, 415, graph.CodeBadUserInput},
				{"anonymous multipart", "POST", q, "multipart/form-data; boundary=x", "", "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{}\r\n--x--\r\n", 401, graph.CodeUnauthenticated},
				{"multipart without map", "POST", q, "multipart/form-data; boundary=x", admin, "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{}\r\n--x--\r\n", 400, graph.CodeBadUserInput},
				{"multipart not multipart", "POST", q, "multipart/form-data; boundary=x", admin, "garbage", 400, graph.CodeBadUserInput},
				{"PUT", "PUT", q, js, "", query(`{__typename}`, nil), 405, graph.CodeBadUserInput},
				{"NUL in a variable", "POST", q, js, "", query(`mutation($e:String!){login(input:{email:$e,password:"x"}){accessToken}}`, map[string]any{"e": "a\x00@b.example"}), 200, graph.CodeBadUserInput},
				{"NUL in a literal", "POST", q, js, "", query("mutation{login(input:{email:\"a\\u0000@b.example\",password:\"x\"}){accessToken}}", nil), 200, graph.CodeBadUserInput},
				{"NUL in a staff write", "POST", q, js, admin, query(`mutation($id:ID!,$t:String!){updatePosting(input:{id:$id,set:{title:$t}}){posting{id}}}`, map[string]any{"id": postingIDs[0], "t": "Night\x00shift"}), 200, graph.CodeBadUserInput},
				{"invalid UTF-8 over GET", "GET", q + "?query=" + url.QueryEscape("{publicPostings(first:1,where:{titleContains:\"\xff\xfe\"}){totalCount}}"), "", "", "", 200, graph.CodeBadUserInput},
			} {
				before := len(logs.String())
				a := rawRequest(t, tc.method, tc.url, tc.contentType, tc.token, tc.body)
				switch {
				case tc.code == "" && (a.status != tc.status || len(a.codes) > 0):
					t.Errorf("%s: HTTP %d %v, want success: %.300s", tc.name, a.status, a.codes, a.body)
				case tc.code != "" && (a.status != tc.status || len(a.codes) == 0 || a.codes[0] != tc.code):
					t.Errorf("%s: HTTP %d %v, want %d %s: %.300s", tc.name, a.status, a.codes, tc.status, tc.code, a.body)
				}
				if added := logs.String()[before:]; strings.Contains(added, `"level":"ERROR"`) || strings.Contains(added, `"level":"WARN"`) {
					t.Errorf("%s: logged above INFO: %.400s", tc.name, added)
				}
			}
		})
	}
}

// TestChunkedBodyOverTheCap: a body without a declared length that runs past the cap answers 413,
// with the response cache reading it first (it hands the executor what it read and the rest).
func TestChunkedBodyOverTheCap(t *testing.T) {
	d := demoStack(t, dbtest.SQLite, productionCacheBytes)
	srv := httptest.NewServer(d.handler)
	t.Cleanup(srv.Close)
	token := loginAt(t, srv.URL, "admin@demo.example")
	body := `{"query":"{viewer{id}}","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", io.MultiReader(strings.NewReader(body))) // no length: chunked
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked 2 MiB body: HTTP %d, want 413", resp.StatusCode)
	}
}

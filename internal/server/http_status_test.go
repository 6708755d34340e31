package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/example/staffcrm/internal/dbtest"
)

// TestGraphQLOverHTTPStatus: request errors (parse, validation, variable coercion) are 200 under
// application/json and 400 without a data member under application/graphql-response+json; the
// Content-Type echoes the accepted type; extensions.code is the same under both.
func TestGraphQLOverHTTPStatus(t *testing.T) {
	d := demoStack(t, dbtest.SQLite, 0)
	srv := httptest.NewServer(d.handler)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, body, code string
	}{
		{"parse error", `{"query":"{"}`, "BAD_USER_INPUT"},
		{"validation error", `{"query":"{ noSuchField }"}`, "BAD_USER_INPUT"},
		{"variable coercion", `{"query":"query($n:Int!){ postings(first:$n){ totalCount } }","variables":{"n":"x"}}`, "BAD_USER_INPUT"},
	}
	post := func(t *testing.T, accept, body string) (int, string, map[string]json.RawMessage) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, resp.Header.Get("Content-Type"), m
	}
	for _, c := range cases {
		for _, media := range []struct {
			accept, ctype string
			status        int
		}{
			{"", "application/json", 200},
			{"application/json", "application/json", 200},
			{"application/graphql-response+json", "application/graphql-response+json", 400},
			{"application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json", 400},
		} {
			t.Run(c.name+"/"+media.accept, func(t *testing.T) {
				status, ctype, m := post(t, media.accept, c.body)
				if status != media.status || !strings.HasPrefix(ctype, media.ctype) {
					t.Fatalf("status %d %q, want %d %q", status, ctype, media.status, media.ctype)
				}
				if _, has := m["data"]; has {
					t.Fatalf("a request error carries data: %s", m["data"])
				}
				var errs []struct {
					Extensions map[string]any `json:"extensions"`
				}
				if json.Unmarshal(m["errors"], &errs) != nil || len(errs) == 0 || errs[0].Extensions["code"] != c.code {
					t.Fatalf("errors %s, want code %s", m["errors"], c.code)
				}
			})
		}
	}
	t.Run("no query", func(t *testing.T) {
		for _, accept := range []string{"application/json", "application/graphql-response+json"} {
			if status, _, _ := post(t, accept, `{"variables":{}}`); status != 400 {
				t.Fatalf("%s: status %d, want 400", accept, status)
			}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/query", nil)
			req.Header.Set("Accept", accept)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Fatalf("GET without query, %s: status %d, want 400", accept, resp.StatusCode)
			}
		}
	})
	t.Run("GET mutation", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/query?query=" + url.QueryEscape(`mutation{logout(input:{}){ok}}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
			t.Fatalf("status %d Allow %q, want 405 POST", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
	t.Run("success echoes the accepted type", func(t *testing.T) {
		status, ctype, m := post(t, "application/graphql-response+json", `{"query":"{ __typename }"}`)
		if status != 200 || !strings.HasPrefix(ctype, "application/graphql-response+json") || string(m["data"]) != `{"__typename":"Query"}` {
			t.Fatalf("status %d %q %s", status, ctype, m["data"])
		}
	})
}

// TestScalarsSpecified: every custom scalar says in introspection what it holds and where its
// format is specified, so client generators can map it to a type.
func TestScalarsSpecified(t *testing.T) {
	s := newWSStack(t, dbtest.SQLite, 0) // development: introspection on
	r := do(t, s.url, "", query(`{__schema{types{name kind description specifiedByURL}}}`, nil))
	if len(r.Errors) > 0 {
		t.Fatal(codesOf(r))
	}
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	want := map[string]string{"Time": "rfc3339", "Date": "iso-8601", "Cursor": "relay.dev"}
	seen := 0
	for _, ty := range r.Data["__schema"].(map[string]any)["types"].([]any) {
		m := ty.(map[string]any)
		name, _ := m["name"].(string)
		if m["kind"] != "SCALAR" || builtin[name] {
			continue
		}
		url, _ := m["specifiedByURL"].(string)
		desc, _ := m["description"].(string)
		if desc == "" || url == "" || (want[name] != "" && !strings.Contains(url, want[name])) {
			t.Errorf("scalar %s: description %q, specifiedByURL %q", name, desc, url)
		}
		seen++
	}
	if seen < len(want) {
		t.Fatalf("%d custom scalars seen, want at least %d", seen, len(want))
	}
}

package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/persisted"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// The documents a front-end build registered, as graphql-codegen's client preset prints them.
const (
	pdLogin    = "mutation Login($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { accessToken } }"
	pdViewer   = "query Viewer { viewer { email role } }"
	pdAsk      = "mutation Ask($message: String!) { createInquiry(input: {kind: GENERAL, message: $message}) { myInquiry { id status } } }"
	pdMine     = "subscription Mine { myInquiryUpdated { id status } }"
	pdUnlisted = "query Unlisted { viewer { email } }"
)

func docID(doc string) string { return "sha256:" + persisted.Hash(doc) }

func apqExt(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

// persistedStack is two handlers over one database and resolver: one running only a manifest's
// documents (TRUSTED_DOCUMENTS), one running any document (APQ for ids).
type persistedStack struct{ trusted, open string }

// manifestOf is the manifest graphql-codegen would write for docs.
func manifestOf(t *testing.T, docs ...string) *persisted.Manifest {
	t.Helper()
	entries := map[string]string{}
	for _, d := range docs {
		entries[docID(d)] = d
	}
	b, _ := json.Marshal(entries)
	m, err := persisted.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newPersistedStack(t *testing.T, manifest *persisted.Manifest) persistedStack {
	t.Helper()
	db := dbtest.Open(t, dbtest.SQLite)
	sys := access.System(context.Background(), "test: seed")
	if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
		t.Fatal(err)
	}
	secret, _ := auth.RandomSecret()
	tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	bus := notify.NewLocal()
	resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0), Bus: bus,
		Router:   routing.NewRouter(db.Client, false, routing.BusEvents{Client: db.Client, Bus: bus, Log: log}),
		Pipeline: &pipeline.Service{Client: db.Client}}
	start := func(m *persisted.Manifest) string {
		srv := httptest.NewServer(server.Handler(server.Options{Resolver: resolver, Tokens: tokens, Ready: db.Ready, Log: log,
			Development: true, TrustedDocuments: m}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	return persistedStack{trusted: start(manifest), open: start(nil)}
}

// pdRequest is one GraphQL-over-HTTP request; GET puts the members in the URL.
type pdRequest struct {
	method     string
	query      string
	documentID string
	variables  map[string]any
	extensions map[string]any
	accept     string // "" = application/json
	language   string // Accept-Language; "" = en
}

func (r pdRequest) send(t *testing.T, base, token string) gqlResponse {
	t.Helper()
	members := map[string]any{}
	if r.query != "" {
		members["query"] = r.query
	}
	if r.documentID != "" {
		members["documentId"] = r.documentID
	}
	if r.variables != nil {
		members["variables"] = r.variables
	}
	if r.extensions != nil {
		members["extensions"] = r.extensions
	}
	var req *http.Request
	if r.method == http.MethodGet {
		q := url.Values{}
		for k, v := range members {
			if s, ok := v.(string); ok {
				q.Set(k, s)
			} else {
				b, _ := json.Marshal(v)
				q.Set(k, string(b))
			}
		}
		req, _ = http.NewRequest(http.MethodGet, base+"/query?"+q.Encode(), nil)
	} else {
		b, _ := json.Marshal(members)
		req, _ = http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", map[bool]string{true: "application/json", false: r.accept}[r.accept == ""])
	req.Header.Set("Accept-Language", map[bool]string{true: "en", false: r.language}[r.language == ""])
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var g gqlResponse
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("HTTP %d, not GraphQL JSON: %.300s", resp.StatusCode, raw)
	}
	g.status = resp.StatusCode
	return g
}

func pdLoginAs(t *testing.T, base, email string) string {
	t.Helper()
	r := pdRequest{documentID: docID(pdLogin), variables: map[string]any{"email": email, "password": seed.DemoPassword}}.send(t, base, "")
	tok, _ := r.Data["login"].(map[string]any)["accessToken"].(string)
	if tok == "" {
		t.Fatalf("login by id: %+v", r)
	}
	return tok
}

// TestTrustedDocuments: with TRUSTED_DOCUMENTS, a listed document runs when named by its id —
// Apollo's extensions.persistedQuery.sha256Hash or the appendix's documentId, POST or GET — and
// everything else is refused before parsing with a coded error: an unknown id
// PERSISTED_QUERY_NOT_IN_LIST, query text PERSISTED_QUERY_ID_REQUIRED (even text byte-identical to
// a listed document, and an APQ registration, so nothing can be added). Mutations by GET stay 405;
// under application/graphql-response+json refusals are 400; Japanese readers get a sentence.
func TestTrustedDocuments(t *testing.T) {
	s := newPersistedStack(t, manifestOf(t, pdLogin, pdViewer, pdAsk, pdMine))
	token := pdLoginAs(t, s.trusted, "coordinator@demo.example")
	viewerHash := persisted.Hash(pdViewer)
	for _, tc := range []struct {
		name   string
		req    pdRequest
		status int
		code   string // "" = runs and answers viewer.email
		detail bool   // the message is Japanese, the English in extensions.detail
	}{
		{"listed, APQ hash, POST", pdRequest{extensions: apqExt(viewerHash)}, 200, "", false},
		{"listed, documentId, POST", pdRequest{documentID: docID(pdViewer)}, 200, "", false},
		{"listed, APQ hash, GET", pdRequest{method: http.MethodGet, extensions: apqExt(viewerHash)}, 200, "", false},
		{"listed, documentId, GET", pdRequest{method: http.MethodGet, documentID: docID(pdViewer)}, 200, "", false},
		{"listed, APQ hash with the sha256: prefix (urql, Apollo with codegen's ids)", pdRequest{extensions: apqExt("sha256:" + viewerHash)}, 200, "", false},
		{"listed, documentId and the same APQ hash", pdRequest{documentID: docID(pdViewer), extensions: apqExt(viewerHash)}, 200, "", false},
		{"unknown APQ hash", pdRequest{extensions: apqExt(persisted.Hash(pdUnlisted))}, 200, persisted.CodeNotInList, false},
		{"unknown documentId", pdRequest{documentID: docID(pdUnlisted)}, 200, persisted.CodeNotInList, false},
		{"unknown documentId, GET", pdRequest{method: http.MethodGet, documentID: docID(pdUnlisted)}, 200, persisted.CodeNotInList, false},
		{"unknown id, graphql-response+json", pdRequest{documentID: docID(pdUnlisted), accept: "application/graphql-response+json"}, 400, persisted.CodeNotInList, false},
		{"custom (non-sha256) documentId", pdRequest{documentID: "x-build:42"}, 200, persisted.CodeNotInList, false},
		{"free-form query", pdRequest{query: pdUnlisted}, 200, persisted.CodeIDRequired, false},
		{"free-form query, GET", pdRequest{method: http.MethodGet, query: pdUnlisted}, 200, persisted.CodeIDRequired, false},
		{"listed text, byte-identical", pdRequest{query: pdViewer}, 200, persisted.CodeIDRequired, false},
		{"listed text with its hash", pdRequest{query: pdViewer, extensions: apqExt(viewerHash)}, 200, persisted.CodeIDRequired, false},
		{"APQ registration of a new document", pdRequest{query: pdUnlisted, extensions: apqExt(persisted.Hash(pdUnlisted))}, 200, persisted.CodeIDRequired, false},
		{"its hash after the registration attempt", pdRequest{extensions: apqExt(persisted.Hash(pdUnlisted))}, 200, persisted.CodeNotInList, false},
		{"introspection as text", pdRequest{query: "{ __schema { types { name } } }"}, 200, persisted.CodeIDRequired, false},
		{"unsupported APQ version", pdRequest{extensions: map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": viewerHash}}}, 200, graph.CodeBadUserInput, false},
		{"Japanese by default: unknown id", pdRequest{documentID: docID(pdUnlisted), language: "ja"}, 200, persisted.CodeNotInList, true},
		{"Japanese by default: free-form", pdRequest{query: pdUnlisted, language: "ja"}, 200, persisted.CodeIDRequired, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.req.send(t, s.trusted, token)
			if r.status != tc.status {
				t.Fatalf("HTTP %d, want %d: %+v", r.status, tc.status, r)
			}
			if tc.code == "" {
				if len(r.Errors) > 0 || r.Data["viewer"].(map[string]any)["email"] != "coordinator@demo.example" {
					t.Fatalf("listed document did not run: %+v", r)
				}
				return
			}
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != tc.code || r.Data != nil {
				t.Fatalf("want one error %s and no data, got %+v", tc.code, r)
			}
			if _, ja := r.Errors[0].Extensions["detail"]; ja != tc.detail {
				t.Fatalf("detail present = %v, want %v: %+v", ja, tc.detail, r.Errors[0])
			}
			if r.Errors[0].Message == "PersistedQueryNotFound" {
				t.Fatal("an allow-list refusal must not read PersistedQueryNotFound: Apollo's link would retry with the query")
			}
		})
	}

	t.Run("mutation by GET is 405", func(t *testing.T) {
		r := pdRequest{method: http.MethodGet, documentID: docID(pdLogin),
			variables: map[string]any{"email": "coordinator@demo.example", "password": seed.DemoPassword}}.send(t, s.trusted, "")
		if r.status != http.StatusMethodNotAllowed || r.Data != nil {
			t.Fatalf("want 405, got %+v", r)
		}
	})

	t.Run("GraphiQL is not served", func(t *testing.T) {
		for base, want := range map[string]int{s.trusted: http.StatusNotFound, s.open: http.StatusOK} {
			resp, err := http.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("GET / on %s: %d, want %d", base, resp.StatusCode, want)
			}
		}
	})
}

// TestAPQWithoutTrustedDocuments: without TRUSTED_DOCUMENTS (the default, development) ids are
// Apollo's automatic persisted queries: an unknown hash answers PERSISTED_QUERY_NOT_FOUND with the
// message PersistedQueryNotFound (the signal Apollo's clients retry on with the query), the query
// with its hash registers it, and then the hash alone (or the documentId) runs it. A hash that is
// not the query's SHA-256 is refused BAD_USER_INPUT and registers nothing; free-form text runs.
func TestAPQWithoutTrustedDocuments(t *testing.T) {
	s := newPersistedStack(t, manifestOf(t, pdLogin))
	token := loginAs(t, s.open, "coordinator@demo.example").access
	h := persisted.Hash(pdUnlisted)
	for _, tc := range []struct {
		name string
		req  pdRequest
		code string // "" = runs
	}{
		{"unknown hash", pdRequest{extensions: apqExt(h)}, persisted.CodeNotFound},
		{"unknown hash, Japanese reader", pdRequest{extensions: apqExt(h), language: "ja"}, persisted.CodeNotFound},
		{"hash mismatch", pdRequest{query: pdUnlisted, extensions: apqExt(persisted.Hash(pdViewer))}, graph.CodeBadUserInput},
		{"mismatched hash was not registered", pdRequest{extensions: apqExt(persisted.Hash(pdViewer))}, persisted.CodeNotFound},
		{"documentId not matching its query", pdRequest{query: pdUnlisted, documentID: docID(pdViewer)}, graph.CodeBadUserInput},
		{"register: query and hash", pdRequest{query: pdUnlisted, extensions: apqExt(h)}, ""},
		{"hash alone after registration", pdRequest{extensions: apqExt(h)}, ""},
		{"hash alone by GET", pdRequest{method: http.MethodGet, extensions: apqExt(h)}, ""},
		{"documentId after registration", pdRequest{documentID: "sha256:" + h}, ""},
		{"free-form query", pdRequest{query: pdUnlisted}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.req.send(t, s.open, token)
			if tc.code == "" {
				if len(r.Errors) > 0 || r.Data["viewer"].(map[string]any)["email"] != "coordinator@demo.example" {
					t.Fatalf("did not run: %+v", r)
				}
				return
			}
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != tc.code || r.Data != nil {
				t.Fatalf("want one error %s and no data, got %+v", tc.code, r)
			}
			if tc.code == persisted.CodeNotFound && r.Errors[0].Message != "PersistedQueryNotFound" {
				t.Fatalf("message %q: Apollo's clients match PersistedQueryNotFound", r.Errors[0].Message)
			}
		})
	}
}

// TestTrustedDocumentsOverWebsocket: graphql-ws subscribe messages follow the same rules — an
// unknown id and query text are the operation's error message with the code (the connection stays
// up), and a listed subscription named by id streams: her inquiry, created by id over HTTP,
// reaches her.
func TestTrustedDocumentsOverWebsocket(t *testing.T) {
	s := newPersistedStack(t, manifestOf(t, pdLogin, pdViewer, pdAsk, pdMine))
	token := pdLoginAs(t, s.trusted, "registrant@demo.example")
	c, err := dialWS(t, s.trusted, token)
	if err != nil {
		t.Fatal(err)
	}
	subscribe := func(id string, payload map[string]any) {
		t.Helper()
		if err := c.conn.WriteJSON(map[string]any{"id": id, "type": "subscribe", "payload": payload}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		payload map[string]any
		code    string
	}{
		{"unknown documentId", map[string]any{"documentId": docID("subscription Other { myInquiryUpdated { id } }")}, persisted.CodeNotInList},
		{"unknown APQ hash", map[string]any{"extensions": apqExt(persisted.Hash("subscription Other { myInquiryUpdated { id } }"))}, persisted.CodeNotInList},
		{"free-form subscription", map[string]any{"query": "subscription { myInquiryUpdated { id } }"}, persisted.CodeIDRequired},
		{"listed text, byte-identical", map[string]any{"query": pdMine}, persisted.CodeIDRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subscribe(tc.name, tc.payload)
			m, err := c.read(5 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			errs, _ := m["payload"].([]any)
			if m["type"] != "error" || m["id"] != tc.name || len(errs) != 1 ||
				errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != tc.code {
				t.Fatalf("want an error message with %s, got %v", tc.code, m)
			}
		})
	}

	t.Run("listed subscription by id streams", func(t *testing.T) {
		subscribe("mine", map[string]any{"documentId": docID(pdMine)})
		time.Sleep(100 * time.Millisecond) // let it register before the event
		r := pdRequest{documentID: docID(pdAsk), variables: map[string]any{"message": "by id?"}}.send(t, s.trusted, token)
		if len(r.Errors) > 0 {
			t.Fatalf("createInquiry by id: %+v", r)
		}
		id := r.Data["createInquiry"].(map[string]any)["myInquiry"].(map[string]any)["id"]
		m, err := c.read(5 * time.Second)
		if err != nil {
			t.Fatalf("no event: %v", err)
		}
		data, _ := m["payload"].(map[string]any)["data"].(map[string]any)
		if m["type"] != "next" || m["id"] != "mine" || data["myInquiryUpdated"].(map[string]any)["id"] != id {
			t.Fatalf("want her inquiry %v, got %v", id, m)
		}
	})
}

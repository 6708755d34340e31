package persisted_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/example/staffcrm/internal/lang"
	"github.com/example/staffcrm/internal/persisted"
)

const ping = "query Ping { __typename }"

func manifest(t *testing.T, entries map[string]string) []byte {
	t.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHash: the spec's example (GraphQL-over-HTTP, Appendix A): ids are the SHA-256 of the exact text.
func TestHash(t *testing.T) {
	doc := "query ($id: ID!) {\n  user(id: $id) {\n    name\n  }\n}"
	if got := persisted.Hash(doc); got != "7dba4bd717b41f10434822356a93c32b1fb4907b983e854300ad839f84cdcd6e" {
		t.Fatalf("Hash = %s", got)
	}
}

// TestParse: a manifest is read in both key forms the client preset has written; an id that is not
// its document's SHA-256, not a SHA-256 id, a document that does not parse, an empty manifest and
// anything but a JSON object of strings are refused, naming the entry.
func TestParse(t *testing.T) {
	h := persisted.Hash(ping)
	for _, tc := range []struct {
		name string
		data []byte
		want string // "" = accepted
	}{
		{"sha256: prefix (client preset 5+)", manifest(t, map[string]string{"sha256:" + h: ping}), ""},
		{"bare hex (older presets, APQ)", manifest(t, map[string]string{h: ping}), ""},
		{"document edited after generation", manifest(t, map[string]string{"sha256:" + h: ping + " "}), "edited after generation"},
		{"sha1 id", manifest(t, map[string]string{"7e6b4ff3b9d6d1a1ee5e3e6f8c07da40a94d3b6b": ping}), "not a SHA-256 document id"},
		{"upper-case hex", manifest(t, map[string]string{strings.ToUpper(h): ping}), "not a SHA-256 document id"},
		{"not GraphQL", manifest(t, map[string]string{"sha256:" + persisted.Hash("query {"): "query {"}), "not a GraphQL document"},
		{"empty", []byte(`{}`), "lists no documents"},
		{"a list", []byte(`["query Ping { __typename }"]`), "not a persisted-documents manifest"},
		{"not JSON", []byte(`query Ping { __typename }`), "not a persisted-documents manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := persisted.Parse(tc.data)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if doc, ok := m.Document(h); !ok || doc != ping || m.Len() != 1 {
					t.Fatalf("Document(%s) = %q, %v (len %d)", h, doc, ok, m.Len())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestLoadSeveral: several manifests (one per front end) are one allow-list; a missing file is an
// error naming it.
func TestLoadSeveral(t *testing.T) {
	dir := t.TempDir()
	other := "query Other { __typename }"
	a, b := filepath.Join(dir, "web.json"), filepath.Join(dir, "admin.json")
	if err := os.WriteFile(a, manifest(t, map[string]string{"sha256:" + persisted.Hash(ping): ping}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, manifest(t, map[string]string{"sha256:" + persisted.Hash(other): other}), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := persisted.Load(a, b)
	if err != nil || m.Len() != 2 {
		t.Fatalf("Load = %v, %v", m, err)
	}
	missing := filepath.Join(dir, "missing.json")
	if _, err := persisted.Load(a, missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing file: %v", err)
	}
}

// TestDocumentsRules: the extension's decisions without a server (the server tests run the same
// rules over HTTP and websockets).
func TestDocumentsRules(t *testing.T) {
	h := persisted.Hash(ping)
	trusted, err := persisted.Parse(manifest(t, map[string]string{"sha256:" + h: ping}))
	if err != nil {
		t.Fatal(err)
	}
	apq := func(hash string) map[string]any {
		return map[string]any{"persistedQuery": map[string]any{"version": json.Number("1"), "sha256Hash": hash}}
	}
	other := "query Other { __typename }"
	for _, tc := range []struct {
		name    string
		d       persisted.Documents
		docID   string
		query   string
		ext     map[string]any
		code    string // "" = runs wantRun
		wantRun string
	}{
		{"trusted: listed by APQ hash", persisted.Documents{Trusted: trusted}, "", "", apq(h), "", ping},
		{"trusted: listed by documentId", persisted.Documents{Trusted: trusted}, "sha256:" + h, "", nil, "", ping},
		{"trusted: unknown hash", persisted.Documents{Trusted: trusted}, "", "", apq(persisted.Hash(other)), persisted.CodeNotInList, ""},
		{"trusted: malformed documentId", persisted.Documents{Trusted: trusted}, "x-custom:1", "", nil, persisted.CodeNotInList, ""},
		{"trusted: free-form", persisted.Documents{Trusted: trusted}, "", other, nil, persisted.CodeIDRequired, ""},
		{"trusted: listed text, byte-identical", persisted.Documents{Trusted: trusted}, "", ping, nil, persisted.CodeIDRequired, ""},
		{"trusted: listed text with its hash", persisted.Documents{Trusted: trusted}, "", ping, apq(h), persisted.CodeIDRequired, ""},
		{"trusted: APQ version 2", persisted.Documents{Trusted: trusted}, "", "", map[string]any{"persistedQuery": map[string]any{"version": 2.0, "sha256Hash": h}}, persisted.CodeBadUserInput, ""},
		{"trusted: two different ids", persisted.Documents{Trusted: trusted}, "sha256:" + persisted.Hash(other), "", apq(h), persisted.CodeBadUserInput, ""},
		{"apq: free-form runs", persisted.Documents{Cache: graphql.MapCache[string]{}}, "", other, nil, "", other},
		{"apq: unknown hash", persisted.Documents{Cache: graphql.MapCache[string]{}}, "", "", apq(h), persisted.CodeNotFound, ""},
		{"apq: mismatch", persisted.Documents{Cache: graphql.MapCache[string]{}}, "", other, apq(h), persisted.CodeBadUserInput, ""},
		{"apq: extension not an object", persisted.Documents{Cache: graphql.MapCache[string]{}}, "", "", map[string]any{"persistedQuery": "x"}, persisted.CodeBadUserInput, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := persisted.WithDocumentID(context.Background(), tc.docID)
			p := &graphql.RawParams{Query: tc.query, Extensions: tc.ext}
			err := tc.d.MutateOperationParameters(ctx, p)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if p.Query != tc.wantRun {
					t.Fatalf("runs %q, want %q", p.Query, tc.wantRun)
				}
				return
			}
			if err == nil || err.Extensions["code"] != tc.code {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
		})
	}

	// APQ: registering with the right hash makes the hash alone run it; a mismatch registers nothing.
	d := persisted.Documents{Cache: graphql.MapCache[string]{}}
	ctx := context.Background()
	if err := d.MutateOperationParameters(ctx, &graphql.RawParams{Query: other, Extensions: apq(h)}); err == nil {
		t.Fatal("mismatch accepted")
	}
	if err := d.MutateOperationParameters(ctx, &graphql.RawParams{Extensions: apq(h)}); err == nil || err.Extensions["code"] != persisted.CodeNotFound {
		t.Fatalf("a mismatch registered the hash: %v", err)
	}
	if err := d.MutateOperationParameters(ctx, &graphql.RawParams{Query: ping, Extensions: apq(h)}); err != nil {
		t.Fatal(err)
	}
	p := &graphql.RawParams{Extensions: apq(h)}
	if err := d.MutateOperationParameters(ctx, p); err != nil || p.Query != ping {
		t.Fatalf("hash alone after registration: %q, %v", p.Query, err)
	}
}

// TestPresenter: this package's errors keep their codes (graph's presenter would make them INTERNAL);
// Japanese readers get the sentence with the English in detail, except the protocol's
// PersistedQueryNotFound, which Apollo's clients match by message; other errors go to next.
func TestPresenter(t *testing.T) {
	next := func(context.Context, error) *gqlerror.Error {
		return &gqlerror.Error{Message: "next", Extensions: map[string]any{"code": "INTERNAL"}}
	}
	present := persisted.Presenter(next)
	trusted, _ := persisted.Parse(manifest(t, map[string]string{"sha256:" + persisted.Hash(ping): ping}))
	refusal := persisted.Documents{Trusted: trusted}.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: ping})
	notFound := persisted.Documents{Cache: graphql.MapCache[string]{}}.MutateOperationParameters(context.Background(),
		&graphql.RawParams{Extensions: map[string]any{"persistedQuery": map[string]any{"version": 1.0, "sha256Hash": persisted.Hash(ping)}}})

	ja, en := lang.With(context.Background(), lang.Japanese), lang.With(context.Background(), lang.English)
	if g := present(en, refusal); g.Extensions["code"] != persisted.CodeIDRequired || !strings.Contains(g.Message, "trusted documents only") || g.Extensions["detail"] != nil {
		t.Fatalf("English: %+v", g)
	}
	if g := present(ja, refusal); g.Extensions["code"] != persisted.CodeIDRequired || !strings.Contains(g.Message, "登録済み") ||
		!strings.Contains(g.Extensions["detail"].(string), "trusted documents only") {
		t.Fatalf("Japanese: %+v", g)
	}
	if g := present(ja, notFound); g.Message != "PersistedQueryNotFound" || g.Extensions["code"] != persisted.CodeNotFound {
		t.Fatalf("PersistedQueryNotFound: %+v", g)
	}
	if g := present(en, gqlerror.Errorf("other")); g.Message != "next" {
		t.Fatalf("other errors: %+v", g)
	}
}

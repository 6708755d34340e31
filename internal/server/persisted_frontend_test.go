package server_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/persisted"
	"github.com/example/staffcrm/internal/seed"
)

// TestTrustedDocumentsFromCodegen: the README's trusted-documents build, end to end. graphql-codegen's
// client preset with persistedDocuments: true (clients/codegen.persisted.ts) generates the sample
// operations of clients/persisted/ and their manifest; the server starts with the manifest as
// TRUSTED_DOCUMENTS (through config.Load, as in production); the compiled app signs in and asks for
// its viewer by the ids codegen embedded, by POST documentId and by GET with Apollo's extension;
// the same operation sent as text is refused. Skips without Node and clients/node_modules unless
// STAFFCRM_REQUIRE_FRONTEND is set (CI).
func TestTrustedDocumentsFromCodegen(t *testing.T) {
	dir := clientsDir(t)
	for _, dist := range []string{"persisted/gql", "persisted/dist"} { // nothing left from an earlier run
		if err := os.RemoveAll(filepath.Join(dir, dist)); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := node(t, dir, 3*time.Minute, nil, "npx", "--no-install", "graphql-codegen", "--config", "codegen.persisted.ts"); err != nil {
		t.Fatalf("graphql-codegen: %v\n%s", err, out)
	}
	if out, err := node(t, dir, 3*time.Minute, nil, "npx", "--no-install", "tsc", "-p", "persisted/tsconfig.json"); err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "persisted", "gql", "persisted-documents.json")
	cfg, err := config.Load(nil, func(k string) string { return map[string]string{"TRUSTED_DOCUMENTS": path}[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TrustedDocuments.Len() != 2 {
		t.Fatalf("the manifest lists %d documents, want the 2 of clients/persisted/operations.ts", cfg.TrustedDocuments.Len())
	}
	s := newPersistedStack(t, cfg.TrustedDocuments)

	out, err := node(t, dir, time.Minute, nil, "node", "persisted/dist/main.js", s.trusted+"/query", "coordinator@demo.example", seed.DemoPassword)
	t.Log(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("persisted/dist/main.js: %v", err)
	}
	type viewer struct {
		Data *struct {
			Viewer struct{ Email, Role string }
		}
		Errors []any
	}
	var res struct {
		SignedIn     bool
		SignInErrors []any
		Viewer       viewer
		ViewerByGet  viewer
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &res); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]viewer{"POST documentId": res.Viewer, "GET persistedQuery": res.ViewerByGet} {
		if !res.SignedIn || v.Data == nil || v.Data.Viewer.Email != "coordinator@demo.example" || len(v.Errors) > 0 {
			t.Errorf("%s: the app's operations did not run by id: %+v", name, res)
		}
	}

	// The same operation as text, as a client built without the manifest would send it.
	raw, _ := os.ReadFile(path)
	var docs map[string]string
	_ = json.Unmarshal(raw, &docs)
	found := false
	for id, doc := range docs {
		if !strings.HasPrefix(doc, "query WhoAmI") {
			continue
		}
		found = true
		if h, _ := persisted.HashOf(id); h != persisted.Hash(doc) {
			t.Fatalf("codegen's id %s is not the SHA-256 of its document", id)
		}
		r := pdRequest{query: doc}.send(t, s.trusted, "")
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != persisted.CodeIDRequired {
			t.Fatalf("the operation as text: %+v", r)
		}
	}
	if !found {
		t.Fatalf("no WhoAmI query in the manifest: %s", raw)
	}
}

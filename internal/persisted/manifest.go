// Package persisted runs GraphQL documents named by id: Apollo's automatic persisted queries
// (extensions.persistedQuery.sha256Hash) and the GraphQL-over-HTTP persisted documents appendix
// (documentId "sha256:<hex>"). With a trusted-documents manifest (TRUSTED_DOCUMENTS) the server
// runs only the documents it lists: ids only, never query text, so nothing else can be executed or
// registered. Without one, ids are an APQ bandwidth saving and any document runs.
package persisted

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Manifest is the allow-list of trusted documents: the persisted-documents.json graphql-codegen's
// client preset writes with persistedDocuments: true, {"sha256:<hex>": "<document>"} (older preset
// versions write the bare hex as the key; both are read).
type Manifest struct {
	docs map[string]string // lower-case hex sha256 of the document → the document
}

// Hash is the lower-case hex SHA-256 of a document's text, the id of both APQ and the
// "sha256:" document identifier.
func Hash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// Load reads and checks one or more manifest files (their documents together).
func Load(paths ...string) (*Manifest, error) {
	m := &Manifest{docs: map[string]string{}}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err // *fs.PathError names the file
		}
		one, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for h, d := range one.docs {
			m.docs[h] = d
		}
	}
	if len(m.docs) == 0 {
		return nil, errors.New("no manifest file given")
	}
	return m, nil
}

// Parse checks a manifest: a JSON object of document id → document text, where every id is the
// SHA-256 of its document's exact text (a document edited after generation, or an id from another
// algorithm, is refused) and every document parses as GraphQL. An empty manifest is refused too:
// it would answer every request with an error.
func Parse(data []byte) (*Manifest, error) {
	var raw map[string]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, errors.New(`not a persisted-documents manifest: want a JSON object {"sha256:<hex>": "<document>", ...}`)
	}
	if len(raw) == 0 {
		return nil, errors.New("the manifest lists no documents")
	}
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	slices.Sort(ids) // the same manifest always reports the same first problem
	m := &Manifest{docs: make(map[string]string, len(raw))}
	for _, id := range ids {
		doc := raw[id]
		h, ok := HashOf(id)
		if !ok {
			return nil, fmt.Errorf("%q is not a SHA-256 document id (sha256:<64 lower-case hex>): generate with hashAlgorithm sha256", id)
		}
		if got := Hash(doc); got != h {
			return nil, fmt.Errorf("%s: the document's SHA-256 is %s (was it edited after generation?)", id, got)
		}
		if _, err := parser.ParseQuery(&ast.Source{Input: doc}); err != nil {
			return nil, fmt.Errorf("%s: not a GraphQL document: %s", id, err.Error())
		}
		m.docs[h] = doc
	}
	return m, nil
}

// Len is the number of documents listed.
func (m *Manifest) Len() int { return len(m.docs) }

// Document is the document whose SHA-256 is hash (lower-case hex).
func (m *Manifest) Document(hash string) (string, bool) {
	d, ok := m.docs[hash]
	return d, ok
}

// HashOf reads a document id: "sha256:<hex>" (the GraphQL-over-HTTP appendix, graphql-codegen's
// client preset) or the bare hex (Apollo's APQ, older presets). The hex is 64 lower-case digits.
func HashOf(id string) (string, bool) {
	h := strings.TrimPrefix(id, "sha256:")
	if len(h) != sha256.Size*2 {
		return "", false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false
		}
	}
	return h, true
}

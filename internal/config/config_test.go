package config_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/staffcrm/internal/config"
)

// TestMalformedSettingNamesItsVariable: a setting that does not parse stops start-up with an error
// naming the variable, instead of silently taking the default.
func TestMalformedSettingNamesItsVariable(t *testing.T) {
	for _, tc := range []struct{ key, value string }{
		{"MAX_QUERY_DEPTH", "twelve"}, {"MAX_ALIASES", "30x"}, {"MAX_COMPLEXITY", "5e3"}, {"MAX_TOKENS", "-"},
		{"MAX_TOKENS_ANONYMOUS", "2k"}, {"MAX_BODY_BYTES", "1MiB"}, {"RESPONSE_CACHE_MB", "lots"},
		{"ACCESS_TOKEN_TTL", "15"}, {"REQUEST_TIMEOUT", "-1s"}, {"SEED_DEMO", "maybe"}, {"APP_ENV", "prod"},
		{"DB_MAX_OPEN_CONNS", "x"},
	} {
		env := map[string]string{tc.key: tc.value}
		_, err := config.Load(nil, func(k string) string { return env[k] }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s=%q: %v, want an error naming %s", tc.key, tc.value, err, tc.key)
		}
	}
}

// TestDefaults: with nothing set, Load gives config.Defaults (development, embedded store).
func TestDefaults(t *testing.T) {
	c, err := config.Load(nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	d := config.Defaults
	if c.Addr != d.Addr || c.MaxDepth != d.MaxDepth || c.MaxTokens != d.MaxTokens || c.MaxTokensAnon != d.MaxTokensAnon ||
		c.RequestTimeout != d.RequestTimeout || c.MaxBodyBytes != d.MaxBodyBytes || c.ResponseCacheMB != d.ResponseCacheMB ||
		c.AccessTTL != d.AccessTTL || !c.ShouldSeed() || c.Production() {
		t.Fatalf("defaults: got %+v", c)
	}
}

// TestTrustedDocumentsSetting: TRUSTED_DOCUMENTS (or -trusted-documents) names manifests that are
// read and checked at start-up; a missing file, a file that is not a manifest, an entry whose id is
// not its document's SHA-256 or an empty manifest stops start-up with an error naming the setting.
func TestTrustedDocumentsSetting(t *testing.T) {
	dir := t.TempDir()
	doc := "query Ping { __typename }"
	sum := sha256.Sum256([]byte(doc))
	id := "sha256:" + hex.EncodeToString(sum[:])
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", fmt.Sprintf(`{%q: %q}`, id, doc))
	for _, tc := range []struct {
		name, path string
		flag       bool
	}{
		{"missing file", filepath.Join(dir, "missing.json"), false},
		{"not JSON", write("bad.json", "query Ping { __typename }"), false},
		{"hash of another document", write("edited.json", fmt.Sprintf(`{%q: %q}`, id, doc+" ")), false},
		{"not a sha256 id", write("sha1.json", fmt.Sprintf(`{"7e6b4ff3b9d6d1a1ee5e3e6f8c07da40a94d3b6b": %q}`, doc)), false},
		{"empty", write("empty.json", "{}"), false},
		{"one of several bad", good + string(filepath.ListSeparator) + filepath.Join(dir, "missing.json"), false},
		{"flag, missing file", filepath.Join(dir, "missing.json"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"TRUSTED_DOCUMENTS": tc.path}
			var args []string
			if tc.flag {
				env, args = nil, []string{"-trusted-documents", tc.path}
			}
			_, err := config.Load(args, func(k string) string { return env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "TRUSTED_DOCUMENTS") {
				t.Fatalf("%v, want an error naming TRUSTED_DOCUMENTS", err)
			}
			t.Log(err)
		})
	}
	c, err := config.Load(nil, func(k string) string { return map[string]string{"TRUSTED_DOCUMENTS": good}[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.TrustedDocuments == nil || c.TrustedDocuments.Len() != 1 || c.TrustedDocumentsFile != good {
		t.Fatalf("good manifest: %+v", c)
	}
	if c, err := config.Load(nil, func(string) string { return "" }, io.Discard); err != nil || c.TrustedDocuments != nil {
		t.Fatalf("unset: %v, %v (want any document to run)", c.TrustedDocuments, err)
	}
}

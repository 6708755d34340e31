package config_test

import (
	"io"
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

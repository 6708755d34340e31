package auth

import (
	"encoding/base64"
	"regexp"
	"testing"
)

func TestNewRefreshToken(t *testing.T) {
	hexRE := regexp.MustCompile(`^[0-9a-f]{64}$`)
	seen := map[string]bool{}
	for range 20 {
		raw, hash, err := NewRefreshToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != 43 {
			t.Errorf("raw %q has length %d, want 43", raw, len(raw))
		}
		if b, err := base64.RawURLEncoding.Strict().DecodeString(raw); err != nil || len(b) != 32 {
			t.Errorf("raw %q is not 32 bytes of unpadded base64url: %v", raw, err)
		}
		if !hexRE.MatchString(hash) {
			t.Errorf("hash %q is not 64 lowercase hex", hash)
		}
		if got := HashRefreshToken(raw); got != hash {
			t.Errorf("HashRefreshToken(raw) = %q, want %q (as returned)", got, hash)
		}
		if seen[raw] {
			t.Fatalf("duplicate refresh token %q", raw)
		}
		seen[raw] = true
	}
}

func TestHashRefreshToken(t *testing.T) {
	tests := []struct {
		raw  string
		want string
	}{
		// sha256 test vectors.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := HashRefreshToken(tt.raw); got != tt.want {
				t.Errorf("HashRefreshToken(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			if HashRefreshToken(tt.raw) != HashRefreshToken(tt.raw) {
				t.Error("not deterministic")
			}
		})
	}
}

package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// cheapParams keep tests fast; production uses DefaultPasswordParams.
func cheapParams() PasswordParams {
	return PasswordParams{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}
}

func TestPasswordRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		params   PasswordParams
		password string
	}{
		{"ascii", cheapParams(), "correct horse battery staple"},
		{"unicode", cheapParams(), "pässwörd-🔑"},
		{"empty", cheapParams(), ""},
		{"other params", PasswordParams{Memory: 256, Iterations: 3, Parallelism: 4, SaltLen: 8, KeyLen: 16}, "s3cret!"},
		{"long key", PasswordParams{Memory: 128, Iterations: 2, Parallelism: 2, SaltLen: 32, KeyLen: 64}, "hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPasswordWith(tt.params, tt.password)
			if err != nil {
				t.Fatalf("HashPasswordWith: %v", err)
			}
			if err := VerifyPassword(h, tt.password); err != nil {
				t.Errorf("VerifyPassword(right password) = %v, want nil", err)
			}
			if err := VerifyPassword(h, tt.password+"x"); !errors.Is(err, ErrPasswordMismatch) {
				t.Errorf("VerifyPassword(wrong password) = %v, want ErrPasswordMismatch", err)
			}
		})
	}
}

func TestHashPasswordFormat(t *testing.T) {
	tests := []struct {
		name   string
		params PasswordParams
		prefix string
	}{
		{"cheap", cheapParams(), "$argon2id$v=19$m=64,t=1,p=1$"},
		{"custom", PasswordParams{Memory: 512, Iterations: 3, Parallelism: 2, SaltLen: 16, KeyLen: 32}, "$argon2id$v=19$m=512,t=3,p=2$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPasswordWith(tt.params, "pw")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(h, tt.prefix) {
				t.Errorf("hash %q, want prefix %q", h, tt.prefix)
			}
			parts := strings.Split(h, "$")
			// 16-byte salt and 32-byte key, unpadded standard base64.
			if len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 {
				t.Errorf("hash %q: unexpected salt/key encoding", h)
			}
		})
	}
}

func TestHashPasswordDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB argon2id")
	}
	h, err := HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=65536,t=2,p=2$"; !strings.HasPrefix(h, want) {
		t.Errorf("hash %q, want prefix %q", h, want)
	}
	if err := VerifyPassword(h, "pw"); err != nil {
		t.Errorf("VerifyPassword = %v", err)
	}
}

func TestHashPasswordSalted(t *testing.T) {
	a, err := HashPasswordWith(cheapParams(), "same")
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPasswordWith(cheapParams(), "same")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of the same password are equal: %q", a)
	}
	for _, h := range []string{a, b} {
		if err := VerifyPassword(h, "same"); err != nil {
			t.Errorf("VerifyPassword(%q) = %v", h, err)
		}
	}
}

func TestHashPasswordInvalidParams(t *testing.T) {
	mod := func(f func(*PasswordParams)) PasswordParams {
		p := cheapParams()
		f(&p)
		return p
	}
	tests := []struct {
		name   string
		params PasswordParams
	}{
		{"zero", PasswordParams{}},
		{"no iterations", mod(func(p *PasswordParams) { p.Iterations = 0 })},
		{"no parallelism", mod(func(p *PasswordParams) { p.Parallelism = 0 })},
		{"memory below 8 KiB per lane", mod(func(p *PasswordParams) { p.Memory = 15; p.Parallelism = 2 })},
		{"memory too large", mod(func(p *PasswordParams) { p.Memory = 1<<20 + 1 })},
		{"short salt", mod(func(p *PasswordParams) { p.SaltLen = 4 })},
		{"short key", mod(func(p *PasswordParams) { p.KeyLen = 8 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPasswordWith(tt.params, "pw")
			if !errors.Is(err, ErrInvalidPasswordParams) {
				t.Errorf("HashPasswordWith = %q, %v; want ErrInvalidPasswordParams", h, err)
			}
		})
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	good, err := HashPasswordWith(cheapParams(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=19, params, salt, key
	salt, key := parts[4], parts[5]
	join := func(ps ...string) string { return strings.Join(ps, "$") }
	tests := []struct {
		name string
		hash string
	}{
		{"empty", ""},
		{"plain text", "pw"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", join("", "argon2i", "v=19", "m=64,t=1,p=1", salt, key)},
		{"argon2d", join("", "argon2d", "v=19", "m=64,t=1,p=1", salt, key)},
		{"old version", join("", "argon2id", "v=16", "m=64,t=1,p=1", salt, key)},
		{"no version", join("", "argon2id", "m=64,t=1,p=1", salt, key)},
		{"missing key", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt)},
		{"extra segment", good + "$extra"},
		{"no leading dollar", strings.TrimPrefix(good, "$")},
		{"params reordered", join("", "argon2id", "v=19", "t=1,m=64,p=1", salt, key)},
		{"params missing", join("", "argon2id", "v=19", "m=64,t=1", salt, key)},
		{"params not numeric", join("", "argon2id", "v=19", "m=x,t=1,p=1", salt, key)},
		{"params signed", join("", "argon2id", "v=19", "m=+64,t=1,p=1", salt, key)},
		{"params spaced", join("", "argon2id", "v=19", "m=64, t=1,p=1", salt, key)},
		{"zero iterations", join("", "argon2id", "v=19", "m=64,t=0,p=1", salt, key)},
		{"zero parallelism", join("", "argon2id", "v=19", "m=64,t=1,p=0", salt, key)},
		{"parallelism overflows uint8", join("", "argon2id", "v=19", "m=64,t=1,p=256", salt, key)},
		{"memory overflows uint32", join("", "argon2id", "v=19", "m=4294967296,t=1,p=1", salt, key)},
		{"memory absurd", join("", "argon2id", "v=19", "m=4294967295,t=1,p=1", salt, key)},
		{"salt not base64", join("", "argon2id", "v=19", "m=64,t=1,p=1", "!!!!", key)},
		{"key padded base64", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt, key+"=")},
		{"salt too short", join("", "argon2id", "v=19", "m=64,t=1,p=1", "c2FsdA", key)},
		{"key too short", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt, "aGFzaA")},
		{"empty key", join("", "argon2id", "v=19", "m=64,t=1,p=1", salt, "")},
		{"huge", good + strings.Repeat("A", 8192)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := VerifyPassword(tt.hash, "pw"); !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword(%q) = %v, want ErrMalformedHash", tt.hash, err)
			}
		})
	}
}

func TestVerifyPasswordTamperedHash(t *testing.T) {
	good, err := HashPasswordWith(cheapParams(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	flip := func(s string) string {
		b := []byte(s)
		if b[0] == 'A' {
			b[0] = 'B'
		} else {
			b[0] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name string
		hash string
	}{
		{"key changed", strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], flip(parts[5])}, "$")},
		{"salt changed", strings.Join([]string{"", parts[1], parts[2], parts[3], flip(parts[4]), parts[5]}, "$")},
		{"iterations changed", strings.Join([]string{"", parts[1], parts[2], "m=64,t=2,p=1", parts[4], parts[5]}, "$")},
		{"memory changed", strings.Join([]string{"", parts[1], parts[2], "m=72,t=1,p=1", parts[4], parts[5]}, "$")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := VerifyPassword(tt.hash, "pw"); !errors.Is(err, ErrPasswordMismatch) {
				t.Errorf("VerifyPassword = %v, want ErrPasswordMismatch", err)
			}
		})
	}
}

func TestDummyVerifyCost(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB argon2id")
	}
	h, err := HashPassword("pw")
	if err != nil {
		t.Fatal(err)
	}
	// Minimum of a few runs filters scheduler noise.
	minOf := func(f func()) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range 3 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	verify := minOf(func() { _ = VerifyPassword(h, "guess") })
	dummy := minOf(func() { DummyVerify("guess") })
	// Loose bounds: the point is the same order of cost, not a benchmark.
	if dummy < verify/3 || dummy > verify*3 {
		t.Errorf("DummyVerify took %v, VerifyPassword took %v; want comparable", dummy, verify)
	}
}

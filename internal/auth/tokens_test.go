package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testSecret is a fixed, strong-enough HS256 secret.
func testSecret() []byte { return []byte("k7Qw9ZrT2mXb4Lp8Vn1Hs6Jd3Fg0Yc5E") }

func baseTime() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

func testConfig(now time.Time) TokenConfig {
	return TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api", Now: at(now)}
}

func testViewer() Viewer {
	return Viewer{AccountID: 42, AgencyID: 7, Role: RoleSalesRep, TokenVersion: 3}
}

func mustHMAC(t testing.TB, secret []byte, cfg TokenConfig) *Tokens {
	t.Helper()
	tk, err := NewHMACTokens(secret, cfg)
	if err != nil {
		t.Fatalf("NewHMACTokens: %v", err)
	}
	return tk
}

func mustIssue(t testing.TB, tk *Tokens, v Viewer) string {
	t.Helper()
	tok, _, err := tk.Issue(v)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return tok
}

func ed25519PEM(t testing.TB) ([]byte, ed25519.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), pub
}

// validClaims are what Issue would produce at baseTime, for tests that sign
// hand-made variants.
func validClaims() jwt.MapClaims {
	now := baseTime()
	return jwt.MapClaims{
		"iss":    "staffcrm",
		"aud":    "staffcrm-api",
		"sub":    "42",
		"iat":    now.Unix(),
		"nbf":    now.Unix(),
		"exp":    now.Add(15 * time.Minute).Unix(),
		"role":   "COORDINATOR",
		"agency": 7,
		"tv":     0,
	}
}

func sign(t testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

func TestTokensRoundTrip(t *testing.T) {
	pemKey, _ := ed25519PEM(t)
	ed, err := NewEd25519Tokens(pemKey, testConfig(baseTime()))
	if err != nil {
		t.Fatalf("NewEd25519Tokens: %v", err)
	}
	hs := mustHMAC(t, testSecret(), testConfig(baseTime()))
	viewers := []Viewer{
		testViewer(),
		{AccountID: 1, AgencyID: 1, Role: RoleAdmin},
		{AccountID: 99999, AgencyID: 12, Role: RoleRegistrant, TokenVersion: 17},
		{AccountID: 5, AgencyID: 2, Role: RoleCoordinator, TokenVersion: 1},
	}
	for _, tc := range []struct {
		name string
		tk   *Tokens
		alg  string
	}{{"HS256", hs, "HS256"}, {"EdDSA", ed, "EdDSA"}} {
		for _, v := range viewers {
			t.Run(tc.name+"/"+string(v.Role), func(t *testing.T) {
				tok, exp, err := tc.tk.Issue(v)
				if err != nil {
					t.Fatalf("Issue: %v", err)
				}
				if want := baseTime().Add(15 * time.Minute); !exp.Equal(want) {
					t.Errorf("expiresAt = %v, want %v", exp, want)
				}
				got, err := tc.tk.Verify(tok)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if *got != v {
					t.Errorf("Verify = %+v, want %+v", *got, v)
				}
				checkClaims(t, tok, tc.alg, v, exp)
			})
		}
	}
}

// checkClaims decodes the token without verification and checks the wire
// format other services may rely on.
func checkClaims(t *testing.T, tok, alg string, v Viewer, exp time.Time) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	var header map[string]any
	decodeSegment(t, parts[0], &header)
	if header["alg"] != alg {
		t.Errorf("alg = %v, want %s", header["alg"], alg)
	}
	var c map[string]any
	decodeSegment(t, parts[1], &c)
	want := map[string]any{
		"iss":    "staffcrm",
		"aud":    "staffcrm-api", // a single string, not an array
		"sub":    strconv.Itoa(v.AccountID),
		"exp":    float64(exp.Unix()),
		"iat":    float64(baseTime().Unix()),
		"nbf":    float64(baseTime().Unix()),
		"role":   string(v.Role),
		"agency": float64(v.AgencyID),
		"tv":     float64(v.TokenVersion),
	}
	for k, w := range want {
		if c[k] != w {
			t.Errorf("claim %s = %#v, want %#v", k, c[k], w)
		}
	}
	if jti, _ := c["jti"].(string); len(jti) < 16 {
		t.Errorf("jti = %#v, want a random id", c["jti"])
	}
}

func decodeSegment(t *testing.T, seg string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func TestIssueUniqueJTI(t *testing.T) {
	tk := mustHMAC(t, testSecret(), testConfig(baseTime()))
	a, b := mustIssue(t, tk, testViewer()), mustIssue(t, tk, testViewer())
	if a == b {
		t.Error("two tokens issued at the same instant are identical; jti not random")
	}
}

func TestIssueInvalidViewer(t *testing.T) {
	tk := mustHMAC(t, testSecret(), testConfig(baseTime()))
	tests := []struct {
		name string
		v    Viewer
	}{
		{"zero", Viewer{}},
		{"no account", Viewer{AgencyID: 1, Role: RoleAdmin}},
		{"no agency", Viewer{AccountID: 1, Role: RoleAdmin}},
		{"bad role", Viewer{AccountID: 1, AgencyID: 1, Role: "ROOT"}},
		{"lowercase role", Viewer{AccountID: 1, AgencyID: 1, Role: "admin"}},
		{"negative tv", Viewer{AccountID: 1, AgencyID: 1, Role: RoleAdmin, TokenVersion: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := tk.Issue(tt.v); !errors.Is(err, ErrInvalidViewer) {
				t.Errorf("Issue(%+v) = %v, want ErrInvalidViewer", tt.v, err)
			}
		})
	}
}

func TestVerifyTime(t *testing.T) {
	issuer := mustHMAC(t, testSecret(), testConfig(baseTime()))
	tok := mustIssue(t, issuer, testViewer())
	ttl, leeway := 15*time.Minute, 30*time.Second
	tests := []struct {
		name    string
		offset  time.Duration // verifier clock relative to issue time
		wantErr error
	}{
		{"just issued", 0, nil},
		{"mid life", ttl / 2, nil},
		{"at exp", ttl, nil},
		{"expired within leeway", ttl + leeway - time.Second, nil},
		{"expired beyond leeway", ttl + leeway + time.Second, ErrTokenExpired},
		{"long expired", 24 * time.Hour, ErrTokenExpired},
		{"issued in future within leeway", -leeway + time.Second, nil},
		{"issued in future beyond leeway", -leeway - time.Second, ErrTokenInvalid},
		{"issued far in future", -time.Hour, ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verifier := mustHMAC(t, testSecret(), testConfig(baseTime().Add(tt.offset)))
			v, err := verifier.Verify(tok)
			checkVerify(t, v, err, tt.wantErr)
			if tt.wantErr == nil && *v != testViewer() {
				t.Errorf("Verify = %+v, want %+v", *v, testViewer())
			}
		})
	}
}

func validViewer(v *Viewer) bool {
	return v != nil && v.AccountID > 0 && v.AgencyID > 0 && v.Role.Valid() && v.TokenVersion >= 0
}

// checkVerify asserts Verify's outcome, including that the two error
// classes never overlap.
func checkVerify(t *testing.T, v *Viewer, err, wantErr error) {
	t.Helper()
	if wantErr == nil {
		if err != nil {
			t.Fatalf("Verify error = %v, want nil", err)
		}
		if !validViewer(v) {
			t.Fatalf("Verify viewer = %+v", v)
		}
		return
	}
	if v != nil {
		t.Errorf("Verify returned viewer %+v with error", v)
	}
	if !errors.Is(err, wantErr) {
		t.Fatalf("Verify error = %v, want %v", err, wantErr)
	}
	other := ErrTokenInvalid
	if wantErr == ErrTokenInvalid {
		other = ErrTokenExpired
	}
	if errors.Is(err, other) {
		t.Errorf("Verify error = %v, also matches %v", err, other)
	}
}

func TestVerifyCustomLeeway(t *testing.T) {
	tok := mustIssue(t, mustHMAC(t, testSecret(), testConfig(baseTime())), testViewer())
	tests := []struct {
		name    string
		leeway  time.Duration
		offset  time.Duration
		wantErr error
	}{
		{"1s leeway, 2s late", time.Second, 15*time.Minute + 2*time.Second, ErrTokenExpired},
		{"2m leeway, 90s late", 2 * time.Minute, 15*time.Minute + 90*time.Second, nil},
		{"2m leeway, 90s early", 2 * time.Minute, -90 * time.Second, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(baseTime().Add(tt.offset))
			cfg.Leeway = tt.leeway
			v, err := mustHMAC(t, testSecret(), cfg).Verify(tok)
			checkVerify(t, v, err, tt.wantErr)
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	hs := mustHMAC(t, testSecret(), testConfig(baseTime()))
	pemKey, edPub := ed25519PEM(t)
	ed, err := NewEd25519Tokens(pemKey, testConfig(baseTime()))
	if err != nil {
		t.Fatal(err)
	}
	other := mustHMAC(t, []byte("Zr8kP2vX9qL4mN7bT1wY6cH3jF5gD0sA"), testConfig(baseTime()))

	with := func(f func(jwt.MapClaims)) jwt.MapClaims {
		c := validClaims()
		f(c)
		return c
	}
	hsSign := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, testSecret(), c) }

	wrongIss := mustHMAC(t, testSecret(), TokenConfig{Issuer: "evil", Audience: "staffcrm-api", Now: at(baseTime())})
	wrongAud := mustHMAC(t, testSecret(), TokenConfig{Issuer: "staffcrm", Audience: "other-api", Now: at(baseTime())})
	// Expired and wrong audience: must not be reported as merely expired.
	wrongAudExpired := mustIssue(t, mustHMAC(t, testSecret(), TokenConfig{Issuer: "staffcrm", Audience: "other-api", Now: at(baseTime().Add(-time.Hour))}), testViewer())

	noneTok := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, validClaims())

	tests := []struct {
		name    string
		tk      *Tokens
		token   string
		wantErr error
	}{
		{"sanity: hand-signed valid", hs, hsSign(validClaims()), nil},
		{"sanity: array audience", hs, hsSign(with(func(c jwt.MapClaims) { c["aud"] = []string{"x", "staffcrm-api"} })), nil},
		{"wrong iss", hs, mustIssue(t, wrongIss, testViewer()), ErrTokenInvalid},
		{"wrong aud", hs, mustIssue(t, wrongAud, testViewer()), ErrTokenInvalid},
		{"wrong aud and expired", hs, wrongAudExpired, ErrTokenInvalid},
		{"alg none to HS256", hs, noneTok, ErrTokenInvalid},
		{"alg none to EdDSA", ed, noneTok, ErrTokenInvalid},
		{"HS256 keyed with Ed25519 public key to EdDSA", ed, sign(t, jwt.SigningMethodHS256, []byte(edPub), validClaims()), ErrTokenInvalid},
		{"EdDSA to HS256", hs, mustIssue(t, ed, testViewer()), ErrTokenInvalid},
		{"HS512 with same secret", hs, sign(t, jwt.SigningMethodHS512, testSecret(), validClaims()), ErrTokenInvalid},
		{"HS256 to HS256 with other secret", hs, mustIssue(t, other, testViewer()), ErrTokenInvalid},
		{"tampered role", hs, tamper(t, mustIssue(t, hs, testViewer()), "role", "ADMIN"), ErrTokenInvalid},
		{"tampered agency", hs, tamper(t, mustIssue(t, hs, testViewer()), "agency", 1), ErrTokenInvalid},
		{"tampered EdDSA", ed, tamper(t, mustIssue(t, ed, testViewer()), "role", "ADMIN"), ErrTokenInvalid},
		{"signature stripped", hs, strings.TrimRight(mustIssue(t, hs, testViewer()), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"), ErrTokenInvalid},
		{"missing sub", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "sub") })), ErrTokenInvalid},
		{"empty sub", hs, hsSign(with(func(c jwt.MapClaims) { c["sub"] = "" })), ErrTokenInvalid},
		{"non-numeric sub", hs, hsSign(with(func(c jwt.MapClaims) { c["sub"] = "admin" })), ErrTokenInvalid},
		{"zero sub", hs, hsSign(with(func(c jwt.MapClaims) { c["sub"] = "0" })), ErrTokenInvalid},
		{"negative sub", hs, hsSign(with(func(c jwt.MapClaims) { c["sub"] = "-42" })), ErrTokenInvalid},
		{"padded sub", hs, hsSign(with(func(c jwt.MapClaims) { c["sub"] = "042" })), ErrTokenInvalid},
		{"numeric sub", hs, hsSign(with(func(c jwt.MapClaims) { c["sub"] = 42 })), ErrTokenInvalid},
		{"missing iat", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "iat") })), ErrTokenInvalid},
		{"missing exp", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "exp") })), ErrTokenInvalid},
		{"missing iss", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "iss") })), ErrTokenInvalid},
		{"missing aud", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "aud") })), ErrTokenInvalid},
		{"string exp", hs, hsSign(with(func(c jwt.MapClaims) { c["exp"] = "tomorrow" })), ErrTokenInvalid},
		{"nbf in future", hs, hsSign(with(func(c jwt.MapClaims) { c["nbf"] = baseTime().Add(time.Hour).Unix() })), ErrTokenInvalid},
		{"missing exp and iat in future", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "exp"); c["iat"] = baseTime().Add(time.Hour).Unix() })), ErrTokenInvalid},
		{"expired and missing iat", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "iat"); c["exp"] = baseTime().Add(-time.Hour).Unix() })), ErrTokenInvalid},
		{"expired and bad role", hs, hsSign(with(func(c jwt.MapClaims) { c["role"] = "ROOT"; c["exp"] = baseTime().Add(-time.Hour).Unix() })), ErrTokenInvalid},
		{"expired only", hs, hsSign(with(func(c jwt.MapClaims) { c["exp"] = baseTime().Add(-time.Hour).Unix() })), ErrTokenExpired},
		{"invalid role", hs, hsSign(with(func(c jwt.MapClaims) { c["role"] = "SUPERUSER" })), ErrTokenInvalid},
		{"lowercase role", hs, hsSign(with(func(c jwt.MapClaims) { c["role"] = "admin" })), ErrTokenInvalid},
		{"missing role", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "role") })), ErrTokenInvalid},
		{"zero agency", hs, hsSign(with(func(c jwt.MapClaims) { c["agency"] = 0 })), ErrTokenInvalid},
		{"missing agency", hs, hsSign(with(func(c jwt.MapClaims) { delete(c, "agency") })), ErrTokenInvalid},
		{"string agency", hs, hsSign(with(func(c jwt.MapClaims) { c["agency"] = "7" })), ErrTokenInvalid},
		{"fractional agency", hs, hsSign(with(func(c jwt.MapClaims) { c["agency"] = 7.5 })), ErrTokenInvalid},
		{"negative tv", hs, hsSign(with(func(c jwt.MapClaims) { c["tv"] = -1 })), ErrTokenInvalid},
		{"empty", hs, "", ErrTokenInvalid},
		{"a.b.c", hs, "a.b.c", ErrTokenInvalid},
		{"two parts", hs, "eyJhbGciOiJIUzI1NiJ9.e30", ErrTokenInvalid},
		{"dots", hs, "...", ErrTokenInvalid},
		{"binary", hs, "\x00\xff\xfe.\x01\x02.\x80", ErrTokenInvalid},
		{"huge", hs, strings.Repeat("A", 1<<20), ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.tk.Verify(tt.token)
			checkVerify(t, v, err, tt.wantErr)
		})
	}
}

func TestVerifyRandomBytes(t *testing.T) {
	hs := mustHMAC(t, testSecret(), testConfig(baseTime()))
	for i := range 200 {
		b := make([]byte, i)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{string(b), base64.RawURLEncoding.EncodeToString(b) + ".e30.AA"} {
			if v, err := hs.Verify(s); !errors.Is(err, ErrTokenInvalid) || v != nil {
				t.Fatalf("Verify(%q) = %v, %v; want ErrTokenInvalid", s, v, err)
			}
		}
	}
}

// tamper rewrites one payload claim, keeping the original signature.
func tamper(t *testing.T, tok, claim string, value any) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	var c map[string]any
	decodeSegment(t, parts[1], &c)
	c[claim] = value
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

func TestNewHMACTokensSecret(t *testing.T) {
	random, err := RandomSecret()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		secret  []byte
		wantErr bool
	}{
		{"nil", nil, true},
		{"short", []byte("too-short"), true},
		{"31 random-looking bytes", []byte("k7Qw9ZrT2mXb4Lp8Vn1Hs6Jd3Fg0Yc5"), true},
		{"repeated a", []byte(strings.Repeat("a", 64)), true},
		{"changeme repeated", []byte("changeme-changeme-changeme-changeme"), true},
		{"few distinct bytes", []byte("abcdefghijkabcdefghijkabcdefghijkabcdefghijk"), true},
		{"11 distinct bytes, not periodic", []byte("abcdefghijkkjihgfedcbaacegikbdfhj"), true},
		{"periodic with many distinct", []byte("abcdefghijklmnopabcdefghijklmnop"), true},
		{"placeholder phrase", []byte("my-super-secret-key-change-me-in-production"), true},
		{"mostly placeholder", []byte("CHANGEME_PASSWORD_SECRET_DEFAULT_1234567"), true},
		{"placeholder with little else", []byte("secret-secret-password-xyz-123456789"), true},
		{"crypto random", random, false},
		{"random base64", []byte("q3ZbS1c9hXlR0v-7dPn2_TkYwJmA8eGfUo4iCzL6rHs"), false},
		{"random hex", []byte("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"), false},
		{"random with placeholder word inside", []byte("q3ZbS1c9hXlR0v7dPn2TkYwJmA8eGfUo4iCzL6rHs-secret"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHMACTokens(tt.secret, testConfig(baseTime()))
			if tt.wantErr && !errors.Is(err, ErrWeakSecret) {
				t.Errorf("NewHMACTokens(%q) = %v, want ErrWeakSecret", tt.secret, err)
			}
			if !tt.wantErr && err != nil {
				t.Errorf("NewHMACTokens(%q) = %v, want nil", tt.secret, err)
			}
		})
	}
}

func TestNewHMACTokensCopiesSecret(t *testing.T) {
	secret := testSecret()
	tk := mustHMAC(t, secret, testConfig(baseTime()))
	tok := mustIssue(t, tk, testViewer())
	copy(secret, strings.Repeat("x", len(secret)))
	if _, err := tk.Verify(tok); err != nil {
		t.Errorf("Verify after caller reused its buffer: %v", err)
	}
}

func TestRandomSecret(t *testing.T) {
	a, err := RandomSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := RandomSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || len(b) != 32 {
		t.Errorf("lengths %d, %d; want 32", len(a), len(b))
	}
	if string(a) == string(b) {
		t.Error("two random secrets are equal")
	}
}

func TestTokenConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     TokenConfig
		wantTTL time.Duration
		wantErr bool
	}{
		{"defaults", TokenConfig{Issuer: "i", Audience: "a"}, 15 * time.Minute, false},
		{"custom ttl", TokenConfig{Issuer: "i", Audience: "a", AccessTTL: 5 * time.Minute}, 5 * time.Minute, false},
		{"no issuer", TokenConfig{Audience: "a"}, 0, true},
		{"no audience", TokenConfig{Issuer: "i"}, 0, true},
		{"negative ttl", TokenConfig{Issuer: "i", Audience: "a", AccessTTL: -time.Minute}, 0, true},
		{"negative leeway", TokenConfig{Issuer: "i", Audience: "a", Leeway: -time.Second}, 0, true},
		{"huge leeway", TokenConfig{Issuer: "i", Audience: "a", Leeway: time.Hour}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := NewHMACTokens(testSecret(), tt.cfg)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidTokenConfig) {
					t.Errorf("err = %v, want ErrInvalidTokenConfig", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tk.AccessTTL(); got != tt.wantTTL {
				t.Errorf("AccessTTL = %v, want %v", got, tt.wantTTL)
			}
			// Zero Now must default to the real clock.
			if _, err := tk.Verify(mustIssue(t, tk, testViewer())); err != nil {
				t.Errorf("round trip with real clock: %v", err)
			}
		})
	}
}

func TestNewEd25519TokensKey(t *testing.T) {
	good, _ := ed25519PEM(t)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(good)
	tests := []struct {
		name    string
		pem     []byte
		wantErr bool
	}{
		{"pkcs8 ed25519", good, false},
		{"with leading text", append([]byte("# generated by openssl\n"), good...), false},
		{"empty", nil, true},
		{"garbage", []byte("not a pem"), true},
		{"wrong block type", pem.EncodeToMemory(&pem.Block{Type: "ED25519 PRIVATE KEY", Bytes: block.Bytes}), true},
		{"public key block", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: block.Bytes}), true},
		{"corrupt der", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: block.Bytes[:10]}), true},
		{"ecdsa key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := NewEd25519Tokens(tt.pem, testConfig(baseTime()))
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidKey) {
					t.Errorf("err = %v, want ErrInvalidKey", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			v, err := tk.Verify(mustIssue(t, tk, testViewer()))
			if err != nil || *v != testViewer() {
				t.Errorf("round trip = %+v, %v", v, err)
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	tk := mustHMAC(f, testSecret(), testConfig(baseTime()))
	valid := mustIssue(f, tk, testViewer())
	for _, seed := range []string{
		valid,
		"",
		"a.b.c",
		"...",
		"eyJhbGciOiJub25lIn0.e30.",
		valid[:len(valid)-1],
		strings.Replace(valid, ".", "..", 1),
		"\x00\xff",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := tk.Verify(s)
		if err != nil {
			if v != nil {
				t.Fatalf("viewer %+v returned with error %v", v, err)
			}
			if !errors.Is(err, ErrTokenInvalid) && !errors.Is(err, ErrTokenExpired) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if !validViewer(v) {
			t.Fatalf("accepted token %q gave invalid viewer %+v", s, v)
		}
	})
}

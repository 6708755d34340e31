package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	ErrWeakSecret          = errors.New("signing secret too weak")
	ErrInvalidKey          = errors.New("invalid signing key")
	ErrInvalidTokenConfig  = errors.New("invalid token config")
	ErrInvalidViewer       = errors.New("invalid viewer")
	ErrTokenInvalid        = errors.New("invalid token")
	ErrTokenExpired        = errors.New("token expired")
	errInvalidClaimValue   = errors.New("invalid claim value")
	errUnexpectedAlgorithm = errors.New("unexpected signing algorithm")
)

const (
	defaultAccessTTL = 15 * time.Minute
	defaultLeeway    = 30 * time.Second
	// A larger leeway would quietly extend every token's life.
	maxLeeway = 5 * time.Minute
	// Our tokens are a few hundred bytes; don't spend CPU decoding megabytes.
	maxTokenLen  = 4096
	minSecretLen = 32
	// Session ids are UUIDs; the bound only keeps odd viewers out of tokens.
	maxSessionIDLen = 64
	minDistinct     = 12
)

// TokenConfig configures access tokens.
type TokenConfig struct {
	Issuer    string           // e.g. "staffcrm"
	Audience  string           // e.g. "staffcrm-api"
	AccessTTL time.Duration    // default 15m when zero
	Leeway    time.Duration    // default 30s when zero; small and explicit
	Now       func() time.Time // nil = time.Now; for tests
}

// Tokens issues and verifies signed access tokens with exactly one
// algorithm and key. Safe for concurrent use.
type Tokens struct {
	method    jwt.SigningMethod
	signKey   any
	verifyKey any
	issuer    string
	audience  string
	ttl       time.Duration
	now       func() time.Time
	parser    *jwt.Parser
}

// NewHMACTokens returns HS256 tokens. It refuses (ErrWeakSecret) secrets
// shorter than 32 bytes, with fewer than 12 distinct byte values, that are
// a short chunk repeated, or that are mostly a well-known placeholder.
func NewHMACTokens(secret []byte, cfg TokenConfig) (*Tokens, error) {
	if err := checkSecret(secret); err != nil {
		return nil, fmt.Errorf("hmac tokens: %w", err)
	}
	key := bytes.Clone(secret) // the caller may reuse its buffer
	return newTokens(jwt.SigningMethodHS256, key, key, cfg)
}

// NewEd25519Tokens returns EdDSA tokens from a PKCS#8 PEM private key, as
// written by `openssl genpkey -algorithm ed25519`.
func NewEd25519Tokens(privateKeyPEM []byte, cfg TokenConfig) (*Tokens, error) {
	block, _ := pem.Decode(privateKeyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("ed25519 tokens: %w: want a PKCS#8 \"PRIVATE KEY\" PEM block", ErrInvalidKey)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("ed25519 tokens: %w: %v", ErrInvalidKey, err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("ed25519 tokens: %w: got %T, want ed25519", ErrInvalidKey, parsed)
	}
	return newTokens(jwt.SigningMethodEdDSA, priv, priv.Public(), cfg)
}

// RandomSecret returns 32 crypto-random bytes for development mode.
func RandomSecret() ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("random secret: %w", err)
	}
	return b, nil
}

func newTokens(method jwt.SigningMethod, signKey, verifyKey any, cfg TokenConfig) (*Tokens, error) {
	// Without iss and aud, jwt would skip those checks entirely.
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, fmt.Errorf("%w: issuer and audience are required", ErrInvalidTokenConfig)
	}
	if cfg.AccessTTL < 0 || cfg.Leeway < 0 || cfg.Leeway > maxLeeway {
		return nil, fmt.Errorf("%w: access TTL must be >= 0 and leeway in [0, %s]", ErrInvalidTokenConfig, maxLeeway)
	}
	if cfg.AccessTTL == 0 {
		cfg.AccessTTL = defaultAccessTTL
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = defaultLeeway
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tokens{
		method:    method,
		signKey:   signKey,
		verifyKey: verifyKey,
		issuer:    cfg.Issuer,
		audience:  cfg.Audience,
		ttl:       cfg.AccessTTL,
		now:       cfg.Now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{method.Alg()}),
			jwt.WithIssuer(cfg.Issuer),
			jwt.WithAudience(cfg.Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(cfg.Leeway),
			jwt.WithTimeFunc(cfg.Now),
			jwt.WithStrictDecoding(),
		),
	}, nil
}

// AccessTTL returns how long issued access tokens live.
func (t *Tokens) AccessTTL() time.Duration { return t.ttl }

// Issue signs an access token for v.
func (t *Tokens) Issue(v Viewer) (token string, expiresAt time.Time, err error) {
	if v.AccountID <= 0 || v.AgencyID <= 0 || !v.Role.Valid() || v.TokenVersion < 0 || v.ProfileID < 0 ||
		len(v.SessionID) > maxSessionIDLen {
		return "", time.Time{}, fmt.Errorf("issue token: %w", ErrInvalidViewer)
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	// JWT times have second precision; truncate so expiresAt matches exp.
	now := t.now().Truncate(time.Second)
	exp := now.Add(t.ttl)
	// MapClaims so aud is a plain string: jwt's ClaimStrings marshals a
	// single audience as an array unless a package global is flipped.
	claims := jwt.MapClaims{
		"iss":    t.issuer,
		"aud":    t.audience,
		"sub":    strconv.Itoa(v.AccountID),
		"exp":    jwt.NewNumericDate(exp),
		"iat":    jwt.NewNumericDate(now),
		"nbf":    jwt.NewNumericDate(now),
		"jti":    base64.RawURLEncoding.EncodeToString(jti),
		"role":   string(v.Role),
		"agency": v.AgencyID,
		"tv":     v.TokenVersion,
		"pid":    v.ProfileID,
	}
	if v.SessionID != "" {
		claims["sid"] = v.SessionID
	}
	token, err = jwt.NewWithClaims(t.method, claims).SignedString(t.signKey)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	return token, exp, nil
}

// Verify checks token's signature (with the one pinned algorithm), iss, aud,
// sub, exp, iat (and nbf if present) with the configured leeway, role and
// agency. It returns an error wrapping ErrTokenExpired when expiry is the
// token's only defect, and ErrTokenInvalid for everything else.
func (t *Tokens) Verify(token string) (*Viewer, error) {
	if len(token) > maxTokenLen {
		return nil, fmt.Errorf("verify token: %w: too long", ErrTokenInvalid)
	}
	var c accessClaims
	_, err := t.parser.ParseWithClaims(token, &c, func(tok *jwt.Token) (any, error) {
		// WithValidMethods already pins the alg; this is belt and braces.
		if tok.Method != t.method {
			return nil, errUnexpectedAlgorithm
		}
		return t.verifyKey, nil
	})
	switch {
	case err == nil:
	case onlyExpired(err):
		return nil, fmt.Errorf("verify token: %w", ErrTokenExpired)
	default:
		return nil, fmt.Errorf("verify token: %w: %v", ErrTokenInvalid, err)
	}
	id, err := c.accountID()
	if err != nil { // unreachable: Validate checked sub
		return nil, fmt.Errorf("verify token: %w: %v", ErrTokenInvalid, err)
	}
	return &Viewer{AccountID: id, AgencyID: c.Agency, Role: c.Role, TokenVersion: c.TV, ProfileID: c.PID,
		SessionID: c.SID}, nil
}

// onlyExpired reports whether expiry is the only thing wrong with a token,
// so clients are told to refresh only when that can help. jwt reports all
// claim failures together, and checks the signature before any of them.
func onlyExpired(err error) bool {
	if !errors.Is(err, jwt.ErrTokenExpired) {
		return false
	}
	for _, other := range []error{
		jwt.ErrTokenMalformed,
		jwt.ErrTokenUnverifiable,
		jwt.ErrTokenSignatureInvalid,
		jwt.ErrTokenRequiredClaimMissing,
		jwt.ErrTokenInvalidAudience,
		jwt.ErrTokenInvalidIssuer,
		jwt.ErrTokenInvalidSubject,
		jwt.ErrTokenNotValidYet,
		jwt.ErrTokenUsedBeforeIssued,
		jwt.ErrTokenInvalidId,
		jwt.ErrInvalidType,
		errInvalidClaimValue,
	} {
		if errors.Is(err, other) {
			return false
		}
	}
	return true
}

type accessClaims struct {
	jwt.RegisteredClaims
	Role   Role `json:"role"`
	Agency int  `json:"agency"`
	TV     int  `json:"tv"`
	PID    int  `json:"pid"`
	// SID names the session (refresh-token family) the token was issued for; absent in tokens
	// minted by trusted code for a viewer without a session.
	SID string `json:"sid,omitempty"`
}

// Validate adds our own claim checks to jwt's. It is called by the parser
// after the signature is verified. jwt's WithIssuedAt only checks iat when
// present, so presence is enforced here.
func (c *accessClaims) Validate() error {
	var errs []error
	if c.IssuedAt == nil {
		errs = append(errs, fmt.Errorf("%w: iat", jwt.ErrTokenRequiredClaimMissing))
	}
	if c.Subject == "" {
		errs = append(errs, fmt.Errorf("%w: sub", jwt.ErrTokenRequiredClaimMissing))
	} else if _, err := c.accountID(); err != nil {
		errs = append(errs, err)
	}
	if !c.Role.Valid() {
		errs = append(errs, fmt.Errorf("%w: role", errInvalidClaimValue))
	}
	if c.Agency <= 0 {
		errs = append(errs, fmt.Errorf("%w: agency", errInvalidClaimValue))
	}
	if c.TV < 0 {
		errs = append(errs, fmt.Errorf("%w: tv", errInvalidClaimValue))
	}
	if c.PID < 0 {
		errs = append(errs, fmt.Errorf("%w: pid", errInvalidClaimValue))
	}
	if len(c.SID) > maxSessionIDLen {
		errs = append(errs, fmt.Errorf("%w: sid", errInvalidClaimValue))
	}
	return errors.Join(errs...)
}

func (c *accessClaims) accountID() (int, error) {
	id, err := strconv.Atoi(c.Subject)
	// Require the canonical form we issue: no sign, no leading zeros.
	if err != nil || id <= 0 || strconv.Itoa(id) != c.Subject {
		return 0, fmt.Errorf("%w: sub", errInvalidClaimValue)
	}
	return id, nil
}

// checkSecret rejects HMAC secrets that are short, low-variety, periodic, or
// mostly made of well-known placeholder words.
func checkSecret(secret []byte) error {
	if len(secret) < minSecretLen {
		return fmt.Errorf("%w: shorter than %d bytes", ErrWeakSecret, minSecretLen)
	}
	if distinctBytes(secret) < minDistinct {
		return fmt.Errorf("%w: fewer than %d distinct bytes", ErrWeakSecret, minDistinct)
	}
	if p := period(secret); p <= len(secret)/2 {
		return fmt.Errorf("%w: a %d-byte pattern repeated", ErrWeakSecret, p)
	}
	// A placeholder word is fine inside an otherwise strong secret (a random
	// string may contain one by chance); it is only weak if what is left
	// after removing such words would itself fail the checks above.
	rest := strings.ToLower(string(secret))
	found := false
	for _, w := range placeholderWords() {
		if strings.Contains(rest, w) {
			found = true
			rest = strings.ReplaceAll(rest, w, "")
		}
	}
	if found && (len(rest) < minSecretLen || distinctBytes([]byte(rest)) < minDistinct) {
		return fmt.Errorf("%w: looks like a placeholder", ErrWeakSecret)
	}
	return nil
}

func placeholderWords() []string {
	return []string{
		"changeme", "change-me", "change_me", "changethis", "change-this", "change_this",
		"replaceme", "replace-me", "replace_me", "placeholder", "example",
		"password", "passwd", "secret", "default", "dummy",
	}
}

func distinctBytes(b []byte) int {
	var seen [256]bool
	n := 0
	for _, c := range b {
		if !seen[c] {
			seen[c] = true
			n++
		}
	}
	return n
}

// period returns the length of the shortest prefix whose repetition
// (possibly truncated) produces b.
func period(b []byte) int {
	for p := 1; p < len(b); p++ {
		if bytes.Equal(b[p:], b[:len(b)-p]) {
			return p
		}
	}
	return len(b)
}

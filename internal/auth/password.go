package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

var (
	ErrPasswordMismatch      = errors.New("password mismatch")
	ErrMalformedHash         = errors.New("malformed password hash")
	ErrInvalidPasswordParams = errors.New("invalid password hash parameters")
)

// PasswordParams are argon2id cost parameters. Memory is in KiB.
type PasswordParams struct {
	Memory      uint32
	Iterations  uint32
	Parallelism uint8
	SaltLen     uint32
	KeyLen      uint32
}

// DefaultPasswordParams use 64 MiB as in RFC 9106's memory-constrained
// recommendation, with t=2 and p=2 to suit a 2-core box (~100ms a hash).
var DefaultPasswordParams = PasswordParams{
	Memory:      64 * 1024,
	Iterations:  2,
	Parallelism: 2,
	SaltLen:     16,
	KeyLen:      32,
}

// Bounds on parameters read from a stored hash, so a corrupted or hostile
// row cannot make a login allocate gigabytes or spin for minutes. Lower
// bounds keep argon2 from panicking and reject trivially forgeable hashes.
const (
	minSaltLen    = 8
	minKeyLen     = 16
	maxSaltKeyLen = 1024
	maxMemoryKiB  = 1 << 20 // 1 GiB
	maxIterations = 64

	maxEncodedHashLen = 4096
)

func (p PasswordParams) validate() error {
	switch {
	case p.Iterations < 1 || p.Iterations > maxIterations,
		p.Parallelism < 1,
		// argon2 silently raises memory below 8 KiB per lane; refuse instead
		// so the encoded m= is what was actually used.
		p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemoryKiB,
		p.SaltLen < minSaltLen || p.SaltLen > maxSaltKeyLen,
		p.KeyLen < minKeyLen || p.KeyLen > maxSaltKeyLen:
		return ErrInvalidPasswordParams
	}
	return nil
}

// HashPassword hashes password with DefaultPasswordParams.
func HashPassword(password string) (string, error) {
	return HashPasswordWith(DefaultPasswordParams, password)
}

// HashPasswordWith hashes password with argon2id and p, returning the PHC
// string "$argon2id$v=19$m=<KiB>,t=<iter>,p=<par>$<salt>$<hash>".
func HashPasswordWith(p PasswordParams, password string) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword checks password against an encoded argon2id hash, using the
// parameters encoded in it. It returns nil, ErrPasswordMismatch or
// ErrMalformedHash.
func VerifyPassword(encodedHash, password string) error {
	p, salt, want, err := decodeHash(encodedHash)
	if err != nil {
		return err
	}
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrPasswordMismatch
	}
	return nil
}

// DummyVerify burns the same time as a VerifyPassword against a hash made
// with DefaultPasswordParams, for unknown emails, so that response timing
// does not reveal which accounts exist.
func DummyVerify(password string) {
	p := DefaultPasswordParams
	if p.validate() != nil {
		return
	}
	salt := make([]byte, p.SaltLen)
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	subtle.ConstantTimeCompare(got, make([]byte, len(got)))
}

func decodeHash(encoded string) (p PasswordParams, salt, key []byte, err error) {
	if len(encoded) > maxEncodedHashLen {
		return p, nil, nil, ErrMalformedHash
	}
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, ErrMalformedHash
	}
	m, errM := phcUint(kv[0], "m=", 32)
	t, errT := phcUint(kv[1], "t=", 32)
	par, errP := phcUint(kv[2], "p=", 8)
	if errM != nil || errT != nil || errP != nil {
		return p, nil, nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, errS := b64.DecodeString(parts[4])
	key, errK := b64.DecodeString(parts[5])
	if errS != nil || errK != nil {
		return p, nil, nil, ErrMalformedHash
	}
	p = PasswordParams{
		Memory:      uint32(m),
		Iterations:  uint32(t),
		Parallelism: uint8(par),
		SaltLen:     uint32(len(salt)),
		KeyLen:      uint32(len(key)),
	}
	if p.validate() != nil {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// phcUint parses "<prefix><decimal>" strictly (no sign, no spaces).
func phcUint(s, prefix string, bits int) (uint64, error) {
	v, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, ErrMalformedHash
	}
	return strconv.ParseUint(v, 10, bits)
}

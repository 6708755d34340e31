package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Signing follows the Standard Webhooks convention (standardwebhooks.com), so receivers can use its
// libraries: headers webhook-id, webhook-timestamp (Unix seconds) and webhook-signature
// "v1,<base64 HMAC-SHA256>" over "<id>.<timestamp>.<body>", keyed by the base64 part of the
// endpoint's "whsec_…" secret.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"

	secretPrefix = "whsec_"
	secretBytes  = 32
)

var (
	// ErrBadSecret: a secret that is not "whsec_" + base64 of 24 to 64 bytes.
	ErrBadSecret = errors.New("webhook secret must be whsec_ followed by base64 of 24 to 64 bytes")
	// ErrBadSignature: Verify found no valid signature, or the timestamp is too old or new.
	ErrBadSignature = errors.New("webhook signature invalid")
)

// NewSecret makes a signing secret.
func NewSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey is the HMAC key of a "whsec_…" secret.
func secretKey(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, ErrBadSecret
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(key) < 24 || len(key) > 64 {
		return nil, ErrBadSecret
	}
	return key, nil
}

// CheckSecret validates an admin-supplied secret.
func CheckSecret(secret string) error {
	_, err := secretKey(secret)
	return err
}

// Sign sets the three signature headers on h for body sent as event id at time at.
func Sign(h http.Header, secret, id string, at time.Time, body []byte) error {
	key, err := secretKey(secret)
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, "v1,"+signature(key, id, ts, body))
	return nil
}

func signature(key []byte, id, ts string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%s.", id, ts)
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify is what a receiver does: the signature must match one of the space-separated v1 entries
// and the timestamp must be within tolerance of now (replay protection).
func Verify(h http.Header, secret string, body []byte, now time.Time, tolerance time.Duration) error {
	key, err := secretKey(secret)
	if err != nil {
		return err
	}
	id, ts := h.Get(HeaderID), h.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if id == "" || err != nil {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrBadSignature
	}
	want := signature(key, id, ts, body)
	for _, s := range strings.Fields(h.Get(HeaderSignature)) {
		if v, ok := strings.CutPrefix(s, "v1,"); ok && hmac.Equal([]byte(v), []byte(want)) {
			return nil
		}
	}
	return ErrBadSignature
}

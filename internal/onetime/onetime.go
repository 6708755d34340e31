// Package onetime keeps the one-time link tokens e-mailed to account holders (set-password links
// for invited staff and password resets, e-mail verification for self-registered registrants). Only
// a token's SHA-256 is stored; a token works once (spent by a conditional update, so of two
// concurrent uses one wins) and never after it expires. Callers check who may ask for a link; the
// token rows themselves are no viewer's (ent/schema/policy.go denies them all), so every statement
// here runs as a named System context.
package onetime

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/accounttoken"
	"github.com/example/staffcrm/internal/access"
)

// Purpose is what a token is for.
type Purpose = accounttoken.Purpose

const (
	SetPassword = accounttoken.PurposeSET_PASSWORD
	VerifyEmail = accounttoken.PurposeVERIFY_EMAIL
)

// ErrInvalid: the token is unknown, used, expired or for another purpose (one answer for all).
var ErrInvalid = errors.New("one-time link is invalid or has expired")

// Issue stores a new token of purpose for the account, inside tx, and returns its raw value for the
// link; earlier unused tokens of the same purpose stop working.
func Issue(ctx context.Context, tx *ent.Tx, accountID int, purpose Purpose, now, expires time.Time) (string, error) {
	sys := access.System(ctx, "onetime: store a one-time link token for an account the caller may send one to")
	if err := tx.AccountToken.Update().Where(accounttoken.AccountID(accountID), accounttoken.PurposeEQ(purpose),
		accounttoken.UsedAtIsNil()).SetUsedAt(now).Exec(sys); err != nil {
		return "", fmt.Errorf("issue link token: %w", err)
	}
	raw := newRaw()
	if err := tx.AccountToken.Create().SetAccountID(accountID).SetPurpose(purpose).
		SetTokenHash(hash(raw)).SetCreatedAt(now).SetExpiresAt(expires).Exec(sys); err != nil {
		return "", fmt.Errorf("issue link token: %w", err)
	}
	return raw, nil
}

// Spend uses raw for purpose, inside tx, and returns the account it was made for. The token is the
// authority: no viewer is needed.
func Spend(ctx context.Context, tx *ent.Tx, raw string, purpose Purpose, now time.Time) (int, error) {
	if raw == "" {
		return 0, ErrInvalid
	}
	sys := access.System(ctx, "onetime: spend a one-time link token presented by its holder")
	tok, err := tx.AccountToken.Query().Where(accounttoken.TokenHash(hash(raw)), accounttoken.PurposeEQ(purpose)).Only(sys)
	if ent.IsNotFound(err) {
		return 0, ErrInvalid
	}
	if err != nil {
		return 0, fmt.Errorf("spend link token: %w", err)
	}
	n, err := tx.AccountToken.Update().Where(accounttoken.ID(tok.ID), accounttoken.UsedAtIsNil(),
		accounttoken.ExpiresAtGT(now)).SetUsedAt(now).Save(sys)
	if err != nil {
		return 0, fmt.Errorf("spend link token: %w", err)
	}
	if n != 1 {
		return 0, ErrInvalid
	}
	return tok.AccountID, nil
}

func newRaw() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hash(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}

// Package dbtx runs functions in one ent transaction; it imports only ent, so schema hooks and
// services alike can use it (internal/database imports the schema through ent/runtime).
package dbtx

import (
	"context"
	"errors"
	"fmt"

	"github.com/example/staffcrm/ent"
)

// WithTx runs f in one transaction of client: committed when f returns nil or an error made by
// KeepWrites, rolled back otherwise (a failed rollback is joined to f's error, never dropped).
func WithTx(ctx context.Context, client *ent.Client, f func(tx *ent.Tx) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	ferr := f(tx)
	var kept *keptError
	if ferr != nil && !errors.As(ferr, &kept) {
		if rerr := tx.Rollback(); rerr != nil {
			return errors.Join(ferr, fmt.Errorf("rollback: %w", rerr))
		}
		return ferr
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if kept != nil {
		return kept.err
	}
	return nil
}

// KeepWrites marks an error whose transaction must still commit: a refusal that is itself a
// recorded outcome (routing's rate limit writes the decision that refused).
func KeepWrites(err error) error { return &keptError{err: err} }

type keptError struct{ err error }

func (e *keptError) Error() string { return e.err.Error() }
func (e *keptError) Unwrap() error { return e.err }

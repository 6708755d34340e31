package dbtx_test

import (
	"context"
	"errors"
	"testing"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/dbtx"
)

// TestWithTx: nil commits, an error rolls back and comes back as is, KeepWrites commits and returns
// the error it marks; on both databases.
func TestWithTx(t *testing.T) {
	errRefused := errors.New("refused")
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			ctx := access.System(context.Background(), "test: transactions")
			count := func() int { return db.Client.Agency.Query().CountX(ctx) }
			create := func(slug string, result error) error {
				return dbtx.WithTx(ctx, db.Client, func(tx *ent.Tx) error {
					if _, err := tx.Agency.Create().SetName(slug).SetSlug(slug).Save(ctx); err != nil {
						return err
					}
					return result
				})
			}
			for _, tc := range []struct {
				name   string
				result error
				want   error
				rows   int
			}{
				{"commit", nil, nil, 1},
				{"rollback", errRefused, errRefused, 0},
				{"keep writes", dbtx.KeepWrites(errRefused), errRefused, 1},
			} {
				before := count()
				err := create("tx-"+tc.name[:4]+string(rune('a'+before)), tc.result)
				if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
					t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
				}
				if got := count() - before; got != tc.rows {
					t.Errorf("%s: %d rows written, want %d", tc.name, got, tc.rows)
				}
			}
		})
	}
}

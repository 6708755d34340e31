// Package postings writes job postings for staff. Row and field rules are the posting's ent policy
// and hooks (a sales rep's own postings, the minimum wage); this package adds the transaction, so
// a posting that opens or closes commits together with its webhook event (internal/webhooks).
package postings

import (
	"context"
	"fmt"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/internal/dbtx"
)

// Service writes postings as the viewer in ctx.
type Service struct{ Client *ent.Client }

// Create makes a posting.
func (s *Service) Create(ctx context.Context, in ent.CreatePostingInput) (*ent.Posting, error) {
	var p *ent.Posting
	err := dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) (err error) {
		p, err = tx.Posting.Create().SetInput(in).Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create posting: %w", err)
	}
	return p.Unwrap(), nil
}

// Update changes a posting the viewer may write.
func (s *Service) Update(ctx context.Context, id int, in ent.UpdatePostingInput) (*ent.Posting, error) {
	var p *ent.Posting
	err := dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) (err error) {
		p, err = tx.Posting.UpdateOneID(id).SetInput(in).Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update posting: %w", err)
	}
	return p.Unwrap(), nil
}

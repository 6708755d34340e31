package access

import (
	"context"
	"errors"
	"fmt"

	"entgo.io/ent"

	"github.com/example/staffcrm/internal/auth"
)

// ErrCrossTenant is returned when a write names an agency other than the viewer's.
var ErrCrossTenant = errors.New("row belongs to another agency")

type agencyMutation interface {
	AgencyID() (int, bool)
	SetAgencyID(int)
}

// TenantHook sets agency_id on created rows from the viewer, so the agency is never taken from input.
// System contexts (seed, jobs) must set it themselves.
func TenantHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			am, ok := m.(agencyMutation)
			if !ok || !m.Op().Is(ent.OpCreate) {
				return next.Mutate(ctx, m)
			}
			id, set := am.AgencyID()
			v, hasViewer := auth.ViewerFrom(ctx)
			switch {
			case hasViewer && !set:
				am.SetAgencyID(v.AgencyID)
			case hasViewer && id != v.AgencyID:
				return nil, fmt.Errorf("create %s: %w", m.Type(), ErrCrossTenant)
			case !hasViewer && !set:
				return nil, fmt.Errorf("create %s: agency not set", m.Type())
			}
			return next.Mutate(ctx, m)
		})
	}
}

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

// ErrEdgeTargetNotFound is returned when a write points an edge at a row the viewer cannot see (of
// another agency, outside the viewer's scope, or missing): the same answer as a missing id.
var ErrEdgeTargetNotFound = errors.New("edge target not found")

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

// OwnerHook sets field on rows created by a viewer of role to the viewer's profile id, ignoring
// whatever the input said: a registrant's skill belongs to that registrant, a sales rep's new posting
// to that rep.
func OwnerHook(role auth.Role, field string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if !m.Op().Is(ent.OpCreate) {
				return next.Mutate(ctx, m)
			}
			if v, ok := auth.ViewerFrom(ctx); ok && v.Role == role {
				if v.ProfileID <= 0 {
					return nil, fmt.Errorf("create %s: %w", m.Type(), ErrNoProfile)
				}
				if err := m.SetField(field, v.ProfileID); err != nil {
					return nil, fmt.Errorf("create %s: %w", m.Type(), err)
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// ErrNoProfile is returned when a viewer whose role needs a profile has none.
var ErrNoProfile = errors.New("account has no profile for its role")

// ActorAccountHook sets field on rows created by a viewer of one of roles to the viewer's account id
// (e.g. the staff member who logged a contact owns its callback).
func ActorAccountHook(field string, roles ...auth.Role) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if v, ok := auth.ViewerFrom(ctx); ok && m.Op().Is(ent.OpCreate) {
				for _, r := range roles {
					if v.Role == r {
						if err := m.SetField(field, v.AccountID); err != nil {
							return nil, fmt.Errorf("create %s: %w", m.Type(), err)
						}
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// Package access holds the privacy rules and hooks the ent schemas compose into their policies
// (DESIGN.md §4). Every policy built here ends in a deny rule.
package access

import (
	"context"
	"errors"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/internal/auth"
)

// ErrNoViewer is wrapped into the privacy denial of anonymous callers, so the GraphQL edge can answer
// UNAUTHENTICATED instead of FORBIDDEN.
var ErrNoViewer = errors.New("no authenticated viewer")

type systemKey struct{}

// System returns a context that bypasses every privacy rule, for trusted server work that has no
// viewer yet or must see across scopes: looking up an account at login, rotating refresh tokens,
// seeding, background jobs. The reason names the use so it shows up in reviews and logs; keep each
// use narrow (one lookup or one write), never around a resolver.
func System(ctx context.Context, reason string) context.Context {
	ctx = context.WithValue(ctx, systemKey{}, reason)
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// SystemReason reports whether ctx is a System context, and why.
func SystemReason(ctx context.Context) (string, bool) {
	r, ok := ctx.Value(systemKey{}).(string)
	return r, ok
}

func viewer(ctx context.Context) (*auth.Viewer, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok || v == nil {
		return nil, fmt.Errorf("%w: %w", privacy.Deny, ErrNoViewer)
	}
	return v, nil
}

// DenyIfNoViewer denies anonymous callers.
func DenyIfNoViewer() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if _, err := viewer(ctx); err != nil {
			return err
		}
		return privacy.Skip
	})
}

type agencyFilter interface {
	WhereAgencyID(entql.IntP)
}

type idFilter interface {
	WhereID(entql.IntP)
}

// FilterTenant restricts queries and mutations to the viewer's agency. Rows of other agencies do not
// exist for the viewer: fetching one by id answers NOT_FOUND, exactly like a missing row.
func FilterTenant() privacy.QueryMutationRule {
	return filterAgency(func(f privacy.Filter) (func(entql.IntP), bool) {
		af, ok := f.(agencyFilter)
		if !ok {
			return nil, false
		}
		return af.WhereAgencyID, true
	})
}

// FilterOwnAgency is FilterTenant for the Agency table itself (its id is the agency).
func FilterOwnAgency() privacy.QueryMutationRule {
	return filterAgency(func(f privacy.Filter) (func(entql.IntP), bool) {
		idf, ok := f.(idFilter)
		if !ok {
			return nil, false
		}
		return idf.WhereID, true
	})
}

// filterAgency adds "column = viewer's agency" with the column pick chooses.
func filterAgency(pick func(privacy.Filter) (func(entql.IntP), bool)) privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v, err := viewer(ctx)
		if err != nil {
			return err
		}
		where, ok := pick(f)
		if !ok {
			return privacy.Denyf("access: %T has no agency column", f)
		}
		where(entql.IntEQ(v.AgencyID))
		return privacy.Skip
	})
}

// AllowRoles allows the listed roles (the tenant filter has already run).
func AllowRoles(roles ...auth.Role) privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		v, err := viewer(ctx)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if v.Role == r {
				return privacy.Allow
			}
		}
		return privacy.Skip
	})
}

// AllowStaff allows admins, coordinators and sales reps.
func AllowStaff() privacy.QueryMutationRule {
	return AllowRoles(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSalesRep)
}

// Scoped lets viewers of role through with the predicate built by scope added to the query (or to
// the WHERE of an update/delete), e.g. "postings where I am the account rep". The predicate is built
// from the viewer only. Creates are not scoped by a WHERE, so Scoped skips them: creation is allowed
// by AllowCreate and owner fields are then set from the viewer by hooks.
func Scoped(role auth.Role, scope func(v *auth.Viewer) entql.P) privacy.QueryMutationRule {
	return scopedRule{role: role, scope: scope}
}

type scopedRule struct {
	role  auth.Role
	scope func(v *auth.Viewer) entql.P
}

func (r scopedRule) EvalQuery(ctx context.Context, q ent.Query) error {
	return privacy.FilterFunc(r.filter).EvalQuery(ctx, q)
}

func (r scopedRule) EvalMutation(ctx context.Context, m ent.Mutation) error {
	if m.Op().Is(ent.OpCreate) {
		return privacy.Skip
	}
	return privacy.FilterFunc(r.filter).EvalMutation(ctx, m)
}

func (r scopedRule) filter(ctx context.Context, f privacy.Filter) error {
	v, err := viewer(ctx)
	if err != nil {
		return err
	}
	if v.Role != r.role {
		return privacy.Skip
	}
	f.Where(r.scope(v))
	return privacy.Allow
}

// AllowCreate allows the listed roles to create rows; hooks set the owner fields from the viewer.
func AllowCreate(roles ...auth.Role) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		v, err := viewer(ctx)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if v.Role == r {
				return privacy.Allow
			}
		}
		return privacy.Skip
	})
}

// Everything matches every row (the tenant filter has already been applied).
func Everything(*auth.Viewer) entql.P { return entql.FieldGT("id", 0) }

// NoOtherRows gives a signed-in viewer whom no earlier rule let through an empty scope instead of
// an error: rows outside one's scope simply do not exist for them, so an eager-loaded edge to a type
// they may not read comes back empty (and its field is refused by the field rules) rather than
// failing the whole query, and fetching such a row by id is NOT_FOUND like a missing one.
func NoOtherRows() privacy.QueryRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		if _, err := viewer(ctx); err != nil {
			return err
		}
		f.Where(entql.FieldLT("id", 0))
		return privacy.Allow
	})
}

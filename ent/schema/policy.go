package schema

import (
	"context"
	"strings"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

// tenantPolicy is the policy of every tenant-owned entity: anonymous callers are denied, rows are
// filtered to the viewer's agency, then the entity's own read rules run, and anything not allowed by
// then is denied. Writes are for admins of the agency unless the entity widens them.
func tenantPolicy(read ...privacy.QueryRule) ent.Policy {
	q := privacy.QueryPolicy{access.DenyIfNoViewer(), access.FilterTenant()}
	q = append(q, read...)
	q = append(q, privacy.AlwaysDenyRule())
	return privacy.Policy{
		Query: q,
		Mutation: privacy.MutationPolicy{
			access.DenyIfNoViewer(),
			access.FilterTenant(),
			access.AllowRoles(auth.RoleAdmin),
			privacy.AlwaysDenyRule(),
		},
	}
}

// systemOnlyPolicy is for rows only trusted server code touches (refresh tokens).
func systemOnlyPolicy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// ownRowsOfRegistrant lets registrants read rows hanging off their own registrant profile.
func ownRowsOfRegistrant() privacy.QueryRule {
	return access.AllowRegistrantFiltered(access.OwnRegistrant)
}

func (Agency) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			access.DenyIfNoViewer(), access.FilterOwnAgency(),
			access.AllowRoles(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSalesRep, auth.RoleRegistrant),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			access.DenyIfNoViewer(), access.FilterOwnAgency(), access.AllowRoles(auth.RoleAdmin),
			privacy.AlwaysDenyRule(),
		},
	}
}

func (Account) Policy() ent.Policy {
	return tenantPolicy(access.AllowStaff(), access.AllowRegistrantFiltered(func(v *auth.Viewer) entql.P {
		return entql.FieldEQ("id", v.AccountID)
	}))
}

// Hooks lower-cases e-mail addresses: they are unique case-insensitively (§3).
func (Account) Hooks() []ent.Hook {
	return []ent.Hook{func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if em, ok := m.(interface {
				Email() (string, bool)
				SetEmail(string)
			}); ok {
				if e, set := em.Email(); set {
					em.SetEmail(strings.ToLower(strings.TrimSpace(e)))
				}
			}
			return next.Mutate(ctx, m)
		})
	}}
}

func (RefreshToken) Policy() ent.Policy { return systemOnlyPolicy() }

func (Coordinator) Policy() ent.Policy   { return tenantPolicy(access.AllowStaff()) }
func (SalesRep) Policy() ent.Policy      { return tenantPolicy(access.AllowStaff()) }
func (ClientCompany) Policy() ent.Policy { return tenantPolicy(access.AllowStaff()) }
func (ClientSite) Policy() ent.Policy    { return tenantPolicy(access.AllowStaff()) }
func (OrgUnit) Policy() ent.Policy       { return tenantPolicy(access.AllowStaff()) }

func (Posting) Policy() ent.Policy {
	return tenantPolicy(access.AllowStaff(), access.AllowRegistrantFiltered(func(*auth.Viewer) entql.P {
		return entql.And(entql.FieldEQ("status", "OPEN"), entql.FieldEQ("visibility", "PUBLIC"))
	}))
}

func (Registrant) Policy() ent.Policy {
	return tenantPolicy(access.AllowStaff(), access.AllowRegistrantFiltered(func(v *auth.Viewer) entql.P {
		return entql.FieldEQ("account_id", v.AccountID)
	}))
}

func (Skill) Policy() ent.Policy       { return tenantPolicy(access.AllowStaff(), ownRowsOfRegistrant()) }
func (WorkHistory) Policy() ent.Policy { return tenantPolicy(access.AllowStaff(), ownRowsOfRegistrant()) }
func (Inquiry) Policy() ent.Policy     { return tenantPolicy(access.AllowStaff(), ownRowsOfRegistrant()) }
func (Application) Policy() ent.Policy { return tenantPolicy(access.AllowStaff(), ownRowsOfRegistrant()) }
func (Assignment) Policy() ent.Policy  { return tenantPolicy(access.AllowStaff(), ownRowsOfRegistrant()) }
func (ContactLog) Policy() ent.Policy  { return tenantPolicy(access.AllowStaff(), ownRowsOfRegistrant()) }

func (RoutingDecision) Policy() ent.Policy  { return tenantPolicy(access.AllowStaff()) }
func (ApplicationEvent) Policy() ent.Policy { return tenantPolicy(access.AllowStaff()) }
func (AuditEvent) Policy() ent.Policy       { return tenantPolicy(access.AllowRoles(auth.RoleAdmin)) }

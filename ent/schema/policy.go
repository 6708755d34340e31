package schema

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/minwage"
	"github.com/example/staffcrm/internal/webhooks"
)

// Row scope of DESIGN.md §4. Every policy: anonymous callers denied, rows filtered to the viewer's
// agency, then per-role rules, then deny. Field scope is in internal/access/fields.go.

const (
	admin       = auth.RoleAdmin
	coordinator = auth.RoleCoordinator
	salesRep    = auth.RoleSalesRep
	registrant  = auth.RoleRegistrant
)

// policy assembles a tenant policy from read rules and write rules.
func policy(read []privacy.QueryRule, write []privacy.MutationRule) ent.Policy {
	q := privacy.QueryPolicy{access.DenyIfNoViewer(), access.FilterTenant()}
	q = append(q, read...)
	q = append(q, access.NoOtherRows(), privacy.AlwaysDenyRule())
	m := privacy.MutationPolicy{access.DenyIfNoViewer(), access.FilterTenant(), access.AllowRoles(admin)}
	m = append(m, write...)
	m = append(m, privacy.AlwaysDenyRule())
	return privacy.Policy{Query: q, Mutation: m}
}

func reads(rules ...privacy.QueryRule) []privacy.QueryRule        { return rules }
func writes(rules ...privacy.MutationRule) []privacy.MutationRule { return rules }

func all(roles ...auth.Role) privacy.QueryRule { return access.AllowRoles(roles...) }

func scoped(role auth.Role, p func(*auth.Viewer) entql.P) privacy.QueryMutationRule {
	return access.Scoped(role, p)
}

func eq(field string, v any) entql.P { return entql.FieldEQ(field, v) }

func has(edge string, p entql.P) entql.P { return entql.HasEdgeWith(edge, p) }

// ---- shared scopes -------------------------------------------------------------------------------

// repPostings: postings where the viewer is the account rep.
func repPostings(v *auth.Viewer) entql.P { return eq("account_rep_id", v.ProfileID) }

// repRegistrants: registrants a sales rep works with — applicants to, or placed at, their postings,
// or with an inquiry assigned to them.
func repRegistrants(v *auth.Viewer) entql.P {
	return entql.Or(
		has("applications", has("posting", repPostings(v))),
		has("assignments", has("posting", repPostings(v))),
		has("inquiries", eq("sales_rep_id", v.ProfileID)),
	)
}

// coordinatorHandles: registrants a coordinator handles — with an inquiry assigned to them.
func coordinatorHandles(v *auth.Viewer) entql.P {
	return has("inquiries", eq("coordinator_id", v.ProfileID))
}

func ownRegistrant(v *auth.Viewer) entql.P { return eq("registrant_id", v.ProfileID) }

// servedClients: clients a sales rep serves — as the client's service rep, or as the account rep of
// a posting at one of its sites.
func servedClients(v *auth.Viewer) entql.P {
	return entql.Or(eq("service_rep_id", v.ProfileID), has("sites", has("org_units", has("postings", repPostings(v)))))
}

// registrantChild scopes rows hanging off a registrant (skills, work history) like the registrant.
func registrantChild() []privacy.QueryRule {
	return reads(
		all(admin, coordinator),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("registrant", repRegistrants(v)) }),
		scoped(registrant, ownRegistrant),
	)
}

// ---- policies ------------------------------------------------------------------------------------

func (Agency) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			access.DenyIfNoViewer(), access.FilterOwnAgency(),
			all(admin, coordinator, salesRep, registrant),
			privacy.AlwaysDenyRule(),
		},
		Mutation: privacy.MutationPolicy{
			access.DenyIfNoViewer(), access.FilterOwnAgency(), access.AllowRoles(admin),
			privacy.AlwaysDenyRule(),
		},
	}
}

func (Account) Policy() ent.Policy {
	self := func(v *auth.Viewer) entql.P { return eq("id", v.AccountID) }
	return policy(
		reads(all(admin), scoped(coordinator, self), scoped(salesRep, self), scoped(registrant, self)),
		nil,
	)
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

// RefreshToken rows are only touched by internal/session through named System contexts.
func (RefreshToken) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

func (Coordinator) Policy() ent.Policy { return policy(reads(all(admin, coordinator, salesRep)), nil) }
func (SalesRep) Policy() ent.Policy    { return policy(reads(all(admin, coordinator, salesRep)), nil) }

// Client, site and org unit: all staff read. §4 lets every staff role read client names and site
// addresses; postings (which staff all read) must be able to show where they are. Admins edit every
// client; sales reps create clients (as their service rep) and edit the clients they serve, with
// their sites and org units (internal/clients checks the parent client before adding a child);
// coordinators only read. Only admins hand a client to another service rep.
func (ClientCompany) Policy() ent.Policy {
	return policy(reads(all(admin, coordinator, salesRep)),
		writes(access.DenyChangeOf("service_rep_id"), access.AllowCreate(salesRep), scoped(salesRep, servedClients)))
}

func (ClientCompany) Hooks() []ent.Hook {
	return []ent.Hook{access.OwnerHook(salesRep, "service_rep_id")}
}

func (ClientSite) Policy() ent.Policy {
	return policy(reads(all(admin, coordinator, salesRep)), writes(access.AllowCreate(salesRep),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("client", servedClients(v)) })))
}

func (OrgUnit) Policy() ent.Policy {
	return policy(reads(all(admin, coordinator, salesRep)), writes(access.AllowCreate(salesRep),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("site", has("client", servedClients(v))) })))
}

// ConflictDateNotice: the notice history of a site, read by staff; written (never changed) with the
// site by whoever may edit the site.
func (ConflictDateNotice) Policy() ent.Policy {
	return policy(reads(all(admin, coordinator, salesRep)), writes(access.AllowCreate(salesRep)))
}

func (ConflictDateNotice) Hooks() []ent.Hook {
	return []ent.Hook{access.ActorAccountHook("recorded_by_id", admin, salesRep)}
}

// AccountToken rows are only touched by internal/staff through named System contexts.
func (AccountToken) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}

// Posting: staff read all postings (field rules hide other reps' bill rates); registrants read open
// public postings plus those staff introduced to them (linked by an inquiry, application or
// assignment). Sales reps create postings (owned by them) and edit their own.
func (Posting) Policy() ent.Policy {
	introduced := func(v *auth.Viewer) entql.P {
		return entql.Or(
			entql.And(eq("status", "OPEN"), eq("visibility", "PUBLIC")),
			has("applications", ownRegistrant(v)),
			has("inquiries", ownRegistrant(v)),
			has("assignments", ownRegistrant(v)),
		)
	}
	return policy(
		reads(all(admin, coordinator, salesRep), scoped(registrant, introduced)),
		// Only admins hand a posting to another account rep.
		writes(access.DenyChangeOf("account_rep_id"), access.AllowCreate(salesRep), scoped(salesRep, repPostings)),
	)
}

// Hooks: a sales rep's new posting is theirs; no write leaves a posting OPEN below its prefecture's
// minimum wage (internal/minwage).
func (Posting) Hooks() []ent.Hook {
	return []ent.Hook{access.OwnerHook(salesRep, "account_rep_id"), minwage.PostingHook(), webhooks.PostingHook()}
}

// Registrant: admins and coordinators read and edit all; sales reps read the registrants they work
// with; a registrant reads and edits only themself.
func (Registrant) Policy() ent.Policy {
	self := func(v *auth.Viewer) entql.P { return eq("id", v.ProfileID) }
	return policy(
		reads(all(admin, coordinator), scoped(salesRep, repRegistrants), scoped(registrant, self)),
		writes(access.AllowRoles(coordinator), scoped(registrant, self)),
	)
}

// Consent: staff read the agency's consents (a skill sheet goes to a client only with hers); a
// registrant reads her own. No viewer writes one, admins included (a consent is hers to give): only
// internal/registrants does, at sign-up, through System.
func (Consent) Policy() ent.Policy {
	read := policy(reads(all(admin, coordinator, salesRep), scoped(registrant, ownRegistrant)), nil)
	return privacy.Policy{Query: read.(privacy.Policy).Query, Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()}}
}

func (Skill) Policy() ent.Policy {
	return policy(registrantChild(), writes(access.AllowRoles(coordinator), access.AllowCreate(registrant), scoped(registrant, ownRegistrant)))
}

func (Skill) Hooks() []ent.Hook { return []ent.Hook{access.OwnerHook(registrant, "registrant_id")} }

func (WorkHistory) Policy() ent.Policy {
	return policy(registrantChild(), writes(access.AllowRoles(coordinator), access.AllowCreate(registrant), scoped(registrant, ownRegistrant)))
}

func (WorkHistory) Hooks() []ent.Hook {
	return []ent.Hook{access.OwnerHook(registrant, "registrant_id")}
}

// Inquiry: coordinators see theirs and, in COORDINATOR mode, the agency queue; sales reps see theirs
// and those about their postings; registrants their own.
func (Inquiry) Policy() ent.Policy {
	return policy(
		reads(all(admin), scoped(coordinator, coordinatorInquiries), scoped(salesRep, repInquiries), scoped(registrant, ownRegistrant)),
		writes(access.AllowCreate(registrant)),
	)
}

func coordinatorInquiries(v *auth.Viewer) entql.P {
	return entql.Or(eq("coordinator_id", v.ProfileID),
		entql.And(eq("status", "QUEUED"), has("agency", eq("routing_mode", "COORDINATOR"))))
}

func repInquiries(v *auth.Viewer) entql.P {
	return entql.Or(eq("sales_rep_id", v.ProfileID), has("posting", repPostings(v)))
}

// InquiryMessage: whoever sees the inquiry reads its thread. No viewer writes one directly:
// internal/threads checks that the author may post (the registrant, the assignee, an admin).
func (InquiryMessage) Policy() ent.Policy {
	return policy(reads(all(admin),
		scoped(coordinator, func(v *auth.Viewer) entql.P { return has("inquiry", coordinatorInquiries(v)) }),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("inquiry", repInquiries(v)) }),
		scoped(registrant, func(v *auth.Viewer) entql.P { return has("inquiry", ownRegistrant(v)) }),
	), nil)
}

func (Inquiry) Hooks() []ent.Hook {
	return []ent.Hook{access.OwnerHook(registrant, "registrant_id"), webhooks.InquiryHook()}
}

// RoutingDecision: staff see the decisions that concern them; registrants never.
func (RoutingDecision) Policy() ent.Policy {
	coord := func(v *auth.Viewer) entql.P {
		return entql.Or(eq("chosen_coordinator_id", v.ProfileID), has("inquiry", eq("coordinator_id", v.ProfileID)))
	}
	rep := func(v *auth.Viewer) entql.P {
		return entql.Or(eq("chosen_sales_rep_id", v.ProfileID), has("inquiry", eq("sales_rep_id", v.ProfileID)))
	}
	return policy(reads(all(admin), scoped(coordinator, coord), scoped(salesRep, rep)), nil)
}

func applicationScopes() []privacy.QueryRule {
	return reads(
		all(admin),
		scoped(coordinator, func(v *auth.Viewer) entql.P { return has("registrant", coordinatorHandles(v)) }),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("posting", repPostings(v)) }),
	)
}

// Application: registrants apply and withdraw or decline their own; coordinators and account reps
// move the applications in their scope (internal/pipeline decides which moves are legal).
func (Application) Policy() ent.Policy {
	return policy(append(applicationScopes(), scoped(registrant, ownRegistrant)), writes(
		access.AllowCreate(registrant),
		scoped(registrant, ownRegistrant),
		scoped(coordinator, func(v *auth.Viewer) entql.P { return has("registrant", coordinatorHandles(v)) }),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("posting", repPostings(v)) }),
	))
}

// ApplicationEvent: the history (with reasons) is for staff who see the application.
func (ApplicationEvent) Policy() ent.Policy {
	var rules []privacy.QueryRule
	rules = append(rules, all(admin),
		scoped(coordinator, func(v *auth.Viewer) entql.P {
			return has("application", has("registrant", coordinatorHandles(v)))
		}),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("application", has("posting", repPostings(v))) }),
	)
	return policy(rules, nil)
}

// Assignment: placing (and renewing) creates one; staff who may move the application may place it.
func (Assignment) Policy() ent.Policy {
	return policy(reads(
		all(admin),
		scoped(coordinator, func(v *auth.Viewer) entql.P { return has("registrant", coordinatorHandles(v)) }),
		scoped(salesRep, func(v *auth.Viewer) entql.P { return has("posting", repPostings(v)) }),
		scoped(registrant, ownRegistrant),
	), writes(access.AllowCreate(coordinator, salesRep)))
}

// Hooks: new, renewed and terminated assignments are reported to webhooks.
func (Assignment) Hooks() []ent.Hook { return []ent.Hook{webhooks.AssignmentHook()} }

// ContactLog: coordinators work the phones and see all; sales reps their own logs. Staff log contacts
// (owned by them, set by a hook) and close only their own callbacks.
func (ContactLog) Policy() ent.Policy {
	own := func(v *auth.Viewer) entql.P { return eq("staff_id", v.AccountID) }
	return policy(reads(
		all(admin, coordinator),
		scoped(salesRep, own),
		scoped(registrant, ownRegistrant),
	), writes(access.AllowCreate(coordinator, salesRep), scoped(coordinator, own), scoped(salesRep, own)))
}

func (ContactLog) Hooks() []ent.Hook {
	return []ent.Hook{access.ActorAccountHook("staff_id", admin, coordinator, salesRep)}
}

func (AuditEvent) Policy() ent.Policy { return policy(reads(all(admin)), nil) }

// DispatchContact: staff read every contact (the records print them). Admins set all; sales reps
// set the contacts of sites and org units of clients they serve, never the agency's own
// (派遣元責任者 and its complaint desk are the admins' to name).
func (DispatchContact) Policy() ent.Policy {
	served := func(v *auth.Viewer) entql.P {
		return entql.Or(has("site", has("client", servedClients(v))), has("org_unit", has("site", has("client", servedClients(v)))))
	}
	return policy(reads(all(admin, coordinator, salesRep)),
		writes(denyAgencyContact(salesRep), access.AllowCreate(salesRep), scoped(salesRep, served)))
}

// denyAgencyContact refuses role's writes of an agency-level contact (role AGENCY_*).
func denyAgencyContact(role auth.Role) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v, ok := auth.ViewerFrom(ctx)
		if !ok || v.Role != role {
			return privacy.Skip
		}
		if r, set := m.Field("role"); set && strings.HasPrefix(fmt.Sprint(r), "AGENCY_") {
			return privacy.Denyf("only admins name the agency's own contacts")
		}
		return privacy.Skip
	})
}

// LedgerLog: admins and coordinators read every entry; sales reps the entries about registrants
// they work with. Staff record entries (recorded_by set from the viewer) and edit their own; admins
// edit any. No viewer deletes one: the ledger keeps them (the retention purge, a System job, does).
func (LedgerLog) Policy() ent.Policy {
	own := func(v *auth.Viewer) entql.P { return eq("recorded_by_id", v.AccountID) }
	return policy(reads(all(admin, coordinator), scoped(salesRep, func(v *auth.Viewer) entql.P { return has("registrant", repRegistrants(v)) })),
		writes(access.AllowCreate(coordinator, salesRep), scoped(coordinator, own), scoped(salesRep, own)))
}

func (LedgerLog) Hooks() []ent.Hook {
	return []ent.Hook{access.ActorAccountHook("recorded_by_id", admin, coordinator, salesRep), keptForTheLedger}
}

// keptForTheLedger refuses a viewer's delete of a ledger entry (法37条: kept 3 years).
func keptForTheLedger(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if _, system := access.SystemReason(ctx); m.Op().Is(ent.OpDelete|ent.OpDeleteOne) && !system {
			return nil, privacy.Denyf("ledger entries are kept (労働者派遣法37条)")
		}
		return next.Mutate(ctx, m)
	})
}

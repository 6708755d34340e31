// Package respcache serves repeated GraphQL queries from memory while the data under them is
// unchanged. A response is stored under everything it can depend on — the viewer (account, role,
// agency, profile, token version), the operation text, its name and its variables — together with
// the data version of the viewer's agency (database.AgencyVersion), which every committed write to a
// domain row of that agency changes, in any process. A hit therefore costs one tiny statement instead of the query, and a write
// anywhere makes every older entry unreachable at once.
//
// Only operations that are provably functions of (viewer, request, data) are cached: queries whose
// top-level fields are listed in cacheableRoots and whose every selected field is pure (see
// fieldPure). Responses with errors or extensions are never stored.
package respcache

import (
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/example/staffcrm/internal/access"
)

// cacheableRoots are the top-level query fields a cached operation may select: the list views
// front ends poll. Everything else (matching, pipeline views, "my…" views, audit log) is served
// fresh every time.
var cacheableRoots = map[string]bool{
	"publicPostings": true,
	"postings":       true,
	"clients":        true,
	"clientSites":    true,
	"orgUnits":       true,
	"applications":   true,
	"assignments":    true,
	"registrants":    true,
	"coordinators":   true,
	"salesReps":      true,
	"inquiries":      true,
	"contactLogs":    true,
	"node":           true,
	"nodes":          true,
}

// pureExtras are hand-written fields (outside ent.graphql) that read only versioned tables and
// the viewer: no clock, no configuration, no side effect.
var pureExtras = map[string]bool{
	"Query.publicPostings":      true,
	"PublicPostingConnection.*": true,
	"PublicPostingEdge.*":       true,
	// Columns of postings, the workplace from clients and sites, and the area median wage from
	// the open postings of the same category and prefecture.
	"PublicPosting.*":        true,
	"Account.profile":        true,
	"Account.agency":         true,
	"Inquiry.assignee":       true,
	"RoutingDecision.chosen": true,
	"PostingConnection.*":    true,
	"PageInfo.*":             true,
}

// impure fields are generated from ent/schema but computed by hand-written resolvers that read the
// clock or the agency's configuration, or are served from unversioned tables.
var impure = map[string]bool{
	"Registrant.insurance":   true, // continuity depends on today's date
	"Posting.signals":        true, // risk signals depend on today's date
	"Agency.matchingWeights": true,
	"AuditEvent.*":           true, // audit_events is not versioned: audited reads write it
	"AuditEventConnection.*": true,
	"AuditEventEdge.*":       true,
	"Query.auditEvents":      true,
}

// Planner decides, once per distinct operation text, whether an operation may be cached.
type Planner struct {
	schema *ast.Schema
	plans  *lru.Cache[operation, plan]
}

// plan is the decision for one operation.
type plan struct {
	cacheable bool
	// feedOnly: every top-level field is publicPostings, whose answer for a registrant is the
	// agency's open public postings plus those introduced to her, and nothing else about her.
	feedOnly bool
}

// operation identifies a document's operation; a comparable key, so a lookup allocates nothing.
type operation struct{ name, query string }

// NewPlanner remembers the decision for up to size distinct operations.
func NewPlanner(schema *ast.Schema, size int) *Planner {
	plans, err := lru.New[operation, plan](size)
	if err != nil {
		panic(err) // size > 0 by construction
	}
	return &Planner{schema: schema, plans: plans}
}

// Cacheable reports whether the operation named operationName in query may be served from the
// cache. Invalid documents are not: the executor reports their errors.
func (p *Planner) Cacheable(query, operationName string) bool {
	return p.plan(query, operationName).cacheable
}

// FeedOnly reports whether a cacheable operation selects nothing but publicPostings.
func (p *Planner) FeedOnly(query, operationName string) bool {
	return p.plan(query, operationName).feedOnly
}

func (p *Planner) plan(query, operationName string) plan {
	key := operation{name: operationName, query: query}
	if pl, found := p.plans.Get(key); found {
		return pl
	}
	pl := p.decide(query, operationName)
	p.plans.Add(key, pl)
	return pl
}

func (p *Planner) decide(query, operationName string) plan {
	doc, errs := gqlparser.LoadQuery(p.schema, query)
	if len(errs) > 0 {
		return plan{}
	}
	op := doc.Operations.ForName(operationName)
	if op == nil || op.Operation != ast.Query {
		return plan{}
	}
	feedOnly := true
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || !cacheableRoots[f.Name] {
			return plan{} // fragments at the top level are rare; keep the rule simple
		}
		feedOnly = feedOnly && f.Name == "publicPostings"
	}
	if !pureSelection(op.SelectionSet, map[*ast.FragmentDefinition]bool{}) {
		return plan{}
	}
	return plan{cacheable: true, feedOnly: feedOnly}
}

func pureSelection(set ast.SelectionSet, seen map[*ast.FragmentDefinition]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			if strings.HasPrefix(s.Name, "__") || s.Definition == nil || s.ObjectDefinition == nil {
				return false // introspection: served fresh
			}
			if !fieldPure(s.ObjectDefinition.Name, s.Definition) || !pureSelection(s.SelectionSet, seen) {
				return false
			}
		case *ast.InlineFragment:
			if !pureSelection(s.SelectionSet, seen) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Definition == nil {
				return false
			}
			if seen[s.Definition] {
				continue
			}
			seen[s.Definition] = true
			if !pureSelection(s.Definition.SelectionSet, seen) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// fieldPure: a field is a function of (viewer, arguments, versioned data) when it is generated from
// ent/schema (a column or an edge) or listed in pureExtras, and not listed in impure. Audited fields
// are never cached: every read of them must write its audit event.
func fieldPure(typ string, def *ast.FieldDefinition) bool {
	name := typ + "." + def.Name
	if impure[name] || impure[typ+".*"] {
		return false
	}
	if r, ok := access.FieldReader(typ, def.Name); ok && r.Audited {
		return false
	}
	if def.Position != nil && def.Position.Src != nil && def.Position.Src.Name == "ent.graphql" {
		return true
	}
	return pureExtras[name] || pureExtras[typ+".*"]
}

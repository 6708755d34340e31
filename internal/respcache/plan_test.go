package respcache_test

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/respcache"
)

func schema(t *testing.T) *ast.Schema {
	t.Helper()
	return graph.NewSchema(&graph.Resolver{}).Schema()
}

func TestCacheable(t *testing.T) {
	s := schema(t)
	p := respcache.NewPlanner(s, 100)
	for _, c := range []struct {
		name, query, op string
		want            bool
	}{
		{"staff board", `{postings(first: 50, orderBy:{field: CREATED_AT, direction: DESC}, where:{status: OPEN}){edges{node{title createdAt orgUnit{site{client{name}}} applications(first: 5){edges{node{status}}}}}}}`, "", true},
		{"registrant feed", `{publicPostings(first: 50){edges{node{id title clientName introduced wageVsAreaMedian}} pageInfo{hasNextPage endCursor} totalCount}}`, "", true},
		{"fragments and typename", `fragment P on Posting{title __typename} query Board{postings(first: 5){edges{node{...P ... on Posting{id}}}}}`, "Board", true},
		{"node by id", `{node(id: "1"){id ... on Posting{title}}}`, "", true},
		{"named operation among several", `query A{postings(first:1){edges{node{id}}}} mutation B{logout(input:{}){ok}}`, "A", true},
		{"the mutation of a document", `query A{postings(first:1){edges{node{id}}}} mutation B{logout(input:{}){ok}}`, "B", false},
		{"no operation name among several", `query A{postings(first:1){edges{node{id}}}} query B{postings(first:2){edges{node{id}}}}`, "", false},
		{"audited field", `{postings(first: 5){edges{node{id billRate}}}}`, "", false},
		{"audited field in a fragment", `fragment R on Registrant{birthDate} {registrants(first: 5){edges{node{id ...R}}}}`, "", false},
		{"clock-dependent field", `{postings(first: 5){edges{node{id signals{wagePercentile}}}}}`, "", false},
		{"clock-dependent nested field", `{registrants(first: 5){edges{node{id insurance{applies}}}}}`, "", false},
		{"root not listed", `{myApplications{id}}`, "", false},
		{"audit log", `{auditEvents(first: 5){edges{node{id}}}}`, "", false},
		{"one listed root and one not", `{postings(first: 5){edges{node{id}}} myProfile{name}}`, "", false},
		{"introspection", `{postings(first:1){edges{node{id}}} __schema{types{name}}}`, "", false},
		{"mutation", `mutation{logout(input:{}){ok}}`, "", false},
		{"subscription", `subscription{inquiryAssigned{id}}`, "", false},
		{"invalid document", `{postings(first: 5){edges{node{nope}}}}`, "", false},
		{"syntax error", `{postings(`, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A refusal must come from the rules, not from a typo in the test document.
			if _, errs := gqlparser.LoadQuery(s, c.query); len(errs) > 0 && !strings.Contains(c.name, "invalid") && !strings.Contains(c.name, "syntax") {
				t.Fatalf("test document does not validate: %v", errs)
			}
			for range 2 { // the second answer comes from the plan memo
				if got := p.Cacheable(c.query, c.op); got != c.want {
					t.Fatalf("Cacheable = %v, want %v", got, c.want)
				}
			}
		})
	}
}

// TestPureFieldsClassified: every field with a hand-written resolver that a cacheable query can
// reach is classified on purpose — listed pure (pureExtras) or impure — so a new resolver that
// reads the clock cannot become cacheable by default.
func TestPureFieldsClassified(t *testing.T) {
	s := schema(t)
	for _, def := range s.Types {
		if def.Kind != ast.Object || def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			if f.Position == nil || f.Position.Src == nil || f.Position.Src.Name == "ent.graphql" {
				continue
			}
			name := def.Name + "." + f.Name
			if def.Name == "Query" || def.Name == "Mutation" || def.Name == "Subscription" {
				continue // roots are decided by cacheableRoots
			}
			if respcache.FieldPure(def.Name, f) && !respcache.ListedPure(name) {
				t.Errorf("%s is hand-written and treated as pure without being listed", name)
			}
		}
	}
	for _, name := range []string{"Registrant.insurance", "Posting.signals", "Agency.matchingWeights"} {
		typ, field, _ := strings.Cut(name, ".")
		def := s.Types[typ]
		if def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("impure field %s no longer exists: update the list", name)
			continue
		}
		if respcache.FieldPure(typ, def.Fields.ForName(field)) {
			t.Errorf("%s is treated as pure", name)
		}
	}
}

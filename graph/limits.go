package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one GraphQL request may ask for (OWASP GraphQL cheat sheet).
type Limits struct {
	MaxDepth      int // nesting of selections
	MaxAliases    int // aliased fields in one document (alias floods)
	MaxComplexity int // cost: 1 per field, connections multiplied by their page size
}

// DefaultLimits fit the dashboards and the app: the staff board (postings → applications(first: 5))
// costs a few hundred; a connection of 100 with a nested connection of 100 is refused.
var DefaultLimits = Limits{MaxDepth: 12, MaxAliases: 30, MaxComplexity: 5000}

// costSchema prices connections by their page size so `first: 100` nested in `first: 100` is
// 10,000× a single node, as the database work is.
type costSchema struct {
	graphql.ExecutableSchema
	paged map[string]bool // "Type.field" of fields taking first/last
}

func (s costSchema) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if !s.paged[typeName+"."+field] {
		return s.ExecutableSchema.Complexity(ctx, typeName, field, child, args)
	}
	size := 0
	for _, k := range []string{"first", "last"} {
		size = max(size, asInt(args[k]))
	}
	if size == 0 {
		size = DefaultPageSize
	}
	return 1 + child*size, true
}

func asInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	case interface{ Int64() (int64, error) }:
		i, _ := n.Int64()
		return int(i)
	}
	return 0
}

// NewLimitedSchema is the executable schema with page-size-aware complexity.
func NewLimitedSchema(r *Resolver) graphql.ExecutableSchema {
	es := NewSchema(r)
	paged := map[string]bool{}
	for _, t := range es.Schema().Types {
		for _, f := range t.Fields {
			if f.Arguments.ForName("first") != nil || f.Arguments.ForName("last") != nil {
				paged[t.Name+"."+f.Name] = true
			}
		}
	}
	return costSchema{ExecutableSchema: es, paged: paged}
}

// ShapeLimit rejects documents that are too deep or alias too many fields, before execution.
type ShapeLimit struct{ Limits Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = ShapeLimit{}

func (ShapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (ShapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the operation that is about to run.
func (l ShapeLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	aliases := 0
	depth := measure(oc.Operation.SelectionSet, oc.Doc.Fragments, 1, &aliases, map[string]bool{})
	if l.Limits.MaxDepth > 0 && depth > l.Limits.MaxDepth {
		return limitError(fmt.Sprintf("query depth %d exceeds the limit of %d", depth, l.Limits.MaxDepth))
	}
	if l.Limits.MaxAliases > 0 && aliases > l.Limits.MaxAliases {
		return limitError(fmt.Sprintf("%d aliased fields exceed the limit of %d", aliases, l.Limits.MaxAliases))
	}
	return nil
}

func limitError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeBadUserInput}}
}

// measure returns the depth of a selection set and counts aliases, following fragments once each
// (a fragment cycle is already a validation error, but the walk must not loop on it).
func measure(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int, aliases *int, seen map[string]bool) int {
	deepest := depth - 1
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				*aliases++
			}
			d = depth
			if len(s.SelectionSet) > 0 {
				d = measure(s.SelectionSet, frags, depth+1, aliases, seen)
			}
		case *ast.InlineFragment:
			d = measure(s.SelectionSet, frags, depth, aliases, seen)
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := frags.ForName(s.Name); f != nil {
				d = measure(f.SelectionSet, frags, depth, aliases, seen)
			}
			delete(seen, s.Name)
		}
		deepest = max(deepest, d)
	}
	return deepest
}

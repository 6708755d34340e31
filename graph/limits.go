package graph

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/ratelimit"
)

// Limits bound what one GraphQL request may ask for (OWASP GraphQL cheat sheet). All but
// MaxComplexity are checked by DocumentGuard before gqlgen validates the document, because
// validation itself is quadratic in repeated fields and fragment chains.
type Limits struct {
	MaxDepth      int // nesting of selections
	MaxAliases    int // aliased fields in one document, fragments expanded (alias floods)
	MaxComplexity int // cost: 1 per field, connections multiplied by their page size
	// MaxTokens bounds the lexical tokens of a signed-in caller's document, MaxTokensAnonymous an
	// anonymous caller's (graphql-armor's maxTokens): parsing stops at the limit.
	MaxTokens          int
	MaxTokensAnonymous int
	MaxFragments       int // fragment definitions per document
	// MaxRepeats bounds how often one response key occurs in one selection set, fragments merged:
	// validation compares every pair of them.
	MaxRepeats int
}

// DefaultLimits fit the dashboards and the app: the staff board (postings → applications(first: 5))
// costs a few hundred and about 60 tokens; a connection of 100 with a nested connection of 100 is
// refused. At these limits validation of the worst document stays within milliseconds
// (BenchmarkAbusiveDocuments).
// The configurable ones come from config.Defaults.
var DefaultLimits = Limits{MaxDepth: config.Defaults.MaxDepth, MaxAliases: config.Defaults.MaxAliases,
	MaxComplexity: config.Defaults.MaxComplexity, MaxTokens: config.Defaults.MaxTokens,
	MaxTokensAnonymous: config.Defaults.MaxTokensAnon, MaxFragments: 200, MaxRepeats: 20}

// WithDefaults fills zero fields from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&l.MaxDepth, d.MaxDepth}, {&l.MaxAliases, d.MaxAliases}, {&l.MaxComplexity, d.MaxComplexity},
		{&l.MaxTokens, d.MaxTokens}, {&l.MaxTokensAnonymous, d.MaxTokensAnonymous},
		{&l.MaxFragments, d.MaxFragments}, {&l.MaxRepeats, d.MaxRepeats},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return l
}

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

// DocumentGuard refuses oversized and pathological documents before gqlgen parses and validates
// them: a token limit while parsing, then one walk that expands each fragment once (memoized) to
// count fields, aliases, depth and repeated keys. Documents already validated (in the query cache)
// pass untouched, so the dashboards' documents pay this once.
type DocumentGuard struct {
	Limits    Limits // with defaults filled
	Validated graphql.Cache[*ast.QueryDocument]
	// SignedIn tells whether the caller of ctx is authenticated (a larger token budget).
	SignedIn func(context.Context) bool
	// Refusals, when set, is spent per client address by each refused document; an address with
	// none left is refused RATE_LIMITED before parsing.
	Refusals *ratelimit.Limiter
	// NoIntrospection refuses __schema and __type with FORBIDDEN (production). Checked here, once
	// per new document, rather than on every request: a refused document never enters the cache.
	NoIntrospection bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = DocumentGuard{}

func (DocumentGuard) ExtensionName() string                   { return "DocumentGuard" }
func (DocumentGuard) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs after persisted queries are resolved and before parsing.
func (g DocumentGuard) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if _, ok := g.Validated.Get(ctx, p.Query); ok {
		return nil
	}
	if g.Refusals != nil {
		if ok, at := g.Refusals.Check(clientIP(ctx)); !ok {
			return RefusedTooOften(at)
		}
	}
	if err := g.check(ctx, p.Query); err != nil {
		if g.Refusals != nil {
			g.Refusals.Take(clientIP(ctx))
		}
		return err
	}
	return nil
}

// RefusedTooOften is the answer to an address whose refused documents have spent its budget.
func RefusedTooOften(retryAt time.Time) *gqlerror.Error {
	return &gqlerror.Error{Message: "too many refused documents from this address; retry later",
		Extensions: map[string]any{"code": CodeRateLimited, "retryAt": retryAt.UTC().Format(time.RFC3339)}}
}

func (g DocumentGuard) check(ctx context.Context, query string) *gqlerror.Error {
	tokens := g.Limits.MaxTokensAnonymous
	if g.SignedIn != nil && g.SignedIn(ctx) {
		tokens = g.Limits.MaxTokens
	}
	if p := textProblem(query); p != "" {
		return limitError("the document " + p)
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, tokens)
	if err != nil {
		if strings.Contains(err.Error(), "exceeded token limit") {
			return limitError(fmt.Sprintf("the document exceeds the limit of %d tokens", tokens))
		}
		return nil // a syntax error: gqlgen reports it with its position
	}
	if p := literalProblem(doc); p != "" {
		return limitError(p)
	}
	if g.NoIntrospection && introspects(doc) {
		return &gqlerror.Error{Message: "introspection is disabled on this server", Extensions: map[string]any{"code": CodeForbidden}}
	}
	return g.Limits.check(doc)
}

func (l Limits) check(doc *ast.QueryDocument) *gqlerror.Error {
	if len(doc.Fragments) > l.MaxFragments {
		return limitError(fmt.Sprintf("%d fragments exceed the limit of %d", len(doc.Fragments), l.MaxFragments))
	}
	w := shapeWalk{frags: doc.Fragments, memo: map[string]*shape{}, cap: max(l.MaxComplexity, l.MaxRepeats) + 1}
	for _, op := range doc.Operations {
		s := w.set(op.SelectionSet)
		switch {
		case s.depth > l.MaxDepth:
			return limitError(fmt.Sprintf("query depth %d exceeds the limit of %d", s.depth, l.MaxDepth))
		case s.aliases > l.MaxAliases:
			return limitError(fmt.Sprintf("%d aliased fields exceed the limit of %d", s.aliases, l.MaxAliases))
		case s.fields > l.MaxComplexity:
			// Every field costs at least 1, so such a document would fail the complexity limit:
			// refused here before anything walks its expansion.
			return limitError(fmt.Sprintf("the document selects more than %d fields", l.MaxComplexity))
		case s.repeats > l.MaxRepeats:
			return limitError(fmt.Sprintf("a field is selected more than %d times in one selection set", l.MaxRepeats))
		}
	}
	return nil
}

func limitError(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeBadUserInput}}
}

// shape is what a selection set costs with its fragments expanded; counts saturate at the walk's
// cap so a doubling chain of fragments cannot overflow them.
type shape struct {
	depth, fields, aliases int
	repeats                int            // most occurrences of one response key in one set, nested sets included
	keys                   map[string]int // response keys of this set's own level, fragments merged
}

type shapeWalk struct {
	frags ast.FragmentDefinitionList
	memo  map[string]*shape // per fragment; nil value while it is being walked (a cycle)
	cap   int
}

func (w *shapeWalk) add(a, b int) int { return min(a+b, w.cap) }

func (w *shapeWalk) set(set ast.SelectionSet) *shape {
	out := &shape{keys: map[string]int{}}
	merge := func(in *shape) {
		out.depth = max(out.depth, in.depth)
		out.fields = w.add(out.fields, in.fields)
		out.aliases = w.add(out.aliases, in.aliases)
		out.repeats = max(out.repeats, in.repeats)
		for k, n := range in.keys {
			out.keys[k] = w.add(out.keys[k], n)
		}
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			out.keys[key] = w.add(out.keys[key], 1)
			out.fields = w.add(out.fields, 1)
			if s.Alias != "" && s.Alias != s.Name {
				out.aliases = w.add(out.aliases, 1)
			}
			sub := w.set(s.SelectionSet)
			out.depth = max(out.depth, 1+sub.depth)
			out.fields = w.add(out.fields, sub.fields)
			out.aliases = w.add(out.aliases, sub.aliases)
			out.repeats = max(out.repeats, sub.repeats)
		case *ast.InlineFragment:
			merge(w.set(s.SelectionSet))
		case *ast.FragmentSpread:
			if f := w.fragment(s.Name); f != nil {
				merge(f)
			}
		}
	}
	for _, n := range out.keys {
		out.repeats = max(out.repeats, n)
	}
	return out
}

func (w *shapeWalk) fragment(name string) *shape {
	if s, seen := w.memo[name]; seen {
		return s // nil inside a cycle, which validation reports
	}
	def := w.frags.ForName(name)
	if def == nil {
		return nil
	}
	w.memo[name] = nil
	s := w.set(def.SelectionSet)
	w.memo[name] = s
	return s
}

// textProblem says why s cannot be stored as text: PostgreSQL refuses NUL bytes and both databases
// must hold valid UTF-8 (a GET request's document is not decoded from JSON, so it may be neither).
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL character"
	}
	return ""
}

// literalProblem finds a string literal of doc that textProblem refuses.
func literalProblem(doc *ast.QueryDocument) string {
	var inValue func(v *ast.Value) string
	inValue = func(v *ast.Value) string {
		if v == nil {
			return ""
		}
		if v.Kind == ast.StringValue || v.Kind == ast.BlockValue {
			if p := textProblem(v.Raw); p != "" {
				return "a string in the document " + p
			}
		}
		for _, c := range v.Children {
			if p := inValue(c.Value); p != "" {
				return p
			}
		}
		return ""
	}
	var inSet func(set ast.SelectionSet) string
	inSet = func(set ast.SelectionSet) string {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				for _, a := range s.Arguments {
					if p := inValue(a.Value); p != "" {
						return p
					}
				}
				if p := inSet(s.SelectionSet); p != "" {
					return p
				}
			case *ast.InlineFragment:
				if p := inSet(s.SelectionSet); p != "" {
					return p
				}
			}
		}
		return ""
	}
	for _, op := range doc.Operations {
		for _, d := range op.VariableDefinitions {
			if p := inValue(d.DefaultValue); p != "" {
				return p
			}
		}
		if p := inSet(op.SelectionSet); p != "" {
			return p
		}
	}
	for _, f := range doc.Fragments {
		if p := inSet(f.SelectionSet); p != "" {
			return p
		}
	}
	return ""
}

// InputText refuses variables holding text the databases cannot store (NUL, invalid UTF-8) with
// BAD_USER_INPUT, instead of a database error surfacing as INTERNAL mid-write.
type InputText struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = InputText{}

func (InputText) ExtensionName() string                   { return "InputText" }
func (InputText) Validate(graphql.ExecutableSchema) error { return nil }

func (InputText) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	for name, v := range oc.Variables {
		if p := valueProblem(v); p != "" {
			return limitError(fmt.Sprintf("variable $%s: text %s", name, p))
		}
	}
	return nil
}

func valueProblem(v any) string {
	switch x := v.(type) {
	case string:
		return textProblem(x)
	case map[string]any:
		for k, e := range x {
			if p := textProblem(k); p != "" {
				return p
			}
			if p := valueProblem(e); p != "" {
				return p
			}
		}
	case []any:
		for _, e := range x {
			if p := valueProblem(e); p != "" {
				return p
			}
		}
	}
	return ""
}

// introspects reports whether an operation of doc selects __schema or __type at its root (fragments
// on the root included); __typename is fine.
func introspects(doc *ast.QueryDocument) bool {
	var in func(set ast.SelectionSet, seen map[string]bool) bool
	in = func(set ast.SelectionSet, seen map[string]bool) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == "__schema" || s.Name == "__type" {
					return true
				}
			case *ast.InlineFragment:
				if in(s.SelectionSet, seen) {
					return true
				}
			case *ast.FragmentSpread:
				if f := doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
					seen[s.Name] = true
					if in(f.SelectionSet, seen) {
						return true
					}
				}
			}
		}
		return false
	}
	for _, op := range doc.Operations {
		if in(op.SelectionSet, map[string]bool{}) {
			return true
		}
	}
	return false
}

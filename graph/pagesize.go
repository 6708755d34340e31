package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
)

// Page sizes of connections (§9): unset means DefaultPageSize, more than MaxPageSize is refused.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// PageSizeLimit applies the page-size rules to every field that takes Relay `first`/`last` arguments,
// top-level and nested alike, before its resolver runs.
func PageSizeLimit(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Args == nil {
		return next(ctx)
	}
	first, hasFirst := fc.Args["first"]
	last, hasLast := fc.Args["last"]
	if !hasFirst && !hasLast {
		return next(ctx)
	}
	for _, v := range []struct {
		name string
		val  any
	}{{"first", first}, {"last", last}} {
		n, ok := v.val.(*int)
		if !ok || n == nil {
			continue
		}
		if *n < 0 || *n > MaxPageSize {
			return nil, newError(CodeBadUserInput, fmt.Sprintf("%s must be between 0 and %d", v.name, MaxPageSize))
		}
	}
	fp, _ := first.(*int)
	lp, _ := last.(*int)
	if hasFirst && fp == nil && lp == nil {
		n := DefaultPageSize
		fc.Args["first"] = &n
	}
	return next(ctx)
}

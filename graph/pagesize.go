package graph

import (
	"fmt"

	"github.com/99designs/gqlgen/graphql"
)

// Page sizes of connections (§9): unset means DefaultPageSize, more than MaxPageSize is refused.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// applyPageSize applies the page-size rules to a field that takes Relay `first`/`last` arguments,
// top-level and nested alike, before its resolver runs.
func applyPageSize(fc *graphql.FieldContext) error {
	first, hasFirst := fc.Args["first"]
	last, hasLast := fc.Args["last"]
	if !hasFirst && !hasLast {
		return nil
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
			return newError(CodeBadUserInput, fmt.Sprintf("%s must be between 0 and %d", v.name, MaxPageSize))
		}
	}
	fp, _ := first.(*int)
	lp, _ := last.(*int)
	if hasFirst && fp == nil && lp == nil {
		n := DefaultPageSize
		fc.Args["first"] = &n
	}
	return nil
}

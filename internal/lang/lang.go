// Package lang is the language people read messages in: Japanese by default (the product's users are
// Japanese agencies and their registrants), English for a client that asks for it with
// Accept-Language. The edge records it per request; what people read is chosen by it.
package lang

import (
	"context"

	"golang.org/x/text/language"
)

// Lang is a supported language.
type Lang int

const (
	Japanese Lang = iota
	English
)

var matcher = language.NewMatcher([]language.Tag{language.Japanese, language.English})

// FromAcceptLanguage picks the language of an Accept-Language header: English only when the client
// prefers it to Japanese; Japanese for anything else, a malformed or missing header included.
func FromAcceptLanguage(header string) Lang {
	if header == "" {
		return Japanese
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Japanese
	}
	_, i, conf := matcher.Match(tags...)
	if i == 1 && conf != language.No {
		return English
	}
	return Japanese
}

type ctxKey struct{}

// With records the request's language.
func With(ctx context.Context, l Lang) context.Context { return context.WithValue(ctx, ctxKey{}, l) }

// From is the request's language (Japanese when none was recorded: jobs, tests).
func From(ctx context.Context) Lang {
	l, _ := ctx.Value(ctxKey{}).(Lang)
	return l
}

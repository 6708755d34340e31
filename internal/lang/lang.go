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

// Text is a message in both languages. The packages that word messages (compliance findings, match
// explanations) cannot know who will read them, and one result may be served to readers of either
// language, so they write both and the edge picks one with In(From(ctx)).
type Text struct{ JA, EN string }

// In is the text in l: English for English, Japanese otherwise. A text missing in l falls back to
// the other language rather than showing nothing.
func (t Text) In(l Lang) string {
	if l == English {
		if t.EN != "" {
			return t.EN
		}
		return t.JA
	}
	if t.JA != "" {
		return t.JA
	}
	return t.EN
}

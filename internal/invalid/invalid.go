// Package invalid describes a rejected input value: which input field (by its GraphQL name) and why.
// Services return it from their plain-Go validation rules; the GraphQL edge answers BAD_USER_INPUT
// with the field in extensions.field.
package invalid

import "fmt"

// Error says which input field was rejected and why, in words a client can show.
type Error struct {
	Field  string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Reason) }

// Field returns the error for field.
func Field(field, format string, args ...any) *Error {
	return &Error{Field: field, Reason: fmt.Sprintf(format, args...)}
}

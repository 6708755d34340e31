// Package scalar holds the custom GraphQL scalars of the API.
package scalar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalDate writes a calendar date as "YYYY-MM-DD". Dates carry no time zone: a contract that ends
// on 2026-03-31 ends on that day wherever the agency is.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(time.DateOnly)))
	})
}

// UnmarshalDate reads "YYYY-MM-DD" into midnight UTC of that day.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: date must be a string in the form YYYY-MM-DD", ErrInvalidInput)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: date %q is not a valid YYYY-MM-DD date", ErrInvalidInput, s)
	}
	return t, nil
}

package scalar

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// ErrInvalidInput marks a scalar value the client sent that cannot be read; the error presenter
// answers BAD_USER_INPUT for it.
var ErrInvalidInput = errors.New("invalid input")

// MarshalID writes a global id. Ids are integers whose range names the table (ent's global ids), sent
// as strings as Relay expects.
func MarshalID(id int) graphql.Marshaler { return graphql.MarshalIntID(id) }

// UnmarshalID reads a global id sent as a string or a number.
func UnmarshalID(v any) (int, error) {
	id, err := graphql.UnmarshalIntID(v)
	if err != nil {
		return 0, fmt.Errorf("%w: %v is not a valid id", ErrInvalidInput, v)
	}
	if id <= 0 {
		return 0, fmt.Errorf("%w: %s is not a valid id", ErrInvalidInput, strconv.Itoa(id))
	}
	return id, nil
}

package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

// The pipeline's scope contract (issue 14): every method that is given ids checks, under the caller's
// own privacy rules, that each row named is one the caller may see, before it enters access.System
// for the one statement that must see more (the status history it writes, a registrant's whole
// placement record). So a job, a webhook consumer or a CLI calling the service directly gets the
// same answer as the GraphQL edge. A System context is a caller that chose its rows itself; under
// it the checks only ask that the rows exist.

var (
	// ErrNotFound: an application, assignment, posting, registrant or callback named is not one the
	// caller may see (of another agency, outside the caller's scope, or missing).
	ErrNotFound = errors.New("not found")
	// ErrStaffOnly: the method is for staff (the GraphQL field guard refuses registrants first).
	ErrStaffOnly = fmt.Errorf("staff only: %w", privacy.Deny)
)

// viewer returns the signed-in viewer, or nil for a trusted System caller.
func viewer(ctx context.Context, staffOnly bool) (*auth.Viewer, error) {
	v, check, err := access.Caller(ctx)
	if check && staffOnly && !v.Role.IsStaff() {
		return nil, ErrStaffOnly
	}
	return v, err
}

// mustSee is access.MustSee with this package's ErrNotFound.
func mustSee(ctx context.Context, what string, exist func(context.Context) (bool, error)) error {
	return access.MustSee(ctx, what, exist, ErrNotFound)
}

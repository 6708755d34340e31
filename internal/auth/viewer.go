// Package auth holds authentication primitives: roles, the request viewer,
// argon2id password hashing, signed access tokens, opaque refresh tokens and
// the HTTP middleware that turns a bearer token into a viewer.
package auth

import "context"

// Role is an account's role. Staff roles belong to the agency; registrants
// are the workers the agency places.
type Role string

const (
	RoleAdmin       Role = "ADMIN"
	RoleCoordinator Role = "COORDINATOR"
	RoleSalesRep    Role = "SALES_REP"
	RoleRegistrant  Role = "REGISTRANT"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleCoordinator, RoleSalesRep, RoleRegistrant:
		return true
	}
	return false
}

// IsStaff reports whether r is an agency staff role (not a registrant).
func (r Role) IsStaff() bool {
	switch r {
	case RoleAdmin, RoleCoordinator, RoleSalesRep:
		return true
	}
	return false
}

// Viewer is who is calling. Built only from a verified access token (or by
// trusted server code).
type Viewer struct {
	AccountID    int
	AgencyID     int
	Role         Role
	TokenVersion int
	// ProfileID is the id of the coordinator, sales rep or registrant profile linked to the account
	// (0 for admins), so row rules such as "postings where I am the account rep" need no join.
	ProfileID int
	// SessionID is the session (refresh-token family) the access token belongs to: ending that
	// session ends the token. Empty for viewers built by trusted code, checked per account only.
	SessionID string
}

type ctxKey int

const (
	viewerKey ctxKey = iota
	authErrKey
)

// WithViewer returns a context carrying v.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey, v)
}

// Anonymous returns ctx with nobody signed in: a public operation (a sign-up) acts for nobody, even
// when its caller happens to carry a token of some account, perhaps of another agency.
func Anonymous(ctx context.Context) context.Context {
	return context.WithValue(ctx, viewerKey, (*Viewer)(nil))
}

// ViewerFrom returns the viewer in ctx, if any.
func ViewerFrom(ctx context.Context) (*Viewer, bool) {
	v, ok := ctx.Value(viewerKey).(*Viewer)
	return v, ok && v != nil
}

// WithAuthError records why a presented token was rejected, so resolvers can
// answer UNAUTHENTICATED with a reason.
func WithAuthError(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, authErrKey, err)
}

// AuthErrorFrom returns the error recorded by WithAuthError, or nil.
func AuthErrorFrom(ctx context.Context) error {
	err, _ := ctx.Value(authErrKey).(error)
	return err
}

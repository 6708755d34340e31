package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// SessionCheck says whether a verified token still counts: the JWT proves who, the session state
// says whether that session is still alive. Alive returns an error wrapping ErrSessionEnded for a
// session that was ended (logout, password change, disabled account, new role or agency).
type SessionCheck interface {
	Alive(ctx context.Context, v *Viewer) error
}

// ErrSessionEnded is recorded (WithAuthError) for a valid token whose session has ended.
var ErrSessionEnded = errors.New("session ended; sign in again")

// Middleware reads "Authorization: Bearer <jwt>". Without the header the
// request passes through with no viewer. A valid token of a live session puts
// its viewer in the context. A rejected token (or a header not of the Bearer
// form, or a token of an ended session) passes through with no viewer and the
// reason recorded via WithAuthError: the GraphQL layer refuses with
// UNAUTHENTICATED, and login and refresh still work with a stale header.
// sessions may be nil (no session state, e.g. tools); then only the JWT counts.
func Middleware(t *Tokens, sessions SessionCheck) func(http.Handler) http.Handler {
	if t == nil {
		panic("auth: Middleware called with nil *Tokens")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			headers := r.Header.Values("Authorization")
			if len(headers) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			ctx := r.Context()
			tok := ""
			// Several Authorization headers are ambiguous; refuse to pick one.
			if len(headers) == 1 {
				tok = BearerToken(headers[0])
			}
			if tok == "" {
				ctx = WithAuthError(ctx, fmt.Errorf("authorization header: %w", ErrTokenInvalid))
			} else if v, err := Authenticate(ctx, t, sessions, tok); err != nil {
				ctx = WithAuthError(ctx, err)
			} else {
				ctx = WithViewer(ctx, v)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// Authenticate verifies raw and, when sessions is set, that its session is alive. The one rule for
// every transport (HTTP header, websocket connection_init).
func Authenticate(ctx context.Context, t *Tokens, sessions SessionCheck, raw string) (*Viewer, error) {
	v, err := t.Verify(raw)
	if err != nil {
		return nil, err
	}
	if sessions != nil {
		if err := sessions.Alive(ctx, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// BearerToken extracts the token from an Authorization header value
// ("Bearer <token>", scheme case-insensitive). It returns "" if the value is
// absent or not of that form. Exported for websocket init payloads.
func BearerToken(header string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	tok = strings.TrimSpace(tok)
	if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
		return ""
	}
	return tok
}

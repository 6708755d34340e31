package auth

import (
	"fmt"
	"net/http"
	"strings"
)

// Middleware reads "Authorization: Bearer <jwt>". Without the header the
// request passes through with no viewer. A valid token puts its viewer in
// the context. A rejected token (or a header not of the Bearer form) passes
// through with no viewer and the reason recorded via WithAuthError: the
// GraphQL layer answers UNAUTHENTICATED only where a viewer is needed, so
// login and refresh still work with a stale header.
func Middleware(t *Tokens) func(http.Handler) http.Handler {
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
			} else if v, err := t.Verify(tok); err != nil {
				ctx = WithAuthError(ctx, err)
			} else {
				ctx = WithViewer(ctx, v)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
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

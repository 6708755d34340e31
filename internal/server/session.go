package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/golang-jwt/jwt/v5"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/example/staffcrm/internal/auth"
)

// sessionWatcher is what the transport needs from internal/session: the one rule (Alive) and a
// signal when a streaming connection's session ends.
type sessionWatcher interface {
	auth.SessionCheck
	Watch(ctx context.Context, v *auth.Viewer) <-chan struct{}
}

// sessionsOf returns the resolver's session service, nil when there is none (some tools and tests
// build a resolver without one; then only the JWT counts).
func sessionsOf(o Options) sessionWatcher {
	if o.Resolver == nil || o.Resolver.Sessions == nil {
		return nil
	}
	return o.Resolver.Sessions
}

// authenticate is auth.Middleware with the session rule.
func authenticate(o Options, next http.Handler) http.Handler {
	var check auth.SessionCheck
	if s := sessionsOf(o); s != nil {
		check = s
	}
	return auth.Middleware(o.Tokens, check)(next)
}

// errNoToken refuses a connection_init that carries no access token.
var errNoToken = errors.New("no access token: send {\"Authorization\": \"Bearer <accessToken>\"} as the connection_init payload")

// wsAuthenticate authenticates connection_init (browsers cannot set headers on a websocket) by
// the same rule as HTTP. An accepted connection ends, with its subscriptions, when its session
// ends or its token expires: a token must not outlive its refusal on HTTP by staying connected.
func wsAuthenticate(o Options) wsAuthFunc {
	sessions := sessionsOf(o)
	var check auth.SessionCheck
	if sessions != nil {
		check = sessions
	}
	return func(ctx context.Context, p map[string]any) (context.Context, <-chan error, error) {
		raw := ""
		for _, k := range []string{"Authorization", "authorization"} {
			if h, ok := p[k].(string); ok {
				raw = auth.BearerToken(h)
				break
			}
		}
		if tok, ok := p["token"].(string); ok && raw == "" {
			raw = tok
		}
		if raw == "" {
			return ctx, nil, errNoToken
		}
		v, err := auth.Authenticate(ctx, o.Tokens, check, raw)
		switch {
		case errors.Is(err, auth.ErrSessionEnded):
			return ctx, nil, errors.New("session ended; sign in again")
		case errors.Is(err, auth.ErrTokenExpired):
			return ctx, nil, errors.New("access token expired; refresh it and reconnect")
		case err != nil:
			return ctx, nil, errors.New("access token invalid; sign in again")
		}
		ctx = auth.WithViewer(ctx, v)
		end := make(chan error, 1)
		var ended <-chan struct{}
		if sessions != nil {
			ended = sessions.Watch(ctx, v)
		}
		go func() {
			expiry := time.NewTimer(time.Until(expiresAt(raw)))
			defer expiry.Stop()
			for {
				select {
				case <-ended:
					end <- errors.New("session ended; sign in again")
					return
				case <-expiry.C:
					// Verify allows the configured leeway past exp: check again each second
					// until it refuses, so the socket ends exactly when HTTP would refuse.
					if _, err := o.Tokens.Verify(raw); err != nil {
						end <- errors.New("access token expired; refresh it and reconnect")
						return
					}
					expiry.Reset(time.Second)
				case <-ctx.Done():
					return
				}
			}
		}()
		return ctx, end, nil
	}
}

// expiresAt reads exp from a token Verify has accepted.
func expiresAt(raw string) time.Time {
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(raw, claims); err != nil {
		return time.Now()
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return time.Now()
	}
	return exp.Time
}

// refuseEndedSessions answers every root field UNAUTHENTICATED when the request presented a token
// of an ended session, whether or not the field needs a viewer: the token must not quietly count
// as anonymous. login and refreshToken stay open: they authenticate by their input, and a client
// signing in again may still send its stale header.
func refuseEndedSessions(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if !errors.Is(auth.AuthErrorFrom(ctx), auth.ErrSessionEnded) {
		return next(ctx)
	}
	f := graphql.GetRootFieldContext(ctx)
	if f == nil || f.Field.Name == "login" || f.Field.Name == "refreshToken" || f.Field.Name == "__typename" {
		return next(ctx)
	}
	graphql.AddError(ctx, gqlerror.WrapPath(ast.Path{ast.PathName(f.Field.Alias)},
		fmt.Errorf("%s: %w", f.Field.Name, auth.ErrSessionEnded)))
	return graphql.Null
}

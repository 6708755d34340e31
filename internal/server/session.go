package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
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

// authenticate is auth.Middleware with the session rule, and lets the websocket init refuse with
// close code 4403 by holding on to the upgraded connection.
func authenticate(o Options, next http.Handler) http.Handler {
	var check auth.SessionCheck
	if s := sessionsOf(o); s != nil {
		check = s
	}
	return auth.Middleware(o.Tokens, check)(holdSockets(next))
}

// closeForbidden is graphql-transport-ws's "4403: Forbidden".
const closeForbidden = 4403

// wsInit authenticates connection_init (browsers cannot set headers on a websocket) by the same
// rule as HTTP, refuses with 4403, and ends the connection, with its subscriptions, as soon as
// the session ends.
func wsInit(o Options) transport.WebsocketInitFunc {
	sessions := sessionsOf(o)
	var check auth.SessionCheck
	if sessions != nil {
		check = sessions
	}
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		raw := auth.BearerToken(p.Authorization())
		if raw == "" {
			if tok, ok := p["token"].(string); ok {
				raw = tok
			}
		}
		hold, _ := ctx.Value(holdKey{}).(*heldSocket)
		v, err := auth.Authenticate(ctx, o.Tokens, check, raw)
		if err != nil {
			hold.forbid()
			if errors.Is(err, auth.ErrSessionEnded) {
				return ctx, nil, errors.New("unauthenticated: session ended; sign in again")
			}
			return ctx, nil, errors.New("unauthenticated: send a valid access token in connection_init")
		}
		ctx = auth.WithViewer(ctx, v)
		if sessions == nil {
			return ctx, &p, nil
		}
		// Cancelling the connection's context makes gqlgen end every subscription and close; the
		// held socket turns its close frame into 4403.
		ctx, cancel := context.WithCancel(ctx)
		ended := sessions.Watch(ctx, v)
		go func() {
			select {
			case <-ended:
				hold.forbid()
				cancel()
			case <-ctx.Done():
			}
		}()
		return ctx, &p, nil
	}
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

type holdKey struct{}

// heldSocket is the upgraded connection of one websocket request, reachable from its context.
type heldSocket struct {
	forbidden atomic.Bool
}

// forbid makes the connection's close frame 4403 (nil-safe: plain HTTP requests hold nothing).
func (h *heldSocket) forbid() {
	if h != nil {
		h.forbidden.Store(true)
	}
}

func holdSockets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := &heldSocket{}
		next.ServeHTTP(&holdingWriter{ResponseWriter: w, h: h}, r.WithContext(context.WithValue(r.Context(), holdKey{}, h)))
	})
}

type holdingWriter struct {
	http.ResponseWriter
	h *heldSocket
}

func (w *holdingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *holdingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return conn, rw, err
	}
	return &forbiddingConn{Conn: conn, h: w.h}, rw, nil
}

// forbiddingConn rewrites the server's close frame to 4403 once the connection is forbidden.
// gqlgen closes with 1000 whatever the reason and offers no hook for the code; gorilla writes a
// control frame (opcode 0x88, unmasked from a server) in one Write, so it is recognisable here.
type forbiddingConn struct {
	net.Conn
	h *heldSocket
}

func (c *forbiddingConn) Write(p []byte) (int, error) {
	if len(p) >= 2 && p[0] == 0x88 && c.h.forbidden.Load() {
		reason := "Forbidden: session ended or token invalid"
		frame := append([]byte{0x88, byte(2 + len(reason)), closeForbidden >> 8, closeForbidden & 0xff}, reason...)
		if _, err := c.Conn.Write(frame); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

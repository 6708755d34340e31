// Package server wires the HTTP surface: GraphQL at /query, GraphiQL at / in development (unless
// only trusted documents run), health checks, request ids and access logs.
package server

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/ravilushqa/otelgqlgen"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/lang"
	"github.com/example/staffcrm/internal/metrics"
	"github.com/example/staffcrm/internal/persisted"
	"github.com/example/staffcrm/internal/portal"
	"github.com/example/staffcrm/internal/respcache"
)

// Options configure the handler.
type Options struct {
	Resolver    *graph.Resolver
	Tokens      *auth.Tokens
	Ready       func(context.Context) error
	Log         *slog.Logger
	Development bool // GraphiQL, introspection and "did you mean" suggestions
	MaxBodySize int64
	// Limits bound document shape and cost; zero fields take graph.DefaultLimits.
	Limits graph.Limits
	// RequestTimeout bounds one HTTP GraphQL request (not websockets); 0 takes config.Defaults.
	RequestTimeout time.Duration
	// Tracing adds OpenTelemetry spans for operations and resolvers (set when spans are exported:
	// even a no-op tracer costs a field interceptor on every field).
	Tracing bool
	// Metrics, when set, are served at /metrics and fed by every operation.
	Metrics *metrics.Metrics
	// ResponseCache, when set, answers repeated cacheable queries while the data is unchanged.
	ResponseCache *respcache.Cache
	// WebsocketInitTimeout is how long a websocket may wait before connection_init (then 4408);
	// 0 takes 10 s.
	WebsocketInitTimeout time.Duration
	// Closing, when closed, ends every websocket (subscriptions) cleanly: http.Server.Shutdown
	// drains plain requests but does not see hijacked connections.
	Closing <-chan struct{}
	// TrustedDocuments, when set (TRUSTED_DOCUMENTS), is the only documents the server runs, over
	// HTTP and websockets alike, named by id; query text is refused and GraphiQL is not served.
	// Without it, ids are Apollo's automatic persisted queries.
	TrustedDocuments *persisted.Manifest
}

// Handler returns the root HTTP handler.
func Handler(o Options) http.Handler {
	if o.MaxBodySize <= 0 {
		o.MaxBodySize = config.Defaults.MaxBodyBytes
	}
	o.Limits = o.Limits.WithDefaults()
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = config.Defaults.RequestTimeout
	}
	gql := handler.New(graph.NewLimitedSchema(o.Resolver))
	gql.AddTransport(&transportWS{
		// Browsers cannot set headers on a websocket: the token comes in connection_init.
		auth:        wsAuthenticate(o),
		initTimeout: o.WebsocketInitTimeout,
		readLimit:   o.MaxBodySize,
		// Any origin may connect: a token in connection_init, not a cookie, authenticates.
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
	})
	gql.AroundRootFields(refuseEndedSessions)
	gql.AddTransport(transport.Options{})
	gql.AddTransport(httpTransport{})
	gql.AddTransport(uploads()) // multipart/form-data file uploads, at most MaxUploadBytes (bulk import)
	gql.Use(persisted.Documents{Trusted: o.TrustedDocuments, Cache: lru.New[string](100)})
	if o.Development {
		gql.Use(extension.Introspection{})
	} else {
		gql.SetDisableSuggestion(true) // no "did you mean" schema hints in production
	}
	guardDocuments(gql, o)
	if o.Tracing {
		gql.Use(resolverSpans{otelgqlgen.Middleware()}) // spans per operation and resolver
	}
	gql.Use(extension.FixedComplexityLimit(o.Limits.MaxComplexity))
	gql.AroundFields(graph.FieldMiddleware(o.Resolver.Limits))
	gql.AroundOperations(graph.AuditReads(o.Resolver.Client, o.Log))
	gql.AroundOperations(nameOperation)
	gql.AroundOperations(graph.Loaders(o.Resolver.Client))
	if o.Metrics != nil {
		gql.AroundResponses(o.Metrics.Operations)
	}
	gql.SetErrorPresenter(persisted.Presenter(graph.ErrorPresenter(o.Log, RequestID)))
	gql.SetRecoverFunc(graph.Recover)

	mux := http.NewServeMux()
	// gzip large responses (≥ 1 KiB) for clients that accept it, at the fastest level (JSON still
	// shrinks ~5x and it halves gzip CPU); websocket upgrades pass through.
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		panic(err) // static options: cannot fail
	}
	var query http.Handler = gzipUnlessUpgrade(gz, gql)
	if o.ResponseCache != nil {
		// The cache keys on the viewer, so it runs after authentication; it stores compressed bodies
		// itself, so a miss runs the executor without the gzip wrapper.
		if o.Metrics != nil {
			o.ResponseCache.Observe = o.Metrics.CacheResult
		}
		if o.TrustedDocuments != nil {
			o.ResponseCache.Trusted = o.TrustedDocuments // ids are the only way in: cache them
		}
		// Registrants to whom nothing was introduced share one feed entry per agency.
		o.ResponseCache.PersonalFeed = portal.Loader{Client: o.Resolver.Client}.PersonalFeed
		query = o.ResponseCache.Handler(query, gql)
	}
	mux.Handle("/query", negotiate(guardTransport(o, withTimeout(o.RequestTimeout, o.Closing,
		withStatementCount(authenticate(o, query))))))
	mux.Handle("GET /records/{kind}/{file}", withTimeout(o.RequestTimeout, o.Closing, authenticate(o, recordPDF(o))))
	mux.Handle("GET /records/{file}", withTimeout(exportTimeout, o.Closing, authenticate(o, recordCSV(o))))
	mux.Handle("GET /export/{file}", withTimeout(exportTimeout, o.Closing, authenticate(o, gz(exportCSV(o)))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if err := o.Ready(r.Context()); err != nil {
			o.Log.WarnContext(r.Context(), "not ready", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics.Handler())
	}
	if o.Development && o.TrustedDocuments == nil { // GraphiQL sends query text, which trusted documents refuse
		page, assets := graphiqlHandler()
		mux.Handle("GET /{$}", page)
		mux.Handle("GET /graphiql/", gz(assets))
	}
	socks := &sockets{conns: map[*socket]struct{}{}}
	if o.Closing != nil {
		go func() {
			<-o.Closing
			socks.closeAll(200 * time.Millisecond)
		}()
	}
	return withRequestID(withClientIP(withLanguage(withAccessLog(o.Log, socks, mux))))
}

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status  int
	sockets *sockets
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack hands the connection to the websocket transport (gorilla asserts http.Hijacker directly),
// registered so shutdown can close it cleanly.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	s.status = http.StatusSwitchingProtocols
	conn, rw, err := h.Hijack()
	if err != nil || s.sockets == nil {
		return conn, rw, err
	}
	return s.sockets.add(conn), rw, nil
}

// sockets tracks websocket connections, which http.Server.Shutdown does not see once hijacked.
type sockets struct {
	mu    sync.Mutex
	conns map[*socket]struct{}
}

// socket serialises writes so a final close frame never interleaves with a frame being written.
type socket struct {
	net.Conn
	owner  *sockets
	mu     sync.Mutex
	closed bool
}

func (s *sockets) add(c net.Conn) *socket {
	sc := &socket{Conn: c, owner: s}
	s.mu.Lock()
	s.conns[sc] = struct{}{}
	s.mu.Unlock()
	return sc
}

func (c *socket) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	return c.Conn.Write(p)
}

func (c *socket) Close() error {
	c.owner.mu.Lock()
	delete(c.owner.conns, c)
	c.owner.mu.Unlock()
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return c.Conn.Close()
}

// goingAway sends a websocket close frame (1001 "going away", server frames are unmasked) and closes.
func (c *socket) goingAway() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	reason := "server shutting down"
	frame := append([]byte{0x88, byte(2 + len(reason)), 0x03, 0xE9}, reason...)
	_ = c.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Conn.Write(frame)
	c.closed = true
	_ = c.Conn.Close()
}

// closeAll tells subscribers the stream is over (their contexts end, so gqlgen sends "complete"),
// waits briefly for that to flush, then closes every websocket with a close frame.
func (s *sockets) closeAll(cancelled time.Duration) {
	time.Sleep(cancelled)
	s.mu.Lock()
	conns := make([]*socket, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.goingAway()
	}
}

type operationKey struct{}

// operationName carries the GraphQL operation name from the executor back to the access log.
type operationName struct{ name string }

func nameOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if h, ok := ctx.Value(operationKey{}).(*operationName); ok && graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		h.name = oc.OperationName
		if h.name == "" && oc.Operation != nil {
			h.name = oc.Operation.Name
		}
	}
	return next(ctx)
}

func withAccessLog(log *slog.Logger, socks *sockets, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK, sockets: socks}
		op := &operationName{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), operationKey{}, op)))
		// No query strings, bodies, variables or personal data in logs.
		log.InfoContext(r.Context(), "http request", "method", r.Method, "path", r.URL.Path, "operation", op.name,
			"status", rec.status, "duration_ms", time.Since(start).Milliseconds(), "request_id", RequestID(r.Context()))
	})
}

// ReadHeaderTimeout bounds slow-loris clients.
const ReadHeaderTimeout = 10 * time.Second

// Serve runs srv on ln until ctx ends, then drains in-flight requests for up to grace and closes
// websockets (closeSockets is closed when shutdown starts; pass the channel given as Options.Closing).
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration, closeSockets chan struct{}) error {
	if closeSockets != nil {
		srv.RegisterOnShutdown(func() { close(closeSockets) })
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// withTimeout bounds plain HTTP requests; websocket upgrades live as long as the connection, until
// closing is closed (shutdown), when their context ends and the transport closes them.
func withTimeout(d time.Duration, closing <-chan struct{}, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			ctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			if closing != nil {
				go func() {
					select {
					case <-closing:
						cancel()
					case <-ctx.Done():
					}
				}()
			}
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withLanguage records the language the caller reads (Accept-Language; Japanese by default) for the
// messages it is sent — errors, compliance findings, match explanations. A websocket keeps the one
// of its upgrade request.
func withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(lang.With(r.Context(), lang.FromAcceptLanguage(r.Header.Get("Accept-Language")))))
	})
}

// withClientIP records the peer address for per-IP limits. Behind a proxy, terminate and rewrite
// RemoteAddr there: X-Forwarded-For from the internet is not trusted here.
func withClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		next.ServeHTTP(w, r.WithContext(graph.WithClientIP(r.Context(), host)))
	})
}

// withStatementCount counts the SQL statements a request runs and reports them in the
// X-Sql-Statements response header (written with the response, after execution).
func withStatementCount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, c := database.WithStatementCounter(r.Context())
		next.ServeHTTP(&countingWriter{ResponseWriter: w, c: c}, r.WithContext(ctx))
	})
}

type countingWriter struct {
	http.ResponseWriter
	c       *database.StatementCounter
	written bool
}

func (w *countingWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		w.Header().Set("X-Sql-Statements", strconv.FormatInt(w.c.Count(), 10))
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack passes websocket upgrades through.
func (w *countingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	return h.Hijack()
}

func gzipUnlessUpgrade(gz func(http.Handler) http.HandlerFunc, next http.Handler) http.Handler {
	zipped := gz(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		zipped.ServeHTTP(w, r)
	})
}

// resolverSpans traces operations and resolver fields only: a span for every plain struct field of
// every row cost a third of the CPU of a 50-row list (measured with pprof) and says nothing.
type resolverSpans struct{ otelgqlgen.Tracer }

func (t resolverSpans) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && !fc.IsResolver {
		return next(ctx)
	}
	return t.Tracer.InterceptField(ctx, next)
}

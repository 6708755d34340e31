package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/example/staffcrm/internal/persisted"
)

// The graphql-transport-ws protocol (the graphql-ws library's PROTOCOL.md) and its close codes.
// gqlgen's transport.Websocket closes 1000 or 1002 where the protocol gives a 44xx code, accepts a
// second connection_init and duplicate ids, and has no init timeout by default; clients then cannot
// tell a refusal from a normal close and reconnect forever. This transport speaks the protocol
// exactly and nothing else.
const (
	wsProtocol = "graphql-transport-ws"

	closeBadRequest     = 4400
	closeUnauthorized   = 4401
	closeForbidden      = 4403
	closeSubprotocol    = 4406
	closeInitTimeout    = 4408
	closeDuplicateID    = 4409
	closeTooManyInits   = 4429
	closeGoingAway      = websocket.CloseGoingAway
	wsDefaultInitWait   = 10 * time.Second
	wsDefaultPingPeriod = 15 * time.Second
)

// wsAuthFunc authenticates a connection_init payload. It returns the context operations run in and
// a channel that yields why the connection must end (session ended, token expired), or the
// refusal, which becomes close 4403 with err's text as the reason.
type wsAuthFunc func(ctx context.Context, payload map[string]any) (context.Context, <-chan error, error)

// transportWS is a gqlgen transport for graphql-transport-ws.
type transportWS struct {
	auth         wsAuthFunc
	initTimeout  time.Duration // 0 takes wsDefaultInitWait
	pingInterval time.Duration // websocket ping frames keep proxies from idling the connection out
	readLimit    int64         // largest message accepted (gorilla closes 1009 above it)
	upgrader     websocket.Upgrader
}

func (t *transportWS) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

func (t *transportWS) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	up := t.upgrader
	up.Subprotocols = []string{wsProtocol}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with an HTTP error
	}
	c := &wsConn{t: t, conn: conn, exec: exec, headers: r.Header, subs: map[string]*wsSub{}}
	// The close frame is ours to send (close), with the code the server decided on: no automatic echo.
	conn.SetCloseHandler(func(int, string) error { return nil })
	if t.readLimit > 0 {
		conn.SetReadLimit(t.readLimit)
	}
	if conn.Subprotocol() != wsProtocol {
		// subscriptions-transport-ws ("graphql-ws") and clients offering no protocol are refused
		// with the reason rather than spoken to in a dialect with other message names.
		c.close(closeSubprotocol, "Subprotocol not acceptable: use graphql-transport-ws (legacy graphql-ws is not supported)")
		return
	}
	c.serve(r.Context())
}

type wsConn struct {
	t       *transportWS
	conn    *websocket.Conn
	exec    graphql.GraphExecutor
	headers http.Header

	wmu sync.Mutex // gorilla allows one writer at a time (WriteControl excepted)

	// running counts operation goroutines: the handler returns only after them, since they
	// write to the request's context values (operation name for the access log).
	running sync.WaitGroup

	mu       sync.Mutex
	subs     map[string]*wsSub
	initSeen bool
	ctx      context.Context // the authenticated context once acknowledged, nil before
	closed   bool
	// ending is the close the server has decided on (the session ended) while it still sends the
	// operations their errors: if the peer closes meanwhile (a lazy client does, on the last
	// error), the server answers with this code, not an echo of the peer's.
	ending *wsClose
}

type wsClose struct {
	code   int
	reason string
}

type wsSub struct{ cancel context.CancelFunc }

type wsMessage struct {
	ID      *string         `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func (c *wsConn) serve(ctx context.Context) {
	defer c.running.Wait() // every exit has closed the connection, which ends the operations
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wait := c.t.initTimeout
	if wait <= 0 {
		wait = wsDefaultInitWait
	}
	initTimer := time.AfterFunc(wait, func() {
		c.mu.Lock()
		acked := c.ctx != nil
		c.mu.Unlock()
		if !acked {
			c.close(closeInitTimeout, "Connection initialisation timeout")
		}
	})
	defer initTimer.Stop()
	go c.keepAlive(ctx)
	// The request context ends on shutdown (withTimeout) or when this handler returns.
	go func() {
		<-ctx.Done()
		c.close(closeGoingAway, "server shutting down")
	}()
	for {
		kind, data, err := c.conn.ReadMessage()
		if err != nil {
			c.mu.Lock()
			ending := c.ending
			c.mu.Unlock()
			if ending != nil {
				c.close(ending.code, ending.reason)
			} else {
				c.close(websocket.CloseNormalClosure, "") // the peer went away or we closed
			}
			return
		}
		if kind != websocket.TextMessage {
			c.close(closeBadRequest, "Invalid message received: binary frames are not part of the protocol")
			return
		}
		if !c.handle(ctx, data) {
			return
		}
	}
}

// handle acts on one client message; false when the connection has been closed.
func (c *wsConn) handle(ctx context.Context, data []byte) bool {
	var m wsMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil || m.Type == "" {
		c.close(closeBadRequest, "Invalid message received: not a JSON message with a type")
		return false
	}
	switch m.Type {
	case "connection_init":
		return c.init(ctx, m.Payload)
	case "ping":
		c.send(wsMessage{Type: "pong"})
	case "pong":
	case "subscribe":
		return c.subscribe(m)
	case "complete":
		if m.ID == nil || *m.ID == "" {
			c.close(closeBadRequest, "Invalid message received: complete without an id")
			return false
		}
		c.mu.Lock()
		s := c.subs[*m.ID]
		delete(c.subs, *m.ID) // the client ended it: no complete goes back
		c.mu.Unlock()
		if s != nil {
			s.cancel()
		}
	default:
		c.close(closeBadRequest, truncate(fmt.Sprintf("Invalid message received: unexpected type %q", m.Type)))
		return false
	}
	return true
}

func (c *wsConn) init(ctx context.Context, raw json.RawMessage) bool {
	c.mu.Lock()
	again := c.initSeen
	c.initSeen = true
	c.mu.Unlock()
	if again {
		c.close(closeTooManyInits, "Too many initialisation requests")
		return false
	}
	payload := map[string]any{}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &payload); err != nil {
			c.close(closeBadRequest, "Invalid message received: connection_init payload must be an object")
			return false
		}
	}
	opCtx, ended, err := c.t.auth(ctx, payload)
	if err != nil {
		c.close(closeForbidden, truncate("Forbidden: "+err.Error()))
		return false
	}
	c.mu.Lock()
	c.ctx = opCtx
	c.mu.Unlock()
	c.send(wsMessage{Type: "connection_ack"})
	if ended != nil {
		go func() {
			select {
			case why := <-ended:
				c.forbid(why)
			case <-opCtx.Done():
			}
		}()
	}
	return true
}

// forbid ends every subscription with an UNAUTHENTICATED error saying why, then closes 4403, so
// a client both sees a coded error per operation and knows to renew its token before reconnecting.
func (c *wsConn) forbid(why error) {
	reason := truncate("Forbidden: " + why.Error())
	c.mu.Lock()
	c.ending = &wsClose{code: closeForbidden, reason: reason}
	subs := c.subs
	c.subs = map[string]*wsSub{}
	c.mu.Unlock()
	payload, _ := json.Marshal(gqlerror.List{{Message: why.Error(), Extensions: map[string]any{"code": "UNAUTHENTICATED"}}})
	for id, s := range subs {
		s.cancel()
		c.send(wsMessage{ID: &id, Type: "error", Payload: payload})
	}
	c.close(closeForbidden, reason)
}

func (c *wsConn) subscribe(m wsMessage) bool {
	c.mu.Lock()
	ctx := c.ctx
	c.mu.Unlock()
	if ctx == nil {
		c.close(closeUnauthorized, "Unauthorized")
		return false
	}
	if m.ID == nil || *m.ID == "" {
		c.close(closeBadRequest, "Invalid message received: subscribe without an id")
		return false
	}
	var req request
	dec := json.NewDecoder(bytes.NewReader(m.Payload))
	dec.UseNumber()
	if len(m.Payload) == 0 || dec.Decode(&req) != nil ||
		(req.Query == "" && req.DocumentID == "" && req.Extensions["persistedQuery"] == nil) {
		c.close(closeBadRequest, "Invalid message received: subscribe payload needs a query or a documentId")
		return false
	}
	id := *m.ID
	subCtx, cancel := context.WithCancel(ctx)
	s := &wsSub{cancel: cancel}
	c.mu.Lock()
	_, dup := c.subs[id]
	if !dup {
		c.subs[id] = s
	}
	c.mu.Unlock()
	if dup {
		cancel()
		c.close(closeDuplicateID, truncate(fmt.Sprintf("Subscriber for %s already exists", id)))
		return false
	}
	c.running.Add(1)
	go c.run(persisted.WithDocumentID(subCtx, req.DocumentID), id, s, &req.RawParams)
	return true
}

// run executes one operation and streams its results; errors before execution (parse,
// validation, variables) are the protocol's error message, coded by the error presenter.
func (c *wsConn) run(ctx context.Context, id string, s *wsSub, params *graphql.RawParams) {
	defer c.running.Done()
	defer s.cancel()
	start := graphql.Now()
	params.Headers = c.headers
	params.ReadTime = graphql.TraceTiming{Start: start, End: start}
	ctx = graphql.StartOperationTrace(ctx)
	rc, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		if c.release(id, s) {
			c.sendErrors(id, resp.Errors)
		}
		return
	}
	ctx = graphql.WithOperationContext(ctx, rc)
	defer func() {
		if r := recover(); r != nil {
			err := rc.Recover(ctx, r)
			var gqlErr *gqlerror.Error
			if !errors.As(err, &gqlErr) {
				gqlErr = &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": "INTERNAL"}}
			}
			if c.release(id, s) {
				c.sendErrors(id, gqlerror.List{gqlErr})
			}
		}
	}()
	responses, ctx := c.exec.DispatchOperation(ctx, rc)
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		b, err := json.Marshal(resp)
		if err != nil {
			panic(err) // gqlgen's own response type
		}
		c.send(wsMessage{ID: &id, Type: "next", Payload: b})
	}
	if c.release(id, s) {
		c.send(wsMessage{ID: &id, Type: "complete"})
	}
}

// release removes s if it is still id's operation; false when the client completed it or the
// connection ended it, and then nothing more is sent for it.
func (c *wsConn) release(id string, s *wsSub) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs[id] != s {
		return false
	}
	delete(c.subs, id)
	return true
}

func (c *wsConn) sendErrors(id string, errs gqlerror.List) {
	b, _ := json.Marshal(errs)
	c.send(wsMessage{ID: &id, Type: "error", Payload: b})
}

func (c *wsConn) send(m wsMessage) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_ = c.conn.WriteJSON(m) // a failed write means the connection is gone; the reader sees it
}

func (c *wsConn) keepAlive(ctx context.Context) {
	every := c.t.pingInterval
	if every <= 0 {
		every = wsDefaultPingPeriod
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second))
		}
	}
}

// close sends the close frame once, ends the operations still running and drops the connection.
func (c *wsConn) close(code int, reason string) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	subs := c.subs
	c.subs = map[string]*wsSub{}
	c.mu.Unlock()
	for _, s := range subs {
		s.cancel()
	}
	// Also for a normal closure: it answers the peer's close frame (there is no automatic echo).
	_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	_ = c.conn.Close()
}

// truncate keeps a close reason within the 123 bytes a close frame allows.
func truncate(s string) string {
	if len(s) <= 123 {
		return s
	}
	return s[:120] + "..."
}

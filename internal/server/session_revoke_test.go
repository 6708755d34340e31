package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
)

// An ended session, four ways. Each ends the session of the login it is given (email, its tokens)
// through the API where the API offers it, else the way an operator or the service would.
type ending struct {
	name  string
	email string
	end   func(t *testing.T, d demo, url string, s login)
}

type login struct{ access, refresh string }

func loginAs(t *testing.T, url, email string) login {
	t.Helper()
	r := do(t, url, "", query(fmt.Sprintf(`mutation{login(input:{email:%q,password:"demo-password"}){accessToken refreshToken}}`, email), nil))
	m, ok := r.Data["login"].(map[string]any)
	if !ok {
		t.Fatalf("login %s: %+v", email, r.Errors)
	}
	return login{access: m["accessToken"].(string), refresh: m["refreshToken"].(string)}
}

var endings = []ending{
	{"logout", "coordinator@demo.example", func(t *testing.T, d demo, url string, s login) {
		r := do(t, url, s.access, query(`mutation($rt:String){logout(input:{refreshToken:$rt}){ok}}`, map[string]any{"rt": s.refresh}))
		if len(r.Errors) > 0 {
			t.Fatalf("logout: %+v", r.Errors)
		}
	}},
	{"sign out everywhere", "coordinator2@demo.example", func(t *testing.T, d demo, url string, s login) {
		r := do(t, url, s.access, query(`mutation{logout(input:{allSessions:true}){ok}}`, nil))
		if len(r.Errors) > 0 {
			t.Fatalf("logout all: %+v", r.Errors)
		}
	}},
	{"password change", "coordinator3@demo.example", func(t *testing.T, d demo, url string, s login) {
		v, err := d.tokens.Verify(s.access)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.resolver.Sessions.ChangePassword(auth.WithViewer(context.Background(), v), "demo-password", "a new password"); err != nil {
			t.Fatalf("change password: %v", err)
		}
	}},
	{"account disabled", "sales@demo.example", func(t *testing.T, d demo, url string, s login) {
		sys := access.System(context.Background(), "test: an admin disables the account")
		if err := d.db.Client.Account.Update().Where(account.Email("sales@demo.example")).SetDisabled(true).Exec(sys); err != nil {
			t.Fatal(err)
		}
	}},
}

// rootFieldDocs is one document per root field of the operation type (query or mutation), with
// every required argument given a value of the right shape and an object result reduced to
// __typename: enough to pass validation, so that what answers is the session rule.
func rootFieldDocs(s *ast.Schema, op *ast.Definition, keyword string) map[string]string {
	docs := map[string]string{}
	for _, f := range op.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		var args []string
		for _, a := range f.Arguments {
			if a.Type.NonNull && a.DefaultValue == nil {
				args = append(args, a.Name+":"+literalFor(s, a.Type, 0))
			}
		}
		call := f.Name
		if len(args) > 0 {
			call += "(" + strings.Join(args, ",") + ")"
		}
		if k := s.Types[f.Type.Name()].Kind; k == ast.Object || k == ast.Interface || k == ast.Union {
			call += "{__typename}"
		}
		docs[f.Name] = keyword + "{" + call + "}"
	}
	return docs
}

func literalFor(s *ast.Schema, t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[" + literalFor(s, t.Elem, depth+1) + "]"
	}
	d := s.Types[t.NamedType]
	switch {
	case d.Kind == ast.Enum:
		return d.EnumValues[0].Name
	case d.Kind == ast.InputObject:
		var fs []string
		for _, f := range d.Fields {
			if f.Type.NonNull && f.DefaultValue == nil && depth < 5 {
				fs = append(fs, f.Name+":"+literalFor(s, f.Type, depth+1))
			}
		}
		return "{" + strings.Join(fs, ",") + "}"
	}
	switch d.Name {
	case "Int":
		return "1"
	case "Float":
		return "1.5"
	case "Boolean":
		return "false"
	default: // ID, String and custom scalars (Time, Date, Cursor…) take a string literal
		return `"1"`
	}
}

// TestEndedSessionRefusedOnEveryField: after each of the four endings, the session's access token
// is refused UNAUTHENTICATED on every root query and mutation field, over HTTP with the response
// cache on (a board the viewer read just before must not come back from the cache).
func TestEndedSessionRefusedOnEveryField(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, productionCacheBytes)
			srv := httptest.NewServer(d.handler)
			t.Cleanup(srv.Close)
			schema := graph.NewSchema(d.resolver).Schema()
			docs := rootFieldDocs(schema, schema.Query, "query")
			for name, doc := range rootFieldDocs(schema, schema.Mutation, "mutation") {
				docs["mutation."+name] = doc
			}
			for _, e := range endings {
				t.Run(e.name, func(t *testing.T) {
					s := loginAs(t, srv.URL, e.email)
					board := query(`{postings(first: 5){edges{node{id title}}}}`, nil)
					for range 2 { // the second answer comes from the cache
						if r := do(t, srv.URL, s.access, board); len(r.Errors) > 0 {
							t.Fatalf("board before the end: %+v", r.Errors)
						}
					}
					e.end(t, d, srv.URL, s)
					if r := do(t, srv.URL, s.access, board); codeOf(r) != "UNAUTHENTICATED" || r.Data["postings"] != nil {
						t.Fatalf("cached board after the end: %+v %v", r.Errors, r.Data)
					}
					for name, doc := range docs {
						r := do(t, srv.URL, s.access, query(doc, nil))
						field := strings.TrimPrefix(name, "mutation.")
						if codeOf(r) != "UNAUTHENTICATED" || (r.Data != nil && r.Data[field] != nil) {
							t.Errorf("%s: want UNAUTHENTICATED and no data, got %v data=%v", name, codesOf(r), r.Data)
						}
					}
					t.Logf("%d root fields refused", len(docs))
				})
			}
		})
	}
}

// codeOf is the one code of r's errors ("" without errors, "MIXED" when they differ).
func codeOf(r gqlResponse) string {
	code := ""
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		if code != "" && c != code {
			return "MIXED"
		}
		code = c
	}
	return code
}

// wsDial opens a graphql-transport-ws connection and sends connection_init with token.
func wsDial(t *testing.T, base, token string) *websocket.Conn {
	t.Helper()
	dl := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	conn, _, err := dl.Dial("ws"+strings.TrimPrefix(base, "http")+"/query", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		t.Fatal(err)
	}
	return conn
}

// closeCode reads until the server closes conn or deadline passes; -1 on timeout, 0 if dropped
// without a close frame. acked reports whether a connection_ack came first.
func closeCode(conn *websocket.Conn, deadline time.Time) (code int, acked bool) {
	_ = conn.SetReadDeadline(deadline)
	for {
		var m map[string]any
		if err := conn.ReadJSON(&m); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code, acked
			}
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				return -1, acked
			}
			return 0, acked
		}
		acked = acked || m["type"] == "connection_ack"
	}
}

// TestEndedSessionEndsSubscriptions: for each ending, a subscription already streaming is closed
// (4403) within 1 s, and a new connection with the token is refused with 4403.
func TestEndedSessionEndsSubscriptions(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 0)
			srv := httptest.NewServer(d.handler)
			t.Cleanup(srv.Close)
			for _, e := range endings {
				t.Run(e.name, func(t *testing.T) {
					s := loginAs(t, srv.URL, e.email)
					conn := wsDial(t, srv.URL, s.access)
					var ack map[string]any
					_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
					if err := conn.ReadJSON(&ack); err != nil || ack["type"] != "connection_ack" {
						t.Fatalf("no ack: %v %v", ack, err)
					}
					sub := `subscription{inquiryAssigned{id}}`
					if err := conn.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": sub}}); err != nil {
						t.Fatal(err)
					}
					time.Sleep(100 * time.Millisecond) // the subscription is streaming
					e.end(t, d, srv.URL, s)
					ended := time.Now()
					if code, _ := closeCode(conn, ended.Add(time.Second)); code != 4403 {
						t.Fatalf("streaming subscription: close code %d within 1s, want 4403", code)
					}
					t.Logf("closed after %v", time.Since(ended).Round(time.Millisecond))
					if code, acked := closeCode(wsDial(t, srv.URL, s.access), time.Now().Add(5*time.Second)); code != 4403 || acked {
						t.Fatalf("new connection: close code %d (acked %v), want 4403 without ack", code, acked)
					}
				})
			}
		})
	}
}

package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// apiServer is one server process: its own router and its own event bus on the shared database.
func apiServer(t *testing.T, db *database.DB, tokens *auth.Tokens, bus notify.Bus) string {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	router := routing.NewRouter(db.Client, !db.Embedded(), routing.BusEvents{Client: db.Client, Bus: bus, Log: log})
	srv := httptest.NewServer(server.Handler(server.Options{
		Resolver: &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0), Router: router, Bus: bus, Pipeline: &pipeline.Service{Client: db.Client}},
		Tokens:   tokens, Ready: db.Ready, Log: log, Development: true,
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func dialWS(t *testing.T, base, token string) (*wsClient, error) {
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/query", nil)
	if err != nil {
		return nil, err
	}
	c := &wsClient{t: t, conn: conn}
	t.Cleanup(func() { conn.Close() })
	if err := conn.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		return nil, err
	}
	msg, err := c.read(5 * time.Second)
	if err != nil {
		return nil, err
	}
	if msg["type"] != "connection_ack" {
		return nil, fmt.Errorf("no ack: %v", msg)
	}
	return c, nil
}

func (c *wsClient) read(timeout time.Duration) (map[string]any, error) {
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(timeout))
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		if m["type"] == "ping" || m["type"] == "pong" || m["type"] == "ka" {
			continue
		}
		return m, nil
	}
}

func (c *wsClient) subscribe(id, q string) {
	c.t.Helper()
	if err := c.conn.WriteJSON(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": q}}); err != nil {
		c.t.Fatal(err)
	}
}

// TestSubscriptions: a registrant's inquiry created on one server reaches, live, the coordinator it
// was assigned to and the registrant — on another server process when the store is PostgreSQL
// (LISTEN/NOTIFY), in process on SQLite. Other coordinators hear nothing; bad tokens are refused.
func TestSubscriptions(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			sys := access.System(context.Background(), "test: seed")
			if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
				t.Fatal(err)
			}
			secret, _ := auth.RandomSecret()
			tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
			var busA, busB notify.Bus
			if kind == dbtest.Postgres {
				url := db.URL()
				var err error
				ch := fmt.Sprintf("test_events_%d", time.Now().UnixNano())
				log := slog.New(slog.NewJSONHandler(io.Discard, nil))
				if busA, err = notify.NewPostgres(context.Background(), db.SQL, url, ch, log); err != nil {
					t.Fatal(err)
				}
				other, err := database.Open(context.Background(), database.Config{URL: url})
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				if busB, err = notify.NewPostgres(context.Background(), other.SQL, url, ch, log); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { busA.Close(); busB.Close() })
			} else {
				busA = notify.NewLocal()
				busB = busA
			}
			a := apiServer(t, db, tokens, busA)
			b := apiServer(t, db, tokens, busB)
			login := func(email string) string {
				r := do(t, a, "", query(`mutation($e:String!){login(input:{email:$e,password:"demo-password"}){accessToken}}`, map[string]any{"e": email}))
				if len(r.Errors) > 0 {
					t.Fatalf("login %s: %v", email, codesOf(r))
				}
				return r.Data["login"].(map[string]any)["accessToken"].(string)
			}
			if _, err := dialWS(t, a, "forged.token.here"); err == nil {
				t.Fatal("websocket accepted a forged token")
			}
			coords := map[string]*wsClient{}
			for _, email := range []string{"coordinator@demo.example", "coordinator2@demo.example", "coordinator3@demo.example"} {
				c, err := dialWS(t, a, login(email))
				if err != nil {
					t.Fatal(err)
				}
				c.subscribe("1", `subscription{inquiryAssigned{id status}}`)
				coords[email] = c
			}
			regToken := login("registrant@demo.example")
			reg, err := dialWS(t, a, regToken)
			if err != nil {
				t.Fatal(err)
			}
			reg.subscribe("1", `subscription{myInquiryUpdated{id status assigneeName}}`)
			time.Sleep(100 * time.Millisecond) // let the subscriptions register before the event

			r := do(t, b, regToken, query(`mutation{createInquiry(input:{kind:GENERAL,message:"live?"}){myInquiry{id status}}}`, nil))
			if len(r.Errors) > 0 {
				t.Fatal(codesOf(r))
			}
			mine := r.Data["createInquiry"].(map[string]any)["myInquiry"].(map[string]any)
			id := mine["id"].(string)
			inq := db.Client.Inquiry.GetX(sys, atoi(id))
			if inq.CoordinatorID == nil {
				t.Fatalf("inquiry not assigned: %v", inq.Status)
			}
			owner := db.Client.Coordinator.Query().Where().AllX(sys)
			var ownerEmail string
			for _, c := range owner {
				if c.ID == *inq.CoordinatorID {
					ownerEmail = c.QueryAccount().OnlyX(sys).Email
				}
			}
			got, err := coords[ownerEmail].read(5 * time.Second)
			if err != nil {
				t.Fatalf("assignee %s got no event: %v", ownerEmail, err)
			}
			payload := got["payload"].(map[string]any)["data"].(map[string]any)["inquiryAssigned"].(map[string]any)
			if got["type"] != "next" || payload["id"] != id || payload["status"] != "ASSIGNED" {
				t.Fatalf("assignee event: %v", got)
			}
			ev, err := reg.read(5 * time.Second)
			if err != nil {
				t.Fatalf("registrant got no event: %v", err)
			}
			if p := ev["payload"].(map[string]any)["data"].(map[string]any)["myInquiryUpdated"].(map[string]any); p["id"] != id || p["assigneeName"] == nil {
				t.Fatalf("registrant event: %v", ev)
			}
			for email, c := range coords {
				if email == ownerEmail {
					continue
				}
				if m, err := c.read(300 * time.Millisecond); err == nil {
					t.Fatalf("%s, not the assignee, was told: %v", email, m)
				}
			}
		})
	}
}

// TestWebsocketsClosedOnShutdown: when shutdown starts, a subscriber's connection ends with a proper
// close frame (gqlgen's 1000 once its context ends, or our 1001 going away), not a dropped socket.
func TestWebsocketsClosedOnShutdown(t *testing.T) {
	db := dbtest.Open(t, dbtest.SQLite)
	sys := access.System(context.Background(), "test: seed")
	if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return auth.HashPasswordWith(cheap, pw) }); err != nil {
		t.Fatal(err)
	}
	secret, _ := auth.RandomSecret()
	tokens, _ := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	bus := notify.NewLocal()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	closing := make(chan struct{})
	srv := httptest.NewServer(server.Handler(server.Options{
		Resolver: &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0), Bus: bus},
		Tokens:   tokens, Ready: db.Ready, Log: log, Closing: closing,
	}))
	defer srv.Close()
	r := do(t, srv.URL, "", query(`mutation{login(input:{email:"coordinator@demo.example",password:"demo-password"}){accessToken}}`, nil))
	c, err := dialWS(t, srv.URL, r.Data["login"].(map[string]any)["accessToken"].(string))
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("1", `subscription{inquiryAssigned{id}}`)
	time.Sleep(100 * time.Millisecond)
	close(closing)
	completed := false
	for {
		m, err := c.read(3 * time.Second)
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || (ce.Code != websocket.CloseGoingAway && ce.Code != websocket.CloseNormalClosure) {
				t.Fatalf("want a close frame (1000 or 1001), got %v", err)
			}
			break
		}
		completed = completed || m["type"] == "complete"
	}
	t.Logf("subscription completed before the close frame: %v", completed)
}

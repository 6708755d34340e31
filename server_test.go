package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/seed"
)

// TestServeDemoLogins starts the server exactly as `go run .` does (fresh store, migrate, seed),
// then signs in with every documented demo login over HTTP and asks for the viewer.
func TestServeDemoLogins(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			env := map[string]string{"ADDR": freeAddr(t), "DATA_DIR": t.TempDir()}
			if kind == dbtest.Postgres {
				env["DATABASE_URL"] = dbtest.ScratchPostgres(t)
				env["SEED_DEMO"] = "true"
			}
			cfg, err := config.Load(nil, func(k string) string { return env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- serve(ctx, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil))) }()
			base := "http://" + cfg.Addr
			waitHealthy(t, base, done)

			for _, l := range seed.DemoLogins {
				t.Run(l.Email, func(t *testing.T) {
					var login struct {
						Login struct {
							AccessToken string
							Viewer      struct{ Email, Role string }
						}
					}
					post(t, base, "", `mutation($e:String!,$p:String!){login(input:{email:$e,password:$p}){accessToken viewer{email role}}}`,
						map[string]any{"e": l.Email, "p": seed.DemoPassword}, &login)
					if login.Login.AccessToken == "" || login.Login.Viewer.Email != l.Email {
						t.Fatalf("login answered %+v", login)
					}
					var viewer struct {
						Viewer struct {
							Email, Role string
							Agency      struct{ Slug string }
							Profile     *struct {
								Typename string `json:"__typename"`
							}
						}
						MyProfile *struct{ Name string }
					}
					// Staff read their profile through the staff type; registrants through myProfile
					// (the staff Registrant type is not theirs to read).
					q := `{viewer{email role agency{slug} profile{__typename}}}`
					if l.Role == "REGISTRANT" {
						q = `{viewer{email role agency{slug}} myProfile{name}}`
					}
					post(t, base, login.Login.AccessToken, q, nil, &viewer)
					v := viewer.Viewer
					if v.Email != l.Email || v.Role != l.Role || v.Agency.Slug != l.AgencySlug {
						t.Fatalf("viewer = %+v, want %+v", v, l)
					}
					wantProfile := map[string]string{"COORDINATOR": "Coordinator", "SALES_REP": "SalesRep"}[l.Role]
					switch {
					case l.Role == "REGISTRANT":
						if viewer.MyProfile == nil || viewer.MyProfile.Name == "" {
							t.Fatalf("registrant has no profile: %+v", viewer)
						}
					case wantProfile == "" && v.Profile != nil:
						t.Fatalf("admin has profile %+v", v.Profile)
					case wantProfile != "" && (v.Profile == nil || v.Profile.Typename != wantProfile):
						t.Fatalf("profile = %+v, want %s", v.Profile, wantProfile)
					}
				})
			}

			// Metrics: operations, errors by code, routing queue, database pool.
			resp, err := http.Get(base + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, want := range []string{"staffcrm_graphql_requests_total", "staffcrm_graphql_request_duration_seconds",
				"staffcrm_routing_queue_length", `go_sql_open_connections{db_name="staffcrm"}`} {
				if !strings.Contains(string(raw), want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v after shutdown", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("server did not shut down")
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v", err)
		default:
		}
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server not ready within 60s")
}

func post(t *testing.T, base, token, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("HTTP %d, not JSON: %s", resp.StatusCode, raw)
	}
	if len(env.Errors) > 0 || resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d errors: %s", resp.StatusCode, strings.TrimSpace(fmt.Sprint(string(raw))))
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		t.Fatalf("decode %s: %v", env.Data, err)
	}
}

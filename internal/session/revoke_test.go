package session_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/refreshtoken"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/session"
)

// TestParallelRefreshWithinWindow: 16 refreshes of one token at once (on PostgreSQL half of them
// through a second process's client) all answer with the one successor pair or the retryable
// ErrRefreshBusy; the successor refreshes afterwards; presenting the first token after the window
// is a reuse: the family is revoked and the account's admins see an audit event.
func TestParallelRefreshWithinWindow(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			clk := &clock{t: time.Now()}
			db := dbtest.Open(t, kind)
			f := fixtureOn(t, db, session.WithClock(clk.now))
			services := []*session.Service{f.svc}
			if kind == dbtest.Postgres {
				other, err := database.Open(context.Background(), database.Config{URL: db.URL()})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = other.Close() })
				services = append(services, session.New(other.Client, f.tokens, 0, session.WithClock(clk.now)))
			}
			ctx := context.Background()
			s, err := f.svc.Login(ctx, "staff@example.jp", "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			const n = 16
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				answers = map[[2]string]int{}
				busy    int
				other   []error
			)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got, err := services[i%len(services)].Refresh(ctx, s.RefreshToken)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						answers[[2]string{got.AccessToken, got.RefreshToken}]++
					case errors.Is(err, session.ErrRefreshBusy):
						busy++
					default:
						other = append(other, err)
					}
				}()
			}
			wg.Wait()
			if len(answers) != 1 || len(other) > 0 {
				t.Fatalf("%d distinct successor pairs, %d busy, other errors %v; want one pair", len(answers), busy, other)
			}
			t.Logf("%d answers with the one successor pair, %d retryable busy", n-busy, busy)
			var successor string
			for pair := range answers {
				successor = pair[1]
			}
			third, err := f.svc.Refresh(ctx, successor)
			if err != nil {
				t.Fatalf("the successor must still refresh: %v", err)
			}
			clk.advance(session.DefaultReuseWindow + time.Second)
			if _, err := f.svc.Refresh(ctx, s.RefreshToken); !errors.Is(err, session.ErrRefreshReused) {
				t.Fatalf("after the window: %v, want ErrRefreshReused", err)
			}
			if _, err := f.svc.Refresh(ctx, third.RefreshToken); !errors.Is(err, session.ErrRefreshInvalid) {
				t.Fatalf("family member after the reuse: %v, want ErrRefreshInvalid", err)
			}
			sys := access.System(ctx, "test: read the audit log")
			if live := f.client.RefreshToken.Query().Where(refreshtoken.RevokedAtIsNil()).CountX(sys); live != 0 {
				t.Fatalf("%d tokens of the family still unrevoked", live)
			}
			acc := f.client.Account.Query().Where(account.Email("staff@example.jp")).OnlyX(sys)
			events := f.client.AuditEvent.Query().Where(auditevent.EntityType("Account"), auditevent.EntityID(acc.ID),
				auditevent.ActionEQ(auditevent.ActionCHANGE)).AllX(sys)
			if len(events) != 1 || len(events[0].Fields) != 1 || events[0].Fields[0] != "refreshTokenReuse" {
				t.Fatalf("audit events: %+v", events)
			}
			// The admin of the agency reads it under their own privacy rules.
			admin := f.client.Account.Query().Where(account.RoleEQ(account.RoleADMIN)).OnlyX(sys)
			actx := auth.WithViewer(ctx, &auth.Viewer{AccountID: admin.ID, AgencyID: admin.AgencyID, Role: auth.RoleAdmin})
			if seen, err := f.client.AuditEvent.Query().Where(auditevent.EntityID(acc.ID)).Count(actx); err != nil || seen != 1 {
				t.Fatalf("admin sees %d reuse events (%v)", seen, err)
			}
		})
	}
}

func fixtureOn(t *testing.T, db *database.DB, opts ...session.Option) fixture {
	t.Helper()
	ctx := access.System(context.Background(), "test fixture")
	ag := db.Client.Agency.Create().SetName("テスト派遣").SetSlug("test").SaveX(ctx)
	hash, err := auth.HashPasswordWith(cheap, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("staff@example.jp").SetPasswordHash(hash).
		SetRole(account.RoleCOORDINATOR).SaveX(ctx)
	db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("off@example.jp").SetPasswordHash(hash).
		SetRole(account.RoleADMIN).SaveX(ctx)
	secret, _ := auth.RandomSecret()
	tokens, err := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "test", Audience: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{client: db.Client, svc: session.New(db.Client, tokens, 0, opts...), tokens: tokens}
}

// TestAlive: every way of ending a session ends it for Alive, in this process and — on
// PostgreSQL — in another process (its own client and cache, following NOTIFY) within 1 s.
func TestAlive(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			f := fixtureOn(t, db)
			checkers := map[string]*session.Service{"this process": f.svc}
			if kind == dbtest.Postgres {
				other, err := database.Open(context.Background(), database.Config{URL: db.URL()})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = other.Close() })
				bus, err := notify.NewPostgres(context.Background(), other.SQL, db.URL(), session.NotifyChannel,
					slog.New(slog.NewTextHandler(io.Discard, nil)))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = bus.Close() })
				b := session.New(other.Client, f.tokens, 0)
				ctx, cancel := context.WithCancel(context.Background())
				t.Cleanup(cancel)
				if err := b.Follow(ctx, bus); err != nil {
					t.Fatal(err)
				}
				checkers["other process"] = b
			}
			ctx := context.Background()
			sys := access.System(ctx, "test: an operator changes the account")
			for _, tc := range []struct {
				name string
				end  func(s *session.Session, v *auth.Viewer)
			}{
				{"logout", func(s *session.Session, v *auth.Viewer) {
					if err := f.svc.Logout(auth.WithViewer(ctx, v), s.RefreshToken, false); err != nil {
						t.Fatal(err)
					}
				}},
				{"sign out everywhere", func(s *session.Session, v *auth.Viewer) {
					if err := f.svc.Logout(auth.WithViewer(ctx, v), "", true); err != nil {
						t.Fatal(err)
					}
				}},
				{"password change", func(s *session.Session, v *auth.Viewer) {
					if _, err := f.svc.ChangePassword(auth.WithViewer(ctx, v), "correct horse", "correct horse"); err != nil {
						t.Fatal(err)
					}
				}},
				{"password set by an operator", func(s *session.Session, v *auth.Viewer) {
					f.client.Account.UpdateOneID(v.AccountID).SetPasswordHash("$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA").ExecX(sys)
				}},
				{"role change", func(s *session.Session, v *auth.Viewer) {
					f.client.Account.UpdateOneID(v.AccountID).SetRole(account.RoleSALES_REP).ExecX(sys)
				}},
				{"account disabled", func(s *session.Session, v *auth.Viewer) {
					f.client.Account.UpdateOneID(v.AccountID).SetDisabled(true).ExecX(sys)
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					hash, _ := auth.HashPasswordWith(cheap, "correct horse")
					f.client.Account.Update().Where(account.Email("staff@example.jp")).
						SetDisabled(false).SetRole(account.RoleCOORDINATOR).SetPasswordHash(hash).ExecX(sys)
					s, err := f.svc.Login(ctx, "staff@example.jp", "correct horse")
					if err != nil {
						t.Fatal(err)
					}
					other, err := f.svc.Login(ctx, "off@example.jp", "correct horse")
					if err != nil {
						t.Fatal(err)
					}
					v, _ := f.tokens.Verify(s.AccessToken)
					ov, _ := f.tokens.Verify(other.AccessToken)
					for name, c := range checkers {
						if err := c.Alive(ctx, v); err != nil {
							t.Fatalf("%s: before the end: %v", name, err)
						}
					}
					tc.end(s, v)
					for name, c := range checkers {
						deadline := time.Now().Add(time.Second)
						for c.Alive(ctx, v) == nil {
							if time.Now().After(deadline) {
								t.Fatalf("%s: session still alive 1s after %s", name, tc.name)
							}
							time.Sleep(5 * time.Millisecond)
						}
						if err := c.Alive(ctx, v); !errors.Is(err, session.ErrSessionEnded) {
							t.Fatalf("%s: %v, want ErrSessionEnded", name, err)
						}
						if err := c.Alive(ctx, ov); err != nil {
							t.Fatalf("%s: another account's session must survive: %v", name, err)
						}
					}
				})
			}
		})
	}
}

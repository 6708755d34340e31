package session_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/refreshtoken"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/session"
)

var cheap = auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}

type fixture struct {
	client *ent.Client
	svc    *session.Service
	tokens *auth.Tokens
}

// clock is a settable session clock (the reuse window); access tokens keep real time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T, kind dbtest.Kind, opts ...session.Option) fixture {
	t.Helper()
	db := dbtest.Open(t, kind)
	ctx := access.System(context.Background(), "test fixture")
	ag := db.Client.Agency.Create().SetName("テスト派遣").SetSlug("test").SaveX(ctx)
	hash, err := auth.HashPasswordWith(cheap, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("Staff@Example.JP").SetPasswordHash(hash).
		SetRole(account.RoleCOORDINATOR).SaveX(ctx)
	db.Client.Account.Create().SetAgencyID(ag.ID).SetEmail("off@example.jp").SetPasswordHash(hash).
		SetRole(account.RoleADMIN).SetDisabled(true).SaveX(ctx)
	secret, _ := auth.RandomSecret()
	tokens, err := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "test", Audience: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{client: db.Client, svc: session.New(db.Client, tokens, 0, opts...), tokens: tokens}
}

func TestLogin(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := setup(t, kind)
			ctx := context.Background()
			for _, tc := range []struct {
				name, email, password string
				want                  error
			}{
				{"ok, e-mail case-insensitive", "  staff@EXAMPLE.jp ", "correct horse", nil},
				{"wrong password", "staff@example.jp", "wrong", session.ErrInvalidCredentials},
				{"unknown e-mail", "nobody@example.jp", "correct horse", session.ErrInvalidCredentials},
				{"disabled", "off@example.jp", "correct horse", session.ErrAccountDisabled},
			} {
				t.Run(tc.name, func(t *testing.T) {
					s, err := f.svc.Login(ctx, tc.email, tc.password)
					if !errors.Is(err, tc.want) {
						t.Fatalf("err = %v, want %v", err, tc.want)
					}
					if tc.want != nil {
						return
					}
					v, err := f.tokens.Verify(s.AccessToken)
					if err != nil {
						t.Fatalf("access token does not verify: %v", err)
					}
					if v.AccountID != s.Account.ID || v.Role != auth.RoleCoordinator || v.AgencyID != s.Account.AgencyID {
						t.Fatalf("claims %+v do not match account %+v", v, s.Account)
					}
					if s.Account.Email != "staff@example.jp" || s.Account.Edges.Agency == nil {
						t.Fatalf("viewer not loaded: %+v", s.Account)
					}
				})
			}
		})
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			clk := &clock{t: time.Now()}
			f := setup(t, kind, session.WithClock(clk.now))
			ctx := context.Background()
			first, err := f.svc.Login(ctx, "staff@example.jp", "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			second, err := f.svc.Refresh(ctx, first.RefreshToken)
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if second.RefreshToken == first.RefreshToken {
				t.Fatal("refresh token was not rotated")
			}
			// A second login is another family and must survive the reuse below.
			other, err := f.svc.Login(ctx, "staff@example.jp", "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			// Within the reuse window the first token answers with the same successor.
			again, err := f.svc.Refresh(ctx, first.RefreshToken)
			if err != nil {
				t.Fatalf("refresh again within the window: %v", err)
			}
			if again.RefreshToken != second.RefreshToken || again.AccessToken != second.AccessToken {
				t.Fatal("refresh again within the window: not the same successor pair")
			}
			// After the window, reusing the first token revokes its family: the rotated token dies too.
			clk.advance(session.DefaultReuseWindow + time.Second)
			if _, err := f.svc.Refresh(ctx, first.RefreshToken); !errors.Is(err, session.ErrRefreshReused) {
				t.Fatalf("reuse: err = %v, want ErrRefreshReused", err)
			}
			if _, err := f.svc.Refresh(ctx, second.RefreshToken); !errors.Is(err, session.ErrRefreshInvalid) {
				t.Fatalf("rotated token after reuse: err = %v, want ErrRefreshInvalid", err)
			}
			if _, err := f.svc.Refresh(ctx, other.RefreshToken); err != nil {
				t.Fatalf("other family must be unaffected: %v", err)
			}
			if _, err := f.svc.Refresh(ctx, "not-a-token"); !errors.Is(err, session.ErrRefreshInvalid) {
				t.Fatalf("garbage: err = %v", err)
			}
		})
	}
}

// TestConcurrentRefresh presents one refresh token from many goroutines at once with the reuse
// window off: exactly one may rotate it; every other attempt is a reuse.
func TestConcurrentRefresh(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := setup(t, kind, session.WithReuseWindow(0))
			ctx := context.Background()
			s, err := f.svc.Login(ctx, "staff@example.jp", "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			const n = 16
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				ok      int
				reused  int
				unknown []error
			)
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.svc.Refresh(ctx, s.RefreshToken)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case errors.Is(err, session.ErrRefreshReused):
						reused++
					default:
						unknown = append(unknown, err)
					}
				}()
			}
			wg.Wait()
			if ok != 1 || reused != n-1 || len(unknown) > 0 {
				t.Fatalf("ok=%d reused=%d other=%v; want exactly one success", ok, reused, unknown)
			}
		})
	}
}

func TestLogout(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := setup(t, kind)
			ctx := context.Background()
			a, _ := f.svc.Login(ctx, "staff@example.jp", "correct horse")
			b, _ := f.svc.Login(ctx, "staff@example.jp", "correct horse")
			if err := f.svc.Logout(ctx, a.RefreshToken, false); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Refresh(ctx, a.RefreshToken); !errors.Is(err, session.ErrRefreshInvalid) {
				t.Fatalf("logged-out token refreshed: %v", err)
			}
			if _, err := f.svc.Refresh(ctx, b.RefreshToken); err != nil {
				t.Fatalf("other session must survive single logout: %v", err)
			}
			// Everywhere: needs the viewer, bumps the token version.
			if err := f.svc.Logout(ctx, "", true); !errors.Is(err, access.ErrNoViewer) {
				t.Fatalf("anonymous logout-all: %v", err)
			}
			v, _ := f.tokens.Verify(b.AccessToken)
			vctx := auth.WithViewer(ctx, v)
			if _, err := f.svc.Viewer(vctx); err != nil {
				t.Fatalf("viewer before logout-all: %v", err)
			}
			if err := f.svc.Logout(vctx, "", true); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Viewer(vctx); !errors.Is(err, session.ErrSessionEnded) {
				t.Fatalf("viewer after logout-all: %v", err)
			}
			sys := access.System(ctx, "test: count live tokens")
			live := f.client.RefreshToken.Query().Where(refreshtoken.RevokedAtIsNil(), refreshtoken.UsedAtIsNil()).CountX(sys)
			if live != 0 {
				t.Fatalf("%d refresh tokens still live after logout-all", live)
			}
		})
	}
}

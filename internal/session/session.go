// Package session signs accounts in and out: password login, refresh-token rotation with reuse
// detection, and logout (DESIGN.md §9).
package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/refreshtoken"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

var (
	// ErrInvalidCredentials covers unknown e-mail and wrong password alike (no account enumeration).
	ErrInvalidCredentials = errors.New("invalid e-mail or password")
	// ErrAccountDisabled is returned after a correct password for a disabled account.
	ErrAccountDisabled = errors.New("account is disabled")
	// ErrEmailUnverified is returned after a correct password for a self-registered account whose
	// e-mail address is not verified yet (only the password's holder learns the account exists).
	ErrEmailUnverified = errors.New("verify your e-mail address first: follow the link we sent, or ask for a new one with resendVerificationEmail")
	// ErrRefreshInvalid covers unknown, expired and revoked refresh tokens.
	ErrRefreshInvalid = errors.New("refresh token is invalid or expired")
	// ErrRefreshReused means a refresh token was presented twice; its whole family is now revoked.
	ErrRefreshReused = errors.New("refresh token was already used; all sessions of this login are revoked")
	// ErrNoSession is returned by Logout when there is nothing to log out of.
	ErrNoSession = errors.New("no session to end")
)

// DefaultRefreshTTL is how long a refresh token can be used.
const DefaultRefreshTTL = 30 * 24 * time.Hour

// DefaultReuseWindow is how long a used refresh token still yields its successor: a mobile app
// refreshing twice at once (two requests seeing a 401, a retry over a flaky network) must not sign
// itself out. Auth0 calls it the reuse interval, Okta the grace period.
const DefaultReuseWindow = 30 * time.Second

// ErrRefreshBusy is a retryable refusal: the token is being rotated by a concurrent request right
// now (only seen when the database gave up waiting for it).
var ErrRefreshBusy = errors.New("refresh token is being rotated; retry")

// Service issues and revokes sessions and says whether a session is still alive.
type Service struct {
	client      *ent.Client
	tokens      *auth.Tokens
	refreshTTL  time.Duration
	reuseWindow time.Duration
	now         func() time.Time
	state       *state
}

// Option configures a Service.
type Option func(*Service)

// WithReuseWindow sets how long a used refresh token still yields its successor; 0 turns it off
// (every second presentation is a reuse).
func WithReuseWindow(d time.Duration) Option {
	return func(s *Service) { s.reuseWindow = max(d, 0) }
}

// WithClock replaces time.Now (tests of the reuse window).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns a Service; refreshTTL 0 means DefaultRefreshTTL. It registers hooks on client that
// keep this process's session state fresh; processes sharing a PostgreSQL database also call Follow.
func New(client *ent.Client, tokens *auth.Tokens, refreshTTL time.Duration, opts ...Option) *Service {
	if refreshTTL <= 0 {
		refreshTTL = DefaultRefreshTTL
	}
	s := &Service{client: client, tokens: tokens, refreshTTL: refreshTTL, reuseWindow: DefaultReuseWindow,
		now: time.Now, state: newState(client)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Session is what a successful login or refresh hands to the client. Account is loaded with its
// agency and profile edges, read as the new viewer.
type Session struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	Account          *ent.Account
}

// Login checks the password and opens a new session (a new refresh-token family).
func (s *Service) Login(ctx context.Context, email, password string) (*Session, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	acc, err := s.client.Account.Query().Where(account.Email(email)).
		Only(access.System(ctx, "login: find the account by e-mail before anyone is signed in"))
	if ent.IsNotFound(err) {
		auth.DummyVerify(password)
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if err := auth.VerifyPassword(acc.PasswordHash, password); err != nil {
		if errors.Is(err, auth.ErrPasswordMismatch) {
			return nil, ErrInvalidCredentials
		}
		return nil, fmt.Errorf("login: %w", err)
	}
	if acc.Disabled {
		return nil, ErrAccountDisabled
	}
	if acc.EmailUnverified {
		return nil, ErrEmailUnverified
	}
	if err := s.client.Account.UpdateOneID(acc.ID).SetLastLoginAt(s.now()).
		Exec(access.System(ctx, "login: stamp last_login_at")); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return s.open(ctx, acc, uuid.NewString())
}

// Refresh rotates a refresh token. Presented again within the reuse window it answers with the
// same successor and revokes nothing; presented after it, the whole family is revoked: either the
// legitimate client or a thief used it, and the server can't tell which (RFC 6819 §5.2.2.3).
func (s *Service) Refresh(ctx context.Context, raw string) (*Session, error) {
	sys := access.System(ctx, "refresh: rotate the presented refresh token")
	hash := auth.HashRefreshToken(raw)
	rt, err := s.client.RefreshToken.Query().Where(refreshtoken.TokenHash(hash)).Only(sys)
	if ent.IsNotFound(err) {
		return nil, ErrRefreshInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	if rt.UsedAt != nil {
		return s.replay(ctx, raw, rt)
	}
	now := s.now()
	if rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
		return nil, ErrRefreshInvalid
	}
	acc, err := s.client.Account.Get(sys, rt.AccountID)
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	if acc.Disabled || acc.TokenVersion != rt.TokenVersion {
		if _, err := s.revokeFamily(sys, rt.Family); err != nil {
			return nil, err
		}
		return nil, ErrRefreshInvalid
	}
	next, err := s.issue(ctx, acc, rt.Family)
	if err != nil {
		return nil, err
	}
	var sealed []byte
	if s.reuseWindow > 0 {
		if sealed, err = sealSuccessor(raw, next); err != nil {
			return nil, fmt.Errorf("refresh: %w", err)
		}
	}
	// Claim the token and store its successor in one transaction: a concurrent refresh of the same
	// token waits for it, then finds the token used with its successor sealed beside it.
	claimed, err := s.claim(sys, rt, now, sealed, next)
	if err != nil {
		return nil, err
	}
	if !claimed {
		if rt, err = s.client.RefreshToken.Get(sys, rt.ID); err != nil {
			return nil, fmt.Errorf("refresh: %w", err)
		}
		return s.replay(ctx, raw, rt)
	}
	s.state.remember(acc, rt.Family)
	return s.withViewer(ctx, acc, next)
}

func (s *Service) claim(sys context.Context, rt *ent.RefreshToken, now time.Time, sealed []byte, next *pending) (bool, error) {
	tx, err := s.client.Tx(sys)
	if err != nil {
		return false, fmt.Errorf("refresh: %w: %w", ErrRefreshBusy, err)
	}
	upd := tx.RefreshToken.Update().
		Where(refreshtoken.ID(rt.ID), refreshtoken.UsedAtIsNil(), refreshtoken.RevokedAtIsNil()).
		SetUsedAt(now)
	if sealed != nil {
		upd.SetSuccessorSealed(sealed)
	}
	n, err := upd.Save(sys)
	if err == nil && n == 1 {
		err = next.store(sys, tx.Client(), rt.AccountID, rt.Family, rt.TokenVersion)
	}
	if err != nil {
		_ = tx.Rollback()
		return false, fmt.Errorf("refresh: %w", err)
	}
	if n == 0 {
		_ = tx.Rollback()
		return false, nil
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("refresh: %w", err)
	}
	return true, nil
}

// replay answers a used refresh token: its successor within the reuse window, else a reuse.
func (s *Service) replay(ctx context.Context, raw string, rt *ent.RefreshToken) (*Session, error) {
	sys := access.System(ctx, "refresh: answer a refresh token presented again")
	if rt.RevokedAt != nil && s.now().Sub(*rt.UsedAt) <= s.reuseWindow {
		return nil, ErrRefreshInvalid // the session ended meanwhile (logout): nothing to replay
	}
	if rt.RevokedAt == nil && rt.SuccessorSealed != nil && s.reuseWindow > 0 && s.now().Sub(*rt.UsedAt) <= s.reuseWindow {
		next, err := openSuccessor(raw, *rt.SuccessorSealed)
		if err != nil {
			return nil, fmt.Errorf("refresh: %w", err)
		}
		acc, err := s.client.Account.Get(sys, rt.AccountID)
		if err != nil {
			return nil, fmt.Errorf("refresh: %w", err)
		}
		if acc.Disabled || acc.TokenVersion != rt.TokenVersion {
			return nil, ErrRefreshInvalid
		}
		return s.withViewer(ctx, acc, next)
	}
	n, err := s.revokeFamily(sys, rt.Family)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		if err := s.auditReuse(sys, rt); err != nil {
			return nil, err
		}
	}
	return nil, ErrRefreshReused
}

// auditReuse lets the account's admins see that a session was revoked for refresh-token reuse.
// The presenter is unknown (the owner or a thief), so the event has no actor.
func (s *Service) auditReuse(sys context.Context, rt *ent.RefreshToken) error {
	acc, err := s.client.Account.Get(sys, rt.AccountID)
	if err != nil {
		return fmt.Errorf("audit refresh reuse: %w", err)
	}
	err = s.client.AuditEvent.Create().SetAgencyID(acc.AgencyID).SetAction(auditevent.ActionCHANGE).
		SetEntityType("Account").SetEntityID(acc.ID).SetFields([]string{"refreshTokenReuse"}).Exec(sys)
	if err != nil {
		return fmt.Errorf("audit refresh reuse: %w", err)
	}
	return nil
}

// ChangePassword sets the signed-in account's password after checking the current one. Every
// session of the account ends, including the caller's; the caller gets a new session in return.
func (s *Service) ChangePassword(ctx context.Context, current, next string) (*Session, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("change password: %w", access.ErrNoViewer)
	}
	sys := access.System(ctx, "change password: verify the current password and end every session")
	acc, err := s.client.Account.Get(sys, v.AccountID)
	if err != nil {
		return nil, fmt.Errorf("change password: %w", err)
	}
	if err := auth.VerifyPassword(acc.PasswordHash, current); err != nil {
		if errors.Is(err, auth.ErrPasswordMismatch) {
			return nil, ErrInvalidCredentials
		}
		return nil, fmt.Errorf("change password: %w", err)
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return nil, fmt.Errorf("change password: %w", err)
	}
	acc, err = s.client.Account.UpdateOneID(acc.ID).SetPasswordHash(hash).AddTokenVersion(1).Save(sys)
	if err != nil {
		return nil, fmt.Errorf("change password: %w", err)
	}
	if _, err := s.client.RefreshToken.Update().
		Where(refreshtoken.AccountID(acc.ID), refreshtoken.RevokedAtIsNil()).
		SetRevokedAt(s.now()).Save(sys); err != nil {
		return nil, fmt.Errorf("change password: %w", err)
	}
	return s.open(ctx, acc, uuid.NewString())
}

// Logout revokes the family of the given refresh token or, with all, every session of the signed-in
// account: its token version is bumped, so its refresh tokens stop working at once and access tokens
// within their lifetime.
func (s *Service) Logout(ctx context.Context, raw string, all bool) error {
	sys := access.System(ctx, "logout: revoke refresh tokens")
	v, signedIn := auth.ViewerFrom(ctx)
	if all {
		if !signedIn {
			return fmt.Errorf("logout all sessions: %w", access.ErrNoViewer)
		}
		if err := s.client.Account.UpdateOneID(v.AccountID).AddTokenVersion(1).Exec(sys); err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		_, err := s.client.RefreshToken.Update().
			Where(refreshtoken.AccountID(v.AccountID), refreshtoken.RevokedAtIsNil()).
			SetRevokedAt(s.now()).Save(sys)
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		return nil
	}
	if raw == "" {
		return ErrNoSession
	}
	rt, err := s.client.RefreshToken.Query().Where(refreshtoken.TokenHash(auth.HashRefreshToken(raw))).Only(sys)
	if ent.IsNotFound(err) {
		return ErrRefreshInvalid
	}
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	// A signed-in caller may only end their own sessions.
	if signedIn && rt.AccountID != v.AccountID {
		return ErrRefreshInvalid
	}
	_, err = s.revokeFamily(sys, rt.Family)
	return err
}

// revokeFamily ends a session; n is how many of its tokens were still unrevoked.
func (s *Service) revokeFamily(sys context.Context, family string) (int, error) {
	n, err := s.client.RefreshToken.Update().
		Where(refreshtoken.Family(family), refreshtoken.RevokedAtIsNil()).
		SetRevokedAt(s.now()).Save(sys)
	if err != nil {
		return 0, fmt.Errorf("revoke refresh family: %w", err)
	}
	return n, nil
}

// pending is a token pair issued but not yet stored.
type pending struct {
	AccessToken      string    `json:"a"`
	AccessExpiresAt  time.Time `json:"ae"`
	RefreshToken     string    `json:"r"`
	RefreshExpiresAt time.Time `json:"re"`
}

// issue signs an access token for acc in session family and draws its refresh token.
func (s *Service) issue(ctx context.Context, acc *ent.Account, family string) (*pending, error) {
	pid, err := profileID(access.System(ctx, "session: find the profile id for the token"), acc)
	if err != nil {
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	v := auth.Viewer{AccountID: acc.ID, AgencyID: acc.AgencyID, Role: auth.Role(acc.Role),
		TokenVersion: acc.TokenVersion, ProfileID: pid, SessionID: family}
	accessToken, accessExp, err := s.tokens.Issue(v)
	if err != nil {
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	raw, _, err := auth.NewRefreshToken()
	if err != nil {
		return nil, fmt.Errorf("issue refresh token: %w", err)
	}
	return &pending{AccessToken: accessToken, AccessExpiresAt: accessExp,
		RefreshToken: raw, RefreshExpiresAt: s.now().Add(s.refreshTTL)}, nil
}

// store saves p's refresh token (only its hash) in family.
func (p *pending) store(sys context.Context, client *ent.Client, accountID int, family string, tokenVersion int) error {
	err := client.RefreshToken.Create().
		SetAccountID(accountID).SetTokenHash(auth.HashRefreshToken(p.RefreshToken)).SetFamily(family).
		SetTokenVersion(tokenVersion).SetExpiresAt(p.RefreshExpiresAt).Exec(sys)
	if err != nil {
		return fmt.Errorf("store refresh token: %w", err)
	}
	return nil
}

// open starts (or continues) session family for acc: a stored refresh token and an access token.
func (s *Service) open(ctx context.Context, acc *ent.Account, family string) (*Session, error) {
	p, err := s.issue(ctx, acc, family)
	if err != nil {
		return nil, err
	}
	if err := p.store(access.System(ctx, "session: store the new refresh token"), s.client, acc.ID, family, acc.TokenVersion); err != nil {
		return nil, err
	}
	s.state.remember(acc, family)
	return s.withViewer(ctx, acc, p)
}

// withViewer completes p with the account loaded as the new session's viewer: profile and agency
// are loaded now because nested fields of this response still run in the anonymous request context.
func (s *Service) withViewer(ctx context.Context, acc *ent.Account, p *pending) (*Session, error) {
	v, err := s.tokens.Verify(p.AccessToken)
	if err != nil {
		return nil, fmt.Errorf("load viewer: %w", err)
	}
	loaded, err := loadViewer(auth.WithViewer(ctx, v), s.client, acc.ID, acc.Role)
	if err != nil {
		return nil, fmt.Errorf("load viewer: %w", err)
	}
	return &Session{
		AccessToken: p.AccessToken, AccessExpiresAt: p.AccessExpiresAt,
		RefreshToken: p.RefreshToken, RefreshExpiresAt: p.RefreshExpiresAt,
		Account: loaded,
	}, nil
}

// Viewer loads the signed-in account with its agency and profile. Tokens of disabled accounts or of
// an older token version (logout of all sessions) are refused here, not only at refresh.
func (s *Service) Viewer(ctx context.Context) (*ent.Account, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("viewer: %w", access.ErrNoViewer)
	}
	acc, err := loadViewer(ctx, s.client, v.AccountID, account.Role(v.Role))
	if ent.IsNotFound(err) {
		return nil, ErrSessionEnded
	}
	if err != nil {
		return nil, fmt.Errorf("viewer: %w", err)
	}
	if acc.Disabled || acc.TokenVersion != v.TokenVersion {
		return nil, ErrSessionEnded
	}
	return acc, nil
}

// loadViewer reads an account with its agency and the one profile edge its role has (reading the
// other profile kinds would be denied to, say, a registrant).
func loadViewer(ctx context.Context, client *ent.Client, id int, role account.Role) (*ent.Account, error) {
	q := client.Account.Query().Where(account.ID(id)).WithAgency()
	switch role {
	case account.RoleCOORDINATOR:
		q.WithCoordinator()
	case account.RoleSALES_REP:
		q.WithSalesRep()
	case account.RoleREGISTRANT:
		q.WithRegistrant()
	}
	return q.Only(ctx)
}

// profileID is the id of the profile linked to acc for its role, 0 if none (admins).
func profileID(sys context.Context, acc *ent.Account) (int, error) {
	var (
		id  int
		err error
	)
	switch acc.Role {
	case account.RoleCOORDINATOR:
		id, err = acc.QueryCoordinator().OnlyID(sys)
	case account.RoleSALES_REP:
		id, err = acc.QuerySalesRep().OnlyID(sys)
	case account.RoleREGISTRANT:
		id, err = acc.QueryRegistrant().OnlyID(sys)
	default:
		return 0, nil
	}
	if ent.IsNotFound(err) {
		return 0, nil
	}
	return id, err
}

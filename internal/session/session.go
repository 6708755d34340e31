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
	"github.com/example/staffcrm/ent/refreshtoken"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

var (
	// ErrInvalidCredentials covers unknown e-mail and wrong password alike (no account enumeration).
	ErrInvalidCredentials = errors.New("invalid e-mail or password")
	// ErrAccountDisabled is returned after a correct password for a disabled account.
	ErrAccountDisabled = errors.New("account is disabled")
	// ErrRefreshInvalid covers unknown, expired and revoked refresh tokens.
	ErrRefreshInvalid = errors.New("refresh token is invalid or expired")
	// ErrRefreshReused means a refresh token was presented twice; its whole family is now revoked.
	ErrRefreshReused = errors.New("refresh token was already used; all sessions of this login are revoked")
	// ErrNoSession is returned by Logout when there is nothing to log out of.
	ErrNoSession = errors.New("no session to end")
)

// DefaultRefreshTTL is how long a refresh token can be used.
const DefaultRefreshTTL = 30 * 24 * time.Hour

// Service issues and revokes sessions.
type Service struct {
	client     *ent.Client
	tokens     *auth.Tokens
	refreshTTL time.Duration
	now        func() time.Time
}

// New returns a Service; refreshTTL 0 means DefaultRefreshTTL.
func New(client *ent.Client, tokens *auth.Tokens, refreshTTL time.Duration) *Service {
	if refreshTTL <= 0 {
		refreshTTL = DefaultRefreshTTL
	}
	return &Service{client: client, tokens: tokens, refreshTTL: refreshTTL, now: time.Now}
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
	if err := s.client.Account.UpdateOneID(acc.ID).SetLastLoginAt(s.now()).
		Exec(access.System(ctx, "login: stamp last_login_at")); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return s.open(ctx, acc, uuid.NewString())
}

// Refresh rotates a refresh token. A token presented a second time revokes its whole family: either
// the legitimate client or a thief used it, and the server can't tell which (RFC 6819 §5.2.2.3).
func (s *Service) Refresh(ctx context.Context, raw string) (*Session, error) {
	sys := access.System(ctx, "refresh: rotate the presented refresh token")
	rt, err := s.client.RefreshToken.Query().Where(refreshtoken.TokenHash(auth.HashRefreshToken(raw))).Only(sys)
	if ent.IsNotFound(err) {
		return nil, ErrRefreshInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	now := s.now()
	if rt.UsedAt != nil {
		if err := s.revokeFamily(sys, rt.Family); err != nil {
			return nil, err
		}
		return nil, ErrRefreshReused
	}
	if rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
		return nil, ErrRefreshInvalid
	}
	// Claim the token with a conditional update so two concurrent refreshes can't both succeed.
	n, err := s.client.RefreshToken.Update().
		Where(refreshtoken.ID(rt.ID), refreshtoken.UsedAtIsNil(), refreshtoken.RevokedAtIsNil()).
		SetUsedAt(now).Save(sys)
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	if n == 0 {
		if err := s.revokeFamily(sys, rt.Family); err != nil {
			return nil, err
		}
		return nil, ErrRefreshReused
	}
	acc, err := s.client.Account.Get(sys, rt.AccountID)
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	if acc.Disabled || acc.TokenVersion != rt.TokenVersion {
		if err := s.revokeFamily(sys, rt.Family); err != nil {
			return nil, err
		}
		return nil, ErrRefreshInvalid
	}
	return s.open(ctx, acc, rt.Family)
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
	return s.revokeFamily(sys, rt.Family)
}

func (s *Service) revokeFamily(sys context.Context, family string) error {
	_, err := s.client.RefreshToken.Update().
		Where(refreshtoken.Family(family), refreshtoken.RevokedAtIsNil()).
		SetRevokedAt(s.now()).Save(sys)
	if err != nil {
		return fmt.Errorf("revoke refresh family: %w", err)
	}
	return nil
}

// open issues an access token and a new refresh token in family, and loads the account as its viewer.
func (s *Service) open(ctx context.Context, acc *ent.Account, family string) (*Session, error) {
	pid, err := profileID(access.System(ctx, "session: find the profile id for the token"), acc)
	if err != nil {
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	v := auth.Viewer{AccountID: acc.ID, AgencyID: acc.AgencyID, Role: auth.Role(acc.Role),
		TokenVersion: acc.TokenVersion, ProfileID: pid}
	accessToken, accessExp, err := s.tokens.Issue(v)
	if err != nil {
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	raw, hash, err := auth.NewRefreshToken()
	if err != nil {
		return nil, fmt.Errorf("issue refresh token: %w", err)
	}
	refreshExp := s.now().Add(s.refreshTTL)
	err = s.client.RefreshToken.Create().
		SetAccountID(acc.ID).SetTokenHash(hash).SetFamily(family).SetTokenVersion(acc.TokenVersion).
		SetExpiresAt(refreshExp).
		Exec(access.System(ctx, "session: store the new refresh token"))
	if err != nil {
		return nil, fmt.Errorf("store refresh token: %w", err)
	}
	// The payload's viewer is read as the new session's viewer; profile and agency are loaded now
	// because nested fields of this response still run in the anonymous request context.
	vctx := auth.WithViewer(ctx, &v)
	loaded, err := loadViewer(vctx, s.client, acc.ID, acc.Role)
	if err != nil {
		return nil, fmt.Errorf("load viewer: %w", err)
	}
	return &Session{
		AccessToken: accessToken, AccessExpiresAt: accessExp,
		RefreshToken: raw, RefreshExpiresAt: refreshExp,
		Account: loaded,
	}, nil
}

// ErrSessionEnded is returned for a valid token whose account was disabled or signed out everywhere.
var ErrSessionEnded = errors.New("session ended; sign in again")

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

package graph

import (
	"context"
	"errors"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/session"
)

// accountProfile returns the profile linked to an account: the eagerly loaded edge when present
// (login, viewer), else through the operation's loaders (one query for a whole list of accounts).
func (r *Resolver) accountProfile(ctx context.Context, a *ent.Account) (ent.Noder, error) {
	l := loadersOf(ctx, r.Client)
	var (
		n   ent.Noder
		err error
	)
	switch a.Role {
	case "COORDINATOR":
		if c, e := a.Edges.CoordinatorOrErr(); e == nil {
			return nilIfNone(c), nil
		}
		var c *ent.Coordinator
		prime(ctx, l.coordinator)
		c, err = l.coordinator.Load(ctx, a.ID)
		n = nilIfNone(c)
	case "SALES_REP":
		if x, e := a.Edges.SalesRepOrErr(); e == nil {
			return nilIfNone(x), nil
		}
		var x *ent.SalesRep
		prime(ctx, l.salesRep)
		x, err = l.salesRep.Load(ctx, a.ID)
		n = nilIfNone(x)
	case "REGISTRANT":
		if x, e := a.Edges.RegistrantOrErr(); e == nil {
			return nilIfNone(x), nil
		}
		var x *ent.Registrant
		prime(ctx, l.registrant)
		x, err = l.registrant.Load(ctx, a.ID)
		n = nilIfNone(x)
	}
	return n, err
}

// nilIfNone turns a typed nil profile into an untyped nil Noder (an account without a profile).
func nilIfNone[T interface {
	comparable
	ent.Noder
}](v T) ent.Noder {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// edgeOrQuery returns the loaded edge, or queries it; a missing profile is null, not an error.
func edgeOrQuery[T ent.Noder](loaded func() (T, error), query func(context.Context) (T, error), ctx context.Context) (ent.Noder, error) {
	if v, err := loaded(); err == nil {
		return v, nil
	}
	v, err := query(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

func authPayload(s *session.Session) *model.AuthPayload {
	return &model.AuthPayload{
		AccessToken:           s.AccessToken,
		AccessTokenExpiresAt:  s.AccessExpiresAt,
		RefreshToken:          s.RefreshToken,
		RefreshTokenExpiresAt: s.RefreshExpiresAt,
		Viewer:                s.Account,
	}
}

// login checks the per-e-mail failure budget first; only failed attempts spend it.
func (r *Resolver) login(ctx context.Context, email, password string) (*model.AuthPayload, error) {
	if r.Limits != nil {
		if ok, at := r.Limits.LoginFailures.Check(loginKey(email)); !ok {
			return nil, rateLimited(at, "failed sign-ins for this account")
		}
	}
	s, err := r.Sessions.Login(ctx, email, password)
	if errors.Is(err, session.ErrInvalidCredentials) && r.Limits != nil {
		r.Limits.LoginFailures.Take(loginKey(email))
	}
	if err != nil {
		return nil, err
	}
	return authPayload(s), nil
}

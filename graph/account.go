package graph

import (
	"context"
	"errors"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/session"
)

// accountProfile returns the profile linked to an account, using eagerly loaded edges when present.
func accountProfile(ctx context.Context, a *ent.Account) (ent.Noder, error) {
	switch a.Role {
	case "COORDINATOR":
		return edgeOrQuery(a.Edges.CoordinatorOrErr, a.QueryCoordinator().Only, ctx)
	case "SALES_REP":
		return edgeOrQuery(a.Edges.SalesRepOrErr, a.QuerySalesRep().Only, ctx)
	case "REGISTRANT":
		return edgeOrQuery(a.Edges.RegistrantOrErr, a.QueryRegistrant().Only, ctx)
	default:
		return nil, nil
	}
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

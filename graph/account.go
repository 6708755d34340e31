package graph

import (
	"context"

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

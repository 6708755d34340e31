package graph

import (
	"context"

	"entgo.io/contrib/entgql"

	"github.com/example/staffcrm/internal/matching"
	"github.com/example/staffcrm/internal/portal"
)

// The matching edge: argument parsing, page mapping and error codes for matching.resolvers.go
// (gqlgen comments out helpers kept in a resolvers file). The rules are in internal/matching.

func (r *Resolver) matching() *matching.Service { return &matching.Service{Client: r.Client} }

// market is the viewer's agency's open-posting wages, read once per operation.
func (r *Resolver) market(ctx context.Context) ([]matching.MarketPosting, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	m, err := loadersOf(ctx, r.Client).market.Load(ctx, v.AgencyID)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (r *Resolver) areaWage(ctx context.Context, p *portal.PublicPosting) (median, vs int, err error) {
	market, err := r.market(ctx)
	if err != nil {
		return 0, 0, err
	}
	median, vs = matching.AreaWage(matching.MarketPosting{ID: p.ID, JobCategory: p.JobCategory, Prefecture: p.Prefecture,
		HourlyWage: p.HourlyWage}, market)
	return median, vs, nil
}

// window reads a ranked connection's arguments; cursors are positions in the ranking.
func window(first *int, after *entgql.Cursor[int]) matching.Window {
	w := matching.Window{Limit: DefaultPageSize}
	if first != nil {
		w.Limit = *first
	}
	if after != nil {
		w.Offset = after.ID + 1
	}
	return w
}

// rankedEdges maps a page of a ranking onto a connection's edges and page info.
func rankedEdges[N, E any](pg matching.Page[N], edge func(matching.Item[N], entgql.Cursor[int]) E) ([]E, *entgql.PageInfo[int]) {
	var edges []E
	for i, it := range pg.Items {
		edges = append(edges, edge(it, entgql.Cursor[int]{ID: pg.Offset + i}))
	}
	end := pg.Offset + len(pg.Items)
	info := &entgql.PageInfo[int]{HasNextPage: end < pg.Total, HasPreviousPage: pg.Offset > 0}
	if len(pg.Items) > 0 {
		s, e := entgql.Cursor[int]{ID: pg.Offset}, entgql.Cursor[int]{ID: end - 1}
		info.StartCursor, info.EndCursor = &s, &e
	}
	return edges, info
}

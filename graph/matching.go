package graph

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/graph/portal"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/matching"
)

// finder ranks with the viewer's agency weights.
func (r *Resolver) finder(ctx context.Context) (*matching.Finder, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	ag, err := r.Client.Agency.Get(ctx, v.AgencyID)
	if err != nil {
		return nil, err
	}
	return &matching.Finder{Client: r.Client, Weights: matching.WeightsFrom(ag.MatchingWeights)}, nil
}

func (r *Resolver) setMatchingWeights(ctx context.Context, in model.MatchingWeightsInput) (*model.AgencyPayload, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	ag, err := r.Client.Agency.Get(ctx, v.AgencyID)
	if err != nil {
		return nil, err
	}
	cfg := map[string]float64{}
	for k, x := range ag.MatchingWeights {
		cfg[k] = x
	}
	for name, val := range map[string]*float64{
		matching.ComponentExperience: in.Experience, matching.ComponentTasks: in.Tasks, matching.ComponentSkills: in.Skills,
		matching.ComponentWage: in.Wage, matching.ComponentCommute: in.Commute, matching.ComponentAvailability: in.Availability,
		matching.ComponentCompliance: in.Compliance, matching.ComponentHistory: in.History,
	} {
		if val == nil {
			continue
		}
		if *val < 0 || *val > 100 {
			return nil, newError(CodeBadUserInput, fmt.Sprintf("weight %s must be between 0 and 100", name))
		}
		cfg[name] = *val
	}
	ag, err = r.Client.Agency.UpdateOne(ag).SetMatchingWeights(cfg).Save(ctx)
	if err != nil {
		return nil, err
	}
	return &model.AgencyPayload{Agency: ag}, nil
}

// page cuts a ranked list: cursors are positions in the ranking.
func page(n int, first *int, after *entgql.Cursor[int]) (from, to int, info *entgql.PageInfo[int]) {
	size := DefaultPageSize
	if first != nil {
		size = *first
	}
	if after != nil {
		from = after.ID + 1
	}
	from = min(max(from, 0), n)
	to = min(from+size, n)
	info = &entgql.PageInfo[int]{HasNextPage: to < n, HasPreviousPage: from > 0}
	if to > from {
		s, e := entgql.Cursor[int]{ID: from}, entgql.Cursor[int]{ID: to - 1}
		info.StartCursor, info.EndCursor = &s, &e
	}
	return from, to, info
}

func explanations(m matching.Match, staff bool) []*matching.Explanation {
	out := make([]*matching.Explanation, 0, len(m.Explanations))
	for i := range m.Explanations {
		e := &m.Explanations[i]
		// Registrants don't see compliance findings or which client rejected them before.
		if !staff && (e.Component == matching.ComponentCompliance || e.Component == matching.ComponentHistory) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// rankedSlice is one page of a ranking with its rows loaded (under the caller's privacy) by id.
type rankedSlice[N any] struct {
	hits  []matching.Hit
	from  int
	info  *entgql.PageInfo[int]
	nodes map[int]N
}

func pageOf[N any](hits []matching.Hit, first *int, after *entgql.Cursor[int], load func(ids []int) ([]N, error), id func(N) int) (rankedSlice[N], error) {
	from, to, info := page(len(hits), first, after)
	ids := make([]int, 0, to-from)
	for _, h := range hits[from:to] {
		ids = append(ids, h.ID)
	}
	rows, err := load(ids)
	if err != nil {
		return rankedSlice[N]{}, err
	}
	nodes := make(map[int]N, len(rows))
	for _, n := range rows {
		nodes[id(n)] = n
	}
	return rankedSlice[N]{hits: hits[from:to], from: from, info: info, nodes: nodes}, nil
}

func (r *Resolver) matchPostings(ctx context.Context, registrantID int, first *int, after *entgql.Cursor[int]) (*model.PostingMatchConnection, error) {
	f, err := r.finder(ctx)
	if err != nil {
		return nil, err
	}
	hits, err := f.PostingsFor(ctx, registrantID)
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(hits, first, after, func(ids []int) ([]*ent.Posting, error) {
		return r.Client.Posting.Query().Where(posting.IDIn(ids...)).All(ctx)
	}, func(p *ent.Posting) int { return p.ID })
	if err != nil {
		return nil, err
	}
	out := &model.PostingMatchConnection{PageInfo: pg.info, TotalCount: len(hits)}
	for i, h := range pg.hits {
		out.Edges = append(out.Edges, &model.PostingMatchEdge{Node: pg.nodes[h.ID], Cursor: entgql.Cursor[int]{ID: pg.from + i},
			Score: h.Match.Score, Blocked: h.Match.Blocked, Explanations: explanations(h.Match, true)})
	}
	return out, nil
}

func (r *Resolver) matchRegistrants(ctx context.Context, postingID int, first *int, after *entgql.Cursor[int]) (*model.RegistrantMatchConnection, error) {
	f, err := r.finder(ctx)
	if err != nil {
		return nil, err
	}
	hits, err := f.RegistrantsFor(ctx, postingID)
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(hits, first, after, func(ids []int) ([]*ent.Registrant, error) {
		return r.Client.Registrant.Query().Where(registrant.IDIn(ids...)).All(ctx)
	}, func(x *ent.Registrant) int { return x.ID })
	if err != nil {
		return nil, err
	}
	out := &model.RegistrantMatchConnection{PageInfo: pg.info, TotalCount: len(hits)}
	for i, h := range pg.hits {
		out.Edges = append(out.Edges, &model.RegistrantMatchEdge{Node: pg.nodes[h.ID], Cursor: entgql.Cursor[int]{ID: pg.from + i},
			Score: h.Match.Score, Blocked: h.Match.Blocked, Explanations: explanations(h.Match, true)})
	}
	return out, nil
}

// recommendedPostings: the registrant's own ranking over what they may see (open public postings and
// ones introduced to them); blocked matches are left out.
func (r *Resolver) recommendedPostings(ctx context.Context, first *int, after *entgql.Cursor[int]) (*model.RecommendedPostingConnection, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	if v.Role != auth.RoleRegistrant {
		return nil, portal.ErrNotRegistrant
	}
	f, err := r.finder(ctx)
	if err != nil {
		return nil, err
	}
	all, err := f.PostingsFor(ctx, v.ProfileID)
	if err != nil {
		return nil, err
	}
	var hits []matching.Hit
	for _, h := range all {
		if !h.Match.Blocked {
			hits = append(hits, h)
		}
	}
	pg, err := pageOf(hits, first, after, func(ids []int) ([]*portal.PublicPosting, error) {
		ps, err := r.Client.Posting.Query().Where(posting.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		return r.portal().PublicPostings(ctx, ps)
	}, func(p *portal.PublicPosting) int { return p.ID })
	if err != nil {
		return nil, err
	}
	out := &model.RecommendedPostingConnection{PageInfo: pg.info, TotalCount: len(hits)}
	for i, h := range pg.hits {
		out.Edges = append(out.Edges, &model.RecommendedPostingEdge{Node: pg.nodes[h.ID], Cursor: entgql.Cursor[int]{ID: pg.from + i},
			Score: h.Match.Score, Explanations: explanations(h.Match, false)})
	}
	return out, nil
}

// area is the agency's open-posting wages, read once per operation (the functions of internal/
// matching pick the job category and prefecture themselves).
func (r *Resolver) area(ctx context.Context, agencyID int) ([]matching.MarketPosting, error) {
	return loadersOf(ctx, r.Client).market.Load(ctx, agencyID)
}

func (r *Resolver) signals(ctx context.Context, p *ent.Posting) (*model.PostingSignals, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	items, err := r.area(ctx, v.AgencyID)
	if err != nil {
		return nil, err
	}
	mp := matching.MarketPosting{ID: p.ID, JobCategory: p.JobCategory, Prefecture: p.Prefecture, HourlyWage: p.HourlyWage}
	median, _ := matching.AreaMedian(p.JobCategory, p.Prefecture, items)
	risk := matching.HardToFill(matching.RiskInput{HourlyWage: p.HourlyWage, AreaMedianWage: median, BusRequired: p.BusRequired,
		PredecessorTenureMonths: p.PredecessorTenureMonths, RepostCount: p.RepostCount})
	reasons := make([]string, len(risk.Reasons))
	for i, x := range risk.Reasons {
		reasons[i] = string(x)
	}
	return &model.PostingSignals{WagePercentile: matching.WagePercentile(mp, items), AreaMedianWage: median,
		RiskLevel: risk.Level, RiskReasons: reasons, RiskTexts: risk.Texts}, nil
}

func (r *Resolver) areaMedian(ctx context.Context, p *portal.PublicPosting) (int, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return 0, err
	}
	items, err := r.area(ctx, v.AgencyID)
	if err != nil {
		return 0, err
	}
	median, _ := matching.AreaMedian(p.JobCategory, p.Prefecture, items)
	return median, nil
}

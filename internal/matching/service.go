package matching

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

// The service's scope contract: every method reads the rows it is asked about under the caller's
// own privacy first, and only then lets the Finder (or the market query) enter access.System for
// the statements that turn other rows into flags or aggregates. A System context is a trusted
// caller (a job) that chose its ids itself.

var (
	// ErrNotFound: a registrant, posting or agency named is not one the caller may see (of another
	// agency, outside the caller's scope, or missing).
	ErrNotFound = errors.New("not found")
	// ErrStaffOnly: rankings with compliance and history findings are for staff.
	ErrStaffOnly = errors.New("only staff match registrants and postings")
	// ErrNotRegistrant: recommendations are a registrant's own view.
	ErrNotRegistrant = errors.New("only registrants have recommendations")
)

// Service answers the matching questions of §8 for the viewer in ctx.
type Service struct {
	Client    *ent.Client
	Shortlist int              // see Finder
	Now       func() time.Time // nil: time.Now
}

// notFound turns ent's not-found into ErrNotFound; other errors pass.
func notFound(what string, err error) error {
	if ent.IsNotFound(err) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// finder ranks with the agency's configured weights.
func (s *Service) finder(ctx context.Context, agencyID int) (*Finder, error) {
	ag, err := s.Client.Agency.Get(ctx, agencyID)
	if err != nil {
		return nil, notFound("agency", err)
	}
	return &Finder{Client: s.Client, Weights: WeightsFrom(ag.MatchingWeights), Shortlist: s.Shortlist, Now: s.Now}, nil
}

// MatchPostings ranks, for staff, the open postings they can see for a registrant they can see.
func (s *Service) MatchPostings(ctx context.Context, registrantID int, w Window) (Page[*ent.Posting], error) {
	v, check, err := access.Caller(ctx)
	if err != nil {
		return Page[*ent.Posting]{}, fmt.Errorf("match postings: %w", err)
	}
	reg, err := s.Client.Registrant.Query().Where(registrant.ID(registrantID)).Select(registrant.FieldAgencyID).Only(ctx)
	if err != nil {
		return Page[*ent.Posting]{}, notFound("match postings: registrant", err)
	}
	if check && v.Role == auth.RoleRegistrant {
		return Page[*ent.Posting]{}, fmt.Errorf("match postings: %w", ErrStaffOnly)
	}
	f, err := s.finder(ctx, reg.AgencyID)
	if err != nil {
		return Page[*ent.Posting]{}, fmt.Errorf("match postings: %w", err)
	}
	hits, err := f.PostingsFor(ctx, registrantID)
	if err != nil {
		return Page[*ent.Posting]{}, err
	}
	return pageOf(ctx, hits, w, s.postings, staffView)
}

// MatchRegistrants ranks, for staff, the registrants they can see for a posting they can see.
func (s *Service) MatchRegistrants(ctx context.Context, postingID int, w Window) (Page[*ent.Registrant], error) {
	v, check, err := access.Caller(ctx)
	if err != nil {
		return Page[*ent.Registrant]{}, fmt.Errorf("match registrants: %w", err)
	}
	p, err := s.Client.Posting.Query().Where(posting.ID(postingID)).Select(posting.FieldAgencyID).Only(ctx)
	if err != nil {
		return Page[*ent.Registrant]{}, notFound("match registrants: posting", err)
	}
	if check && v.Role == auth.RoleRegistrant {
		return Page[*ent.Registrant]{}, fmt.Errorf("match registrants: %w", ErrStaffOnly)
	}
	f, err := s.finder(ctx, p.AgencyID)
	if err != nil {
		return Page[*ent.Registrant]{}, fmt.Errorf("match registrants: %w", err)
	}
	hits, err := f.RegistrantsFor(ctx, postingID)
	if err != nil {
		return Page[*ent.Registrant]{}, err
	}
	return pageOf(ctx, hits, w, s.registrants, staffView)
}

// Recommended ranks for the signed-in registrant the postings they may see (open public ones and
// those introduced to them), leaving out blocked matches and the explanations that are not theirs
// to see.
func (s *Service) Recommended(ctx context.Context, w Window) (Page[*ent.Posting], error) {
	v, ok := auth.ViewerFrom(ctx)
	switch {
	case !ok:
		return Page[*ent.Posting]{}, fmt.Errorf("recommended postings: %w", access.ErrNoViewer)
	case v.Role != auth.RoleRegistrant:
		return Page[*ent.Posting]{}, fmt.Errorf("recommended postings: %w", ErrNotRegistrant)
	}
	f, err := s.finder(ctx, v.AgencyID)
	if err != nil {
		return Page[*ent.Posting]{}, fmt.Errorf("recommended postings: %w", err)
	}
	all, err := f.PostingsFor(ctx, v.ProfileID)
	if err != nil {
		return Page[*ent.Posting]{}, err
	}
	hits := make([]Hit, 0, len(all))
	for _, h := range all {
		if !h.Match.Blocked {
			hits = append(hits, h)
		}
	}
	return pageOf(ctx, hits, w, s.postings, registrantView)
}

// SetWeights applies changes to the viewer's agency's matching weights; who may is the agency
// row's write policy (admins).
func (s *Service) SetWeights(ctx context.Context, changes WeightChanges) (*ent.Agency, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("set matching weights: %w", access.ErrNoViewer)
	}
	ag, err := s.Client.Agency.Get(ctx, v.AgencyID)
	if err != nil {
		return nil, notFound("set matching weights: agency", err)
	}
	cfg, err := ApplyWeights(ag.MatchingWeights, changes)
	if err != nil {
		return nil, err
	}
	return s.Client.Agency.UpdateOne(ag).SetMatchingWeights(cfg).Save(ctx)
}

// Market returns the wages of all the agency's open postings, for the signals. The caller must
// belong to the agency; the rows are then read past the caller's row scope, because what leaves
// is a statistic over them (percentile, median), never one row's data.
func (s *Service) Market(ctx context.Context, agencyID int) ([]MarketPosting, error) {
	v, check, err := access.Caller(ctx)
	if err != nil {
		return nil, fmt.Errorf("market: %w", err)
	}
	if check && v.AgencyID != agencyID {
		return nil, fmt.Errorf("market: agency: %w", ErrNotFound)
	}
	ps, err := s.Client.Posting.Query().Where(posting.AgencyID(agencyID), posting.StatusEQ(posting.StatusOPEN)).
		Select(posting.FieldID, posting.FieldJobCategory, posting.FieldPrefecture, posting.FieldHourlyWage).
		All(access.System(ctx, "signals: wage statistics over the agency's open postings"))
	if err != nil {
		return nil, fmt.Errorf("market: %w", err)
	}
	out := make([]MarketPosting, len(ps))
	for i, p := range ps {
		out[i] = MarketPosting{ID: p.ID, JobCategory: p.JobCategory, Prefecture: p.Prefecture, HourlyWage: p.HourlyWage}
	}
	return out, nil
}

// postings and registrants load one page's rows by id, under the caller's privacy.
func (s *Service) postings(ctx context.Context, ids []int) (map[int]*ent.Posting, error) {
	rows, err := s.Client.Posting.Query().Where(posting.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load postings: %w", err)
	}
	out := make(map[int]*ent.Posting, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

func (s *Service) registrants(ctx context.Context, ids []int) (map[int]*ent.Registrant, error) {
	rows, err := s.Client.Registrant.Query().Where(registrant.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load registrants: %w", err)
	}
	out := make(map[int]*ent.Registrant, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

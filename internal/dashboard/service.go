package dashboard

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

// ErrRepsAndAdmins: the dashboard is for sales reps (their own) and admins (everyone's).
var ErrRepsAndAdmins = errors.New("the partner dashboard is for sales reps and admins")

// StageCount is how many of a posting's applications are at one status.
type StageCount struct {
	Status application.Status
	Count  int
}

// PostingPipeline is one open posting with its applications per stage.
type PostingPipeline struct {
	Posting *ent.Posting
	Stages  []StageCount
	Placed  int
}

// Waiting is an open inquiry assigned to the rep, with its SLA state.
type Waiting struct {
	Inquiry  *ent.Inquiry
	SLAState string
}

// Rep is one sales rep's part of the dashboard.
type Rep struct {
	Rep                  *ent.SalesRep
	OpenPostings         []*PostingPipeline
	FillRate             *float64 // over the rep's postings ever opened (not drafts)
	MedianDaysToFill     *float64
	EndingWithoutRenewal []*ent.Assignment // ending within the agency's next-job lead days, no renewal
	Waiting              []*Waiting
}

// Workload is a coordinator's open inquiries against their capacity.
type Workload struct {
	Coordinator *ent.Coordinator
	Open        int
	Capacity    int
}

// Dashboard is the whole answer: one Rep for a sales rep; every rep and every coordinator for admins.
type Dashboard struct {
	Reps         []*Rep
	Coordinators []*Workload
	LeadDays     int
}

// Service computes the dashboard.
type Service struct {
	Client *ent.Client
	Now    func() time.Time // nil: time.Now
}

// Of computes the viewer's dashboard, under the viewer's privacy, in a fixed number of statements.
func (s *Service) Of(ctx context.Context) (*Dashboard, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("dashboard: %w", access.ErrNoViewer)
	}
	if v.Role != auth.RoleSalesRep && v.Role != auth.RoleAdmin {
		return nil, ErrRepsAndAdmins
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	ag, err := s.Client.Agency.Query().Where(agency.ID(v.AgencyID)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	reps := s.Client.SalesRep.Query().Order(ent.Asc(salesrep.FieldName), ent.Asc(salesrep.FieldID))
	if v.Role == auth.RoleSalesRep {
		reps.Where(salesrep.ID(v.ProfileID))
	}
	rs, err := reps.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	out := &Dashboard{LeadDays: ag.NextJobLeadDays}
	byRep := map[int]*Rep{}
	ids := make([]int, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
		byRep[r.ID] = &Rep{Rep: r, OpenPostings: []*PostingPipeline{}, EndingWithoutRenewal: []*ent.Assignment{}, Waiting: []*Waiting{}}
		out.Reps = append(out.Reps, byRep[r.ID])
	}

	// Every posting of the reps that was ever opened (fill figures), the open ones shown.
	ps, err := s.Client.Posting.Query().Where(posting.AccountRepIDIn(ids...), posting.StatusNEQ(posting.StatusDRAFT)).
		Order(ent.Asc(posting.FieldCreatedAt), ent.Asc(posting.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	pids := make([]int, len(ps))
	for i, p := range ps {
		pids[i] = p.ID
	}
	var stages []struct {
		PostingID int                `json:"posting_id"`
		Status    application.Status `json:"status"`
		Count     int                `json:"count"`
	}
	if err := s.Client.Application.Query().Where(application.PostingIDIn(pids...)).
		GroupBy(application.FieldPostingID, application.FieldStatus).Aggregate(ent.Count()).Scan(ctx, &stages); err != nil {
		return nil, fmt.Errorf("dashboard: stages: %w", err)
	}
	// First placements: the earliest assignment created per posting, and how many.
	as, err := s.Client.Assignment.Query().Where(assignment.PostingIDIn(pids...), assignment.RenewalOfIDIsNil()).
		Select(assignment.FieldPostingID, assignment.FieldCreatedAt).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: placements: %w", err)
	}
	placed, first := map[int]int{}, map[int]time.Time{}
	for _, a := range as {
		placed[a.PostingID]++
		if f, ok := first[a.PostingID]; !ok || a.CreatedAt.Before(f) {
			first[a.PostingID] = a.CreatedAt
		}
	}
	pipelines := map[int]*PostingPipeline{}
	fills := map[int][]Fill{}
	for _, p := range ps {
		f := Fill{Headcount: p.Headcount, Placed: placed[p.ID], Opened: p.CreatedAt}
		if t, ok := first[p.ID]; ok {
			f.FirstFill = &t
		}
		fills[p.AccountRepID] = append(fills[p.AccountRepID], f)
		if p.Status == posting.StatusOPEN {
			pp := &PostingPipeline{Posting: p, Stages: []StageCount{}, Placed: placed[p.ID]}
			pipelines[p.ID] = pp
			byRep[p.AccountRepID].OpenPostings = append(byRep[p.AccountRepID].OpenPostings, pp)
		}
	}
	for _, st := range stages {
		if pp := pipelines[st.PostingID]; pp != nil {
			pp.Stages = append(pp.Stages, StageCount{Status: st.Status, Count: st.Count})
		}
	}
	for id, r := range byRep {
		r.FillRate, r.MedianDaysToFill = FillRate(fills[id]), MedianDaysToFill(fills[id])
	}

	// Assignments at the reps' postings ending within the lead days with no renewal decided.
	today := now.UTC().Truncate(24 * time.Hour)
	ending, err := s.Client.Assignment.Query().Where(assignment.PostingIDIn(pids...),
		assignment.StatusIn(assignment.StatusSCHEDULED, assignment.StatusACTIVE),
		assignment.EndDateGTE(today), assignment.EndDateLTE(today.AddDate(0, 0, ag.NextJobLeadDays)),
		assignment.Not(assignment.HasRenewal())).Order(ent.Asc(assignment.FieldEndDate)).WithPosting().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: ending: %w", err)
	}
	for _, a := range ending {
		if r := byRep[a.Edges.Posting.AccountRepID]; r != nil {
			r.EndingWithoutRenewal = append(r.EndingWithoutRenewal, a)
		}
	}

	// Open inquiries waiting on the reps.
	qs, err := s.Client.Inquiry.Query().Where(inquiry.SalesRepIDIn(ids...),
		inquiry.StatusIn(inquiry.StatusASSIGNED, inquiry.StatusACKNOWLEDGED, inquiry.StatusHANDED_OFF)).
		Order(ent.Asc(inquiry.FieldDueAt), ent.Asc(inquiry.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: inquiries: %w", err)
	}
	for _, q := range qs {
		if r := byRep[*q.SalesRepID]; r != nil {
			r.Waiting = append(r.Waiting, &Waiting{Inquiry: q, SLAState: SLAState(q.DueAt, q.EscalatedAt, now)})
		}
	}

	if v.Role == auth.RoleAdmin {
		cs, err := s.Client.Coordinator.Query().Order(ent.Asc(coordinator.FieldName), ent.Asc(coordinator.FieldID)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("dashboard: coordinators: %w", err)
		}
		for _, c := range cs {
			out.Coordinators = append(out.Coordinators, &Workload{Coordinator: c, Open: c.OpenInquiries, Capacity: c.Capacity})
		}
	}
	if out.Reps == nil {
		out.Reps = []*Rep{}
	}
	if out.Coordinators == nil {
		out.Coordinators = []*Workload{}
	}
	return out, nil
}

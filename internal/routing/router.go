package routing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/lib/pq"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/predicate"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/routingdecision"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/businesstime"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/routing/record"
)

// The DB-backed side of routing (§5): it turns Decide's choice into an assignment that holds under
// concurrency. Two guards make that true with many callers and many processes on one PostgreSQL:
//   - the assignee's open_inquiries counter is raised with a conditional UPDATE
//     (… WHERE open_inquiries < capacity), so a full assignee is never over-filled — the row lock it
//     takes is held to commit, and a concurrent claimer re-checks the condition after it;
//   - the inquiry is assigned with a conditional UPDATE (… WHERE status = 'QUEUED' AND no assignee),
//     so it can never get two assignees.
// Both happen in one transaction with the RoutingDecision row. On SQLite every write transaction is
// IMMEDIATE, which serialises them.

var (
	// ErrRateLimited: the registrant opened too many inquiries in 24 h (see RateLimitError).
	ErrRateLimited = errors.New("too many inquiries")
	// ErrOpenInquiryExists: one open inquiry per registrant × posting (see ConflictError).
	ErrOpenInquiryExists = errors.New("an open inquiry about this posting already exists")
	// ErrNotAssignee: only the assignee (or an admin) may act on an assigned inquiry.
	ErrNotAssignee = errors.New("the inquiry is not assigned to you")
	// ErrInvalidTransition: the inquiry's status does not allow the step.
	ErrInvalidTransition = errors.New("the inquiry cannot make that step in its current status")
	// ErrNoPosting: hand-off needs a posting whose account rep takes over.
	ErrNoPosting = errors.New("hand-off needs an inquiry about a posting")
	// ErrPostingRequired: questions about and intents to apply for a posting must name it.
	ErrPostingRequired = errors.New("postingId is required for POSTING_QUESTION and APPLICATION_INTENT")
	// ErrRaced: someone else changed the inquiry first; the caller's transaction was rolled back.
	ErrRaced = errors.New("the inquiry changed concurrently")
)

// RateLimitError says when the registrant may open the next inquiry.
type RateLimitError struct {
	Limit   int
	RetryAt time.Time
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("at most %d inquiries per 24 hours; next possible at %s", e.Limit, e.RetryAt.Format(time.RFC3339))
}
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// ConflictError names the open inquiry that blocks a new one.
type ConflictError struct{ InquiryID int }

func (e *ConflictError) Error() string { return ErrOpenInquiryExists.Error() }
func (e *ConflictError) Unwrap() error { return ErrOpenInquiryExists }

// Notifier is told, after commit, which inquiries changed (live updates, §5.7).
type Notifier interface {
	InquiryChanged(ctx context.Context, inq *ent.Inquiry)
}

// Router assigns inquiries.
type Router struct {
	client   *ent.Client
	postgres bool
	strategy Strategy
	notifier Notifier
	now      func() time.Time
	observe  func(action string)
}

// OnDecision registers a callback told the action of every recorded routing decision (metrics).
func (r *Router) OnDecision(f func(action string)) { r.observe = f }

// NewRouter returns a Router over client; postgres enables row locks (SKIP LOCKED) that SQLite lacks.
func NewRouter(client *ent.Client, postgres bool, n Notifier) *Router {
	return &Router{client: client, postgres: postgres, strategy: WeightedStrategy{}, notifier: n, now: time.Now}
}

// SetClock replaces the clock (tests of timeouts and SLAs).
func (r *Router) SetClock(now func() time.Time) { r.now = now }

// sys is the named bypass of the router: it reads staff pools and writes assignments no single
// viewer may (a registrant cannot read coordinators). Callers check the viewer's right to act first.
func sys(ctx context.Context) context.Context {
	return access.System(ctx, "routing: read the staff pool and write the assignment")
}

// NewInquiry is what opening an inquiry needs. The caller fills RegistrantID and Origin from the viewer.
type NewInquiry struct {
	AgencyID       int
	RegistrantID   int
	PostingID      *int
	Kind           inquiry.Kind
	Channel        inquiry.Channel
	Origin         inquiry.Origin
	Message        string
	IdempotencyKey *string
}

// Create opens an inquiry and routes it, in one transaction. A repeated idempotency key returns the
// inquiry it created the first time; a registrant's or staff NEXT_JOB while one is open returns that one. A viewer may only open one for a registrant and posting it
// sees, in its own agency; System callers (the next-job job) are trusted.
func (r *Router) Create(ctx context.Context, in NewInquiry) (*ent.Inquiry, error) {
	if (in.Kind == inquiry.KindPOSTING_QUESTION || in.Kind == inquiry.KindAPPLICATION_INTENT) && in.PostingID == nil {
		return nil, fmt.Errorf("create inquiry: %w", ErrPostingRequired)
	}
	if err := r.checkCreate(ctx, in); err != nil {
		return nil, fmt.Errorf("create inquiry: %w", err)
	}
	ctx = sys(ctx)
	var out *ent.Inquiry
	err := r.inTx(ctx, func(tx *ent.Tx) error {
		// Serialise one registrant's creates: the rate limit, the one-per-posting rule and the
		// idempotency key are then checked against everything committed before.
		if err := r.lockRegistrant(ctx, tx, in.RegistrantID); err != nil {
			return err
		}
		if in.IdempotencyKey != nil {
			prev, err := tx.Inquiry.Query().Where(inquiry.RegistrantID(in.RegistrantID), inquiry.IdempotencyKey(*in.IdempotencyKey)).Only(ctx)
			if err == nil {
				out = prev
				return nil
			}
			if !ent.IsNotFound(err) {
				return err
			}
		}
		if in.Kind == inquiry.KindNEXT_JOB && in.Origin != inquiry.OriginSYSTEM {
			// "Next job" while one is open (the system's, opened as her assignment ends, or an earlier
			// press) joins it: one conversation about her next job, not one per press.
			open, err := tx.Inquiry.Query().Where(inquiry.RegistrantID(in.RegistrantID), inquiry.KindEQ(inquiry.KindNEXT_JOB),
				inquiry.StatusIn(openStatuses...)).Order(ent.Asc(inquiry.FieldCreatedAt), ent.Asc(inquiry.FieldID)).First(ctx)
			if err == nil {
				out = open
				return nil
			}
			if !ent.IsNotFound(err) {
				return err
			}
		}
		ag, err := tx.Agency.Get(ctx, in.AgencyID)
		if err != nil {
			return err
		}
		now := r.now()
		if in.Origin == inquiry.OriginREGISTRANT {
			if err := r.checkRate(ctx, tx, ag, in.RegistrantID, now); err != nil {
				return err
			}
		}
		if in.PostingID != nil {
			open, err := tx.Inquiry.Query().Where(inquiry.RegistrantID(in.RegistrantID), inquiry.PostingID(*in.PostingID),
				inquiry.StatusIn(openStatuses...)).FirstID(ctx)
			if err == nil {
				return &ConflictError{InquiryID: open}
			}
			if !ent.IsNotFound(err) {
				return err
			}
		}
		cal, err := calendar(ag)
		if err != nil {
			return err
		}
		inq, err := tx.Inquiry.Create().SetAgencyID(ag.ID).SetRegistrantID(in.RegistrantID).SetNillablePostingID(in.PostingID).
			SetKind(in.Kind).SetChannel(in.Channel).SetOrigin(in.Origin).SetMessage(in.Message).
			SetNillableIdempotencyKey(in.IdempotencyKey).SetStatus(inquiry.StatusQUEUED).
			SetDueAt(cal.AddBusinessMinutes(now, time.Duration(ag.FirstResponseSLAMinutes)*time.Minute)).
			SetCreatedAt(now).SetUpdatedAt(now).Save(ctx)
		if err != nil {
			return err
		}
		out, err = r.route(ctx, tx, ag, inq, routingdecision.ActionASSIGN, nil, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create inquiry: %w", err)
	}
	out = out.Unwrap() // read edges through the client, not the closed transaction
	r.changed(ctx, out)
	return out, nil
}

var openStatuses = []inquiry.Status{inquiry.StatusQUEUED, inquiry.StatusASSIGNED, inquiry.StatusACKNOWLEDGED, inquiry.StatusHANDED_OFF}

func (r *Router) checkRate(ctx context.Context, tx *ent.Tx, ag *ent.Agency, registrantID int, now time.Time) error {
	recent, err := tx.Inquiry.Query().Where(inquiry.RegistrantID(registrantID), inquiry.OriginEQ(inquiry.OriginREGISTRANT),
		inquiry.CreatedAtGT(now.Add(-24*time.Hour))).Order(ent.Asc(inquiry.FieldCreatedAt)).
		Select(inquiry.FieldCreatedAt).All(ctx)
	if err != nil {
		return err
	}
	if len(recent) < ag.InquiryRateLimit {
		return nil
	}
	// Nothing is dropped silently: the registrant is told when to retry, and staff see the flag.
	if err := tx.Registrant.UpdateOneID(registrantID).SetContactPressureFlaggedAt(now).Exec(ctx); err != nil {
		return err
	}
	return &RateLimitError{Limit: ag.InquiryRateLimit, RetryAt: recent[len(recent)-ag.InquiryRateLimit].CreatedAt.Add(24 * time.Hour)}
}

func (r *Router) lockRegistrant(ctx context.Context, tx *ent.Tx, id int) error {
	q := tx.Registrant.Query().Where(registrant.ID(id))
	if r.postgres {
		q = q.ForUpdate()
	}
	_, err := q.OnlyID(ctx)
	return err
}

// inTx runs f in a transaction; errors roll it back, except that a rate-limit flag is kept. A
// transaction PostgreSQL aborted as a deadlock victim (two steps releasing and claiming the same two
// assignees in opposite order) is retried.
func (r *Router) inTx(ctx context.Context, f func(tx *ent.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := r.inTxOnce(ctx, f)
		var pqErr *pq.Error
		if attempt < 4 && errors.As(err, &pqErr) && (pqErr.Code == "40P01" || pqErr.Code == "40001") {
			continue
		}
		return err
	}
}

func (r *Router) inTxOnce(ctx context.Context, f func(tx *ent.Tx) error) error {
	return dbtx.WithTx(ctx, r.client, func(tx *ent.Tx) error {
		err := f(tx)
		if rl := (*RateLimitError)(nil); errors.As(err, &rl) {
			return dbtx.KeepWrites(err) // the refusal is recorded as the inquiry's decision
		}
		return err
	})
}

func calendar(ag *ent.Agency) (businesstime.Calendar, error) {
	return businesstime.NewCalendar(ag.Timezone, ag.BusinessOpen, ag.BusinessClose, ag.WorkingWeekdays, ag.Holidays)
}

func policyOf(ag *ent.Agency) Policy {
	p := DefaultPolicy(Mode(ag.RoutingMode))
	p.Weights = Weights{Continuity: ag.RoutingWeightContinuity, Specialty: ag.RoutingWeightSpecialty, Region: ag.RoutingWeightRegion}
	return p
}

// route decides and, when someone is chosen, claims their capacity and assigns the inquiry. A queue
// outcome is recorded only when recordQueue (not on every sweeper retry).
func (r *Router) route(ctx context.Context, tx *ent.Tx, ag *ent.Agency, inq *ent.Inquiry, action routingdecision.Action, actorID *int, recordQueue bool) (*ent.Inquiry, error) {
	now := r.now()
	in, err := r.input(ctx, tx, inq, now)
	if err != nil {
		return nil, err
	}
	cands, err := r.candidates(ctx, tx, ag, in, now)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		d := Decide(in, cands, policyOf(ag), r.strategy, now)
		if d.Chosen == nil {
			if recordQueue {
				if err := r.record(ctx, tx, ag.ID, inq.ID, routingdecision.ActionQUEUE, d, actorID); err != nil {
					return nil, err
				}
			}
			return inq, nil
		}
		claimed, err := r.claim(ctx, tx, d.Chosen)
		if err != nil {
			return nil, err
		}
		if !claimed {
			// Filled by a concurrent claimer since we read the pool: decide again without them.
			markFull(cands, d.Chosen)
			if attempt > len(cands) {
				return inq, nil
			}
			continue
		}
		cal, err := calendar(ag)
		if err != nil {
			return nil, err
		}
		status := inquiry.StatusASSIGNED
		if in.HandOff {
			status = inquiry.StatusHANDED_OFF
		}
		upd := tx.Inquiry.UpdateOneID(inq.ID).Where(inquiry.StatusEQ(inquiry.StatusQUEUED),
			inquiry.CoordinatorIDIsNil(), inquiry.SalesRepIDIsNil()).
			SetStatus(status).SetAssignedAt(now).SetUpdatedAt(now).
			SetAckDueAt(cal.AddBusinessMinutes(now, time.Duration(ag.AckTimeoutMinutes)*time.Minute))
		if d.Chosen.Kind == KindCoordinator {
			upd.SetCoordinatorID(d.Chosen.ID)
		} else {
			upd.SetSalesRepID(d.Chosen.ID)
		}
		out, err := upd.Save(ctx)
		if ent.IsNotFound(err) {
			return nil, ErrRaced
		}
		if err != nil {
			return nil, err
		}
		if err := r.record(ctx, tx, ag.ID, inq.ID, action, d, actorID); err != nil {
			return nil, err
		}
		return out, nil
	}
}

func markFull(cands []Candidate, c *Candidate) {
	for i := range cands {
		if cands[i].Kind == c.Kind && cands[i].ID == c.ID {
			cands[i].OpenCount = cands[i].Capacity
		}
	}
}

// claim takes one unit of the staff member's capacity, if any is left.
func (r *Router) claim(ctx context.Context, tx *ent.Tx, c *Candidate) (bool, error) {
	now := r.now()
	var (
		n   int
		err error
	)
	if c.Kind == KindCoordinator {
		n, err = tx.Coordinator.Update().Where(coordinator.ID(c.ID), coordinator.Available(true),
			predicate.Coordinator(underCapacity(coordinator.FieldOpenInquiries, coordinator.FieldCapacity))).
			AddOpenInquiries(1).SetLastAssignedAt(now).Save(ctx)
	} else {
		n, err = tx.SalesRep.Update().Where(salesrep.ID(c.ID), salesrep.Available(true),
			predicate.SalesRep(underCapacity(salesrep.FieldOpenInquiries, salesrep.FieldCapacity))).
			AddOpenInquiries(1).SetLastAssignedAt(now).Save(ctx)
	}
	return n == 1, err
}

func underCapacity(open, capacity string) func(*sql.Selector) {
	return func(s *sql.Selector) { s.Where(sql.ColumnsLT(s.C(open), s.C(capacity))) }
}

// release gives the assignee's unit of capacity back and clears the assignee.
func release(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry) error {
	var err error
	switch {
	case inq.CoordinatorID != nil:
		_, err = tx.Coordinator.Update().Where(coordinator.ID(*inq.CoordinatorID), coordinator.OpenInquiriesGT(0)).
			AddOpenInquiries(-1).Save(ctx)
	case inq.SalesRepID != nil:
		_, err = tx.SalesRep.Update().Where(salesrep.ID(*inq.SalesRepID), salesrep.OpenInquiriesGT(0)).
			AddOpenInquiries(-1).Save(ctx)
	}
	return err
}

// input gathers what Decide needs to know about the inquiry.
func (r *Router) input(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry, now time.Time) (Inquiry, error) {
	reg, err := tx.Registrant.Get(ctx, inq.RegistrantID)
	if err != nil {
		return Inquiry{}, err
	}
	in := Inquiry{ID: inq.ID, Kind: inq.Kind.String(), RegistrantID: reg.ID, RegistrantPrefecture: reg.Prefecture,
		DesiredCategories: reg.DesiredJobCategories, Excluded: map[int]bool{},
		HandOff: inq.HandedOffAt != nil && inq.PostingID != nil}
	if inq.PostingID != nil {
		p, err := tx.Posting.Get(ctx, *inq.PostingID)
		if err != nil {
			return Inquiry{}, err
		}
		in.PostingID, in.PostingCategory, in.PostingAccountRepID = p.ID, p.JobCategory, p.AccountRepID
	}
	latest, err := tx.Assignment.Query().Where(assignment.RegistrantID(reg.ID)).
		Order(ent.Desc(assignment.FieldEndDate), ent.Desc(assignment.FieldID)).WithPosting().First(ctx)
	switch {
	case err == nil:
		in.LatestAssignmentRepID = latest.Edges.Posting.AccountRepID
	case !ent.IsNotFound(err):
		return Inquiry{}, err
	}
	gone, err := tx.RoutingDecision.Query().Where(routingdecision.InquiryID(inq.ID),
		routingdecision.ActionIn(routingdecision.ActionDECLINE, routingdecision.ActionTIMEOUT)).All(ctx)
	if err != nil {
		return Inquiry{}, err
	}
	for _, d := range gone {
		if d.ChosenCoordinatorID != nil {
			in.Excluded[*d.ChosenCoordinatorID] = true
		}
		if d.ChosenSalesRepID != nil {
			in.Excluded[*d.ChosenSalesRepID] = true
		}
	}
	return in, nil
}

// candidates reads the staff pool the inquiry can go to, with their load and continuity.
func (r *Router) candidates(ctx context.Context, tx *ent.Tx, ag *ent.Agency, in Inquiry, now time.Time) ([]Candidate, error) {
	handled := map[int]time.Time{}
	past, err := tx.Inquiry.Query().Where(inquiry.RegistrantID(in.RegistrantID), inquiry.IDNEQ(in.ID),
		inquiry.AssignedAtGT(now.Add(-DefaultContinuityWindow))).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range past {
		for _, id := range []*int{p.CoordinatorID, p.SalesRepID} {
			if id != nil && p.AssignedAt != nil && p.AssignedAt.After(handled[*id]) {
				handled[*id] = *p.AssignedAt
			}
		}
	}
	var out []Candidate
	if ag.RoutingMode == agency.RoutingModeCOORDINATOR && !in.HandOff {
		cs, err := tx.Coordinator.Query().Where(coordinator.AgencyID(ag.ID)).WithAccount().All(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out = append(out, Candidate{Kind: KindCoordinator, ID: c.ID, Name: c.Name,
				AccountActive: c.Edges.Account != nil && !c.Edges.Account.Disabled, Available: c.Available,
				Capacity: c.Capacity, OpenCount: c.OpenInquiries, Specialties: c.Specialties, Regions: c.Regions,
				LastAssignedAt: deref(c.LastAssignedAt), HandledRegistrantAt: handled[c.ID]})
		}
		return out, nil
	}
	rs, err := tx.SalesRep.Query().Where(salesrep.AgencyID(ag.ID)).WithAccount().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range rs {
		out = append(out, Candidate{Kind: KindSalesRep, ID: s.ID, Name: s.Name, RepKind: s.Kind.String(),
			AccountActive: s.Edges.Account != nil && !s.Edges.Account.Disabled, Available: s.Available,
			Capacity: s.Capacity, OpenCount: s.OpenInquiries, Specialties: s.Specialties,
			LastAssignedAt: deref(s.LastAssignedAt), HandledRegistrantAt: handled[s.ID]})
	}
	return out, nil
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// record stores a RoutingDecision with every candidate considered.
func (r *Router) record(ctx context.Context, tx *ent.Tx, agencyID, inquiryID int, action routingdecision.Action, d Decision, actorID *int) error {
	cands := make([]record.Candidate, len(d.Scores))
	for i, s := range d.Scores {
		cands[i] = record.Candidate{Kind: string(s.Kind), ID: s.CandidateID, Name: s.Name, Score: s.Total,
			Components: s.Components, Excluded: s.Excluded}
	}
	if r.observe != nil {
		r.observe(action.String())
	}
	c := tx.RoutingDecision.Create().SetAgencyID(agencyID).SetInquiryID(inquiryID).SetAction(action).
		SetCandidates(cands).SetReason(d.Reason).SetNillableActorID(actorID).SetCreatedAt(r.now())
	if d.Chosen != nil {
		if d.Chosen.Kind == KindCoordinator {
			c.SetChosenCoordinatorID(d.Chosen.ID)
		} else {
			c.SetChosenSalesRepID(d.Chosen.ID)
		}
	}
	return c.Exec(ctx)
}

func (r *Router) changed(ctx context.Context, inq *ent.Inquiry) {
	if r.notifier != nil && inq != nil {
		r.notifier.InquiryChanged(ctx, inq)
	}
}

func skipLocked() sql.LockOption { return sql.WithLockAction(sql.SkipLocked) }

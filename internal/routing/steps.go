package routing

import (
	"context"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/routingdecision"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/auth"
)

// Actor is who takes a step: a staff viewer, or nil for the system (sweeper).
type Actor = *auth.Viewer

// IsAssignee reports whether the staff viewer a is the inquiry's current assignee.
func IsAssignee(a Actor, inq *ent.Inquiry) bool {
	switch a.Role {
	case auth.RoleCoordinator:
		return inq.CoordinatorID != nil && *inq.CoordinatorID == a.ProfileID
	case auth.RoleSalesRep:
		return inq.SalesRepID != nil && *inq.SalesRepID == a.ProfileID
	}
	return false
}

// load reads the inquiry the actor acts on, under System: step has checked the actor may see it.
func (r *Router) load(ctx context.Context, tx *ent.Tx, id int) (*ent.Inquiry, *ent.Agency, error) {
	q := tx.Inquiry.Query().Where(inquiry.ID(id))
	if r.postgres {
		// One lock order for every routing transaction: the registrant, then her inquiry, then
		// staff. Create takes her row before it claims staff; a step that locked the staff pool
		// first and her row later deadlocked against it (TestReassignWhileSheAsks).
		regID, err := tx.Inquiry.Query().Where(inquiry.ID(id)).Select(inquiry.FieldRegistrantID).Int(ctx)
		if err != nil {
			return nil, nil, err
		}
		if err := r.lockRegistrant(ctx, tx, regID); err != nil {
			return nil, nil, err
		}
		q = q.ForUpdate()
	}
	inq, err := q.Only(ctx)
	if err != nil {
		return nil, nil, err
	}
	ag, err := tx.Agency.Get(ctx, inq.AgencyID)
	return inq, ag, err
}

// step runs one inquiry transition in a transaction and tells subscribers afterwards. When it frees
// capacity, queued inquiries of the agency get their turn.
func (r *Router) step(ctx context.Context, a Actor, name string, id int, f func(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry, ag *ent.Agency) (*ent.Inquiry, bool, error)) (*ent.Inquiry, error) {
	if err := r.checkInquiry(ctx, a, id); err != nil {
		return nil, fmt.Errorf("%s inquiry: %w", name, err)
	}
	ctx = sys(ctx)
	var (
		out   *ent.Inquiry
		freed bool
		agID  int
	)
	err := r.inTx(ctx, func(tx *ent.Tx) error {
		inq, ag, err := r.load(ctx, tx, id)
		if err != nil {
			return err
		}
		agID = ag.ID
		out, freed, err = f(ctx, tx, inq, ag)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s inquiry: %w", name, err)
	}
	out = out.Unwrap() // read edges through the client, not the closed transaction
	r.changed(ctx, out)
	if freed {
		if _, err := r.RetryQueued(ctx, agID, 20); err != nil {
			return out, fmt.Errorf("%s inquiry: retry queue: %w", name, err)
		}
	}
	return out, nil
}

// Acknowledge: the assignee confirms they have it.
func (r *Router) Acknowledge(ctx context.Context, a Actor, id int) (*ent.Inquiry, error) {
	return r.step(ctx, a, "acknowledge", id, func(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry, _ *ent.Agency) (*ent.Inquiry, bool, error) {
		if !IsAssignee(a, inq) {
			return nil, false, ErrNotAssignee
		}
		if inq.Status != inquiry.StatusASSIGNED && inq.Status != inquiry.StatusHANDED_OFF {
			return nil, false, ErrInvalidTransition
		}
		now := r.now()
		out, err := tx.Inquiry.UpdateOne(inq).SetStatus(inquiry.StatusACKNOWLEDGED).SetAcknowledgedAt(now).
			ClearAckDueAt().SetUpdatedAt(now).Save(ctx)
		return out, false, err
	})
}

// Decline: the assignee gives it back; it goes to the next eligible candidate, never back to them.
func (r *Router) Decline(ctx context.Context, a Actor, id int, reason string) (*ent.Inquiry, error) {
	return r.step(ctx, a, "decline", id, func(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry, ag *ent.Agency) (*ent.Inquiry, bool, error) {
		if !IsAssignee(a, inq) {
			return nil, false, ErrNotAssignee
		}
		out, err := r.requeue(ctx, tx, ag, inq, routingdecision.ActionDECLINE, &a.AccountID, "declined by the assignee: "+reason)
		return out, true, err
	})
}

// HandOff: a coordinator passes an inquiry about a posting to its account rep, keeping the history.
func (r *Router) HandOff(ctx context.Context, a Actor, id int, note string) (*ent.Inquiry, error) {
	return r.step(ctx, a, "hand off", id, func(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry, ag *ent.Agency) (*ent.Inquiry, bool, error) {
		if a.Role != auth.RoleAdmin && !IsAssignee(a, inq) {
			return nil, false, ErrNotAssignee
		}
		if inq.CoordinatorID == nil || !isOpen(inq.Status) {
			return nil, false, ErrInvalidTransition
		}
		if inq.PostingID == nil {
			return nil, false, ErrNoPosting
		}
		if err := r.lockPool(ctx, tx, ag.ID); err != nil {
			return nil, false, err
		}
		if err := release(ctx, tx, inq); err != nil {
			return nil, false, err
		}
		now := r.now()
		inq, err := tx.Inquiry.UpdateOne(inq).ClearCoordinatorID().SetStatus(inquiry.StatusQUEUED).
			SetHandedOffAt(now).ClearAckDueAt().ClearAcknowledgedAt().SetUpdatedAt(now).Save(ctx)
		if err != nil {
			return nil, false, err
		}
		out, err := r.routeWithNote(ctx, tx, ag, inq, routingdecision.ActionHAND_OFF, &a.AccountID, note)
		return out, true, err
	})
}

// Resolve closes the inquiry and frees the assignee's capacity.
func (r *Router) Resolve(ctx context.Context, a Actor, id int) (*ent.Inquiry, error) {
	return r.step(ctx, a, "resolve", id, func(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry, ag *ent.Agency) (*ent.Inquiry, bool, error) {
		if a.Role != auth.RoleAdmin && !IsAssignee(a, inq) {
			return nil, false, ErrNotAssignee
		}
		if !isOpen(inq.Status) {
			return nil, false, ErrInvalidTransition
		}
		if err := release(ctx, tx, inq); err != nil {
			return nil, false, err
		}
		now := r.now()
		out, err := tx.Inquiry.UpdateOne(inq).SetStatus(inquiry.StatusRESOLVED).SetResolvedAt(now).
			ClearAckDueAt().SetUpdatedAt(now).Save(ctx)
		if err != nil {
			return nil, false, err
		}
		err = tx.RoutingDecision.Create().SetAgencyID(ag.ID).SetInquiryID(inq.ID).SetAction(routingdecision.ActionRESOLVE).
			SetReason("resolved").SetActorID(a.AccountID).SetCreatedAt(now).Exec(ctx)
		return out, true, err
	})
}

// Reassign (admins): take the inquiry from its assignee and route it again without them.
func (r *Router) Reassign(ctx context.Context, a Actor, id int, reason string) (*ent.Inquiry, error) {
	return r.step(ctx, a, "reassign", id, func(ctx context.Context, tx *ent.Tx, inq *ent.Inquiry, ag *ent.Agency) (*ent.Inquiry, bool, error) {
		if a.Role != auth.RoleAdmin {
			return nil, false, ErrNotAssignee
		}
		if !isOpen(inq.Status) {
			return nil, false, ErrInvalidTransition
		}
		out, err := r.requeue(ctx, tx, ag, inq, routingdecision.ActionREASSIGN, &a.AccountID, "reassigned by an admin: "+reason)
		return out, true, err
	})
}

func isOpen(s inquiry.Status) bool {
	for _, o := range openStatuses {
		if s == o {
			return true
		}
	}
	return false
}

// requeue releases the assignee, records why (so they are excluded next time) and routes again.
func (r *Router) requeue(ctx context.Context, tx *ent.Tx, ag *ent.Agency, inq *ent.Inquiry, action routingdecision.Action, actorID *int, why string) (*ent.Inquiry, error) {
	if err := r.lockPool(ctx, tx, ag.ID); err != nil {
		return nil, err
	}
	now := r.now()
	if inq.CoordinatorID != nil || inq.SalesRepID != nil {
		if err := release(ctx, tx, inq); err != nil {
			return nil, err
		}
		d := tx.RoutingDecision.Create().SetAgencyID(ag.ID).SetInquiryID(inq.ID).SetAction(action).
			SetReason(why).SetNillableActorID(actorID).SetCreatedAt(now).
			SetNillableChosenCoordinatorID(inq.CoordinatorID).SetNillableChosenSalesRepID(inq.SalesRepID)
		if err := d.Exec(ctx); err != nil {
			return nil, err
		}
	}
	inq, err := tx.Inquiry.UpdateOne(inq).ClearCoordinatorID().ClearSalesRepID().SetStatus(inquiry.StatusQUEUED).
		ClearAckDueAt().ClearAcknowledgedAt().ClearAssignedAt().SetUpdatedAt(now).Save(ctx)
	if err != nil {
		return nil, err
	}
	return r.route(ctx, tx, ag, inq, routingdecision.ActionASSIGN, nil, true)
}

func (r *Router) routeWithNote(ctx context.Context, tx *ent.Tx, ag *ent.Agency, inq *ent.Inquiry, action routingdecision.Action, actorID *int, note string) (*ent.Inquiry, error) {
	out, err := r.route(ctx, tx, ag, inq, action, actorID, true)
	if err != nil || note == "" {
		return out, err
	}
	return out, tx.Inquiry.UpdateOneID(out.ID).SetMessage(out.Message + "\n\n[hand-off] " + note).Exec(ctx)
}

// SetMode switches an agency's routing mode; open inquiries keep their assignee (§5.1).
// The agency row's own policy lets only its admins write it.
func (r *Router) SetMode(ctx context.Context, agencyID int, mode agency.RoutingMode) (*ent.Agency, error) {
	ag, err := r.client.Agency.UpdateOneID(agencyID).SetRoutingMode(mode).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("set routing mode: agency: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("set routing mode: %w", err)
	}
	return ag, nil
}

// RetryQueued tries to assign up to limit QUEUED inquiries of an agency (0 = all agencies), most
// urgent and oldest first. An inquiry nobody can take yet (its only eligible assignee excluded, say)
// does not block the ones behind it. Each inquiry is claimed with SKIP LOCKED inside its own
// transaction, so concurrent processes never route the same one.
func (r *Router) RetryQueued(ctx context.Context, agencyID, limit int) (int, error) {
	ctx = sys(ctx)
	q := r.client.Inquiry.Query().Where(inquiry.StatusEQ(inquiry.StatusQUEUED)).
		Order(ent.Desc(inquiry.FieldPriority), ent.Asc(inquiry.FieldCreatedAt), ent.Asc(inquiry.FieldID)).Limit(limit)
	if agencyID > 0 {
		q = q.Where(inquiry.AgencyID(agencyID))
	}
	ids, err := q.IDs(ctx)
	if err != nil {
		return 0, err
	}
	assigned := 0
	for _, id := range ids {
		var got *ent.Inquiry
		err := r.inTx(ctx, func(tx *ent.Tx) error {
			q := tx.Inquiry.Query().Where(inquiry.ID(id), inquiry.StatusEQ(inquiry.StatusQUEUED))
			if r.postgres {
				q = q.ForUpdate(skipLocked())
			}
			inq, err := q.First(ctx)
			if ent.IsNotFound(err) {
				return nil // taken by someone else meanwhile
			}
			if err != nil {
				return err
			}
			ag, err := tx.Agency.Get(ctx, inq.AgencyID)
			if err != nil {
				return err
			}
			out, err := r.route(ctx, tx, ag, inq, routingdecision.ActionASSIGN, nil, false)
			if err != nil {
				return err
			}
			if out.Status != inquiry.StatusQUEUED {
				got = out
			}
			return nil
		})
		if err != nil {
			return assigned, err
		}
		if got != nil {
			assigned++
			r.changed(ctx, got.Unwrap())
		}
	}
	return assigned, nil
}

// SweepResult counts what a sweep did.
type SweepResult struct{ TimedOut, Escalated, Assigned int }

// Sweep is the periodic job: reassigns inquiries not acknowledged in time, escalates queued ones past
// their SLA, and retries the queue. Safe to run from several processes at once: every row is claimed
// with FOR UPDATE SKIP LOCKED inside its own transaction.
func (r *Router) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	ctx = sys(ctx)
	var err error
	res.TimedOut, err = r.claimEach(ctx, func(tx *ent.Tx) *ent.InquiryQuery {
		return tx.Inquiry.Query().Where(inquiry.StatusIn(inquiry.StatusASSIGNED, inquiry.StatusHANDED_OFF),
			inquiry.AckDueAtLT(r.now())).Order(ent.Asc(inquiry.FieldAckDueAt))
	}, func(tx *ent.Tx, cur *ent.Inquiry) (*ent.Inquiry, error) {
		ag, err := tx.Agency.Get(ctx, cur.AgencyID)
		if err != nil {
			return nil, err
		}
		return r.requeue(ctx, tx, ag, cur, routingdecision.ActionTIMEOUT, nil, "not acknowledged within the ack timeout")
	})
	if err != nil {
		return res, fmt.Errorf("sweep timeouts: %w", err)
	}
	res.Escalated, err = r.claimEach(ctx, func(tx *ent.Tx) *ent.InquiryQuery {
		return tx.Inquiry.Query().Where(inquiry.StatusEQ(inquiry.StatusQUEUED), inquiry.DueAtLT(r.now()),
			inquiry.EscalatedAtIsNil()).Order(ent.Asc(inquiry.FieldDueAt))
	}, func(tx *ent.Tx, cur *ent.Inquiry) (*ent.Inquiry, error) {
		now := r.now()
		inq, err := tx.Inquiry.UpdateOne(cur).SetEscalatedAt(now).SetPriority(min(cur.Priority+1, 10)).SetUpdatedAt(now).Save(ctx)
		if err != nil {
			return nil, err
		}
		return inq, tx.RoutingDecision.Create().SetAgencyID(cur.AgencyID).SetInquiryID(cur.ID).
			SetAction(routingdecision.ActionESCALATE).SetCreatedAt(now).
			SetReason(fmt.Sprintf("queued past its first-response SLA (due %s); escalated to admins", cur.DueAt.Format(time.RFC3339))).Exec(ctx)
	})
	if err != nil {
		return res, fmt.Errorf("sweep escalations: %w", err)
	}
	n, err := r.RetryQueued(ctx, 0, 100)
	res.Assigned = n
	if err != nil {
		return res, fmt.Errorf("sweep queue: %w", err)
	}
	return res, nil
}

// claimEach handles, one transaction each, the inquiries due matches until none is left: each is
// claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so sweepers in several processes share the
// work without handling one twice. It returns how many were handled.
func (r *Router) claimEach(ctx context.Context, due func(tx *ent.Tx) *ent.InquiryQuery,
	handle func(tx *ent.Tx, cur *ent.Inquiry) (*ent.Inquiry, error)) (int, error) {
	handled := 0
	for {
		var inq *ent.Inquiry
		err := r.inTx(ctx, func(tx *ent.Tx) error {
			q := due(tx)
			if r.postgres {
				q = q.ForUpdate(skipLocked())
			}
			cur, err := q.First(ctx)
			if ent.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			inq, err = handle(tx, cur)
			return err
		})
		if err != nil || inq == nil {
			return handled, err
		}
		handled++
		r.changed(ctx, inq.Unwrap())
	}
}

// RunSweeper sweeps every interval until ctx ends, logging through report.
func (r *Router) RunSweeper(ctx context.Context, interval time.Duration, report func(SweepResult, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			res, err := r.Sweep(ctx)
			report(res, err)
		}
	}
}

// lockPool locks the agency's staff rows in id order. Steps that give one assignee's capacity back
// and claim another's touch two staff rows; taking them all in one order first means two such steps
// can never deadlock on each other (PostgreSQL would abort one only after deadlock_timeout).
func (r *Router) lockPool(ctx context.Context, tx *ent.Tx, agencyID int) error {
	if !r.postgres {
		return nil
	}
	if _, err := tx.Coordinator.Query().Where(coordinator.AgencyID(agencyID)).Order(ent.Asc(coordinator.FieldID)).ForUpdate().IDs(ctx); err != nil {
		return err
	}
	_, err := tx.SalesRep.Query().Where(salesrep.AgencyID(agencyID)).Order(ent.Asc(salesrep.FieldID)).ForUpdate().IDs(ctx)
	return err
}

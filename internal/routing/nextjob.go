package routing

import (
	"context"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/routingdecision"
)

// ResolveNextJob resolves, inside the caller's transaction, the registrant's open NEXT_JOB
// inquiries and gives their assignees' capacity back: her next job is settled (the pipeline calls it
// when it places her). Each inquiry is closed with a conditional UPDATE on the status and assignee
// it was read with, so a concurrent step (a reassignment, a resolve) is never double-counted. The
// caller has checked its right to act and passes a context that may write the inquiries. Queued
// inquiries waiting for the freed capacity are picked up by the next sweep.
func ResolveNextJob(ctx context.Context, tx *ent.Tx, registrantID int, actorID *int, now time.Time, reason string) ([]*ent.Inquiry, error) {
	open, err := tx.Inquiry.Query().Where(inquiry.RegistrantID(registrantID), inquiry.KindEQ(inquiry.KindNEXT_JOB),
		inquiry.StatusIn(openStatuses...)).All(ctx)
	if err != nil {
		return nil, err
	}
	var out []*ent.Inquiry
	for _, inq := range open {
		u := tx.Inquiry.UpdateOneID(inq.ID).Where(inquiry.StatusEQ(inq.Status))
		if inq.CoordinatorID != nil {
			u = u.Where(inquiry.CoordinatorID(*inq.CoordinatorID))
		} else {
			u = u.Where(inquiry.CoordinatorIDIsNil())
		}
		if inq.SalesRepID != nil {
			u = u.Where(inquiry.SalesRepID(*inq.SalesRepID))
		} else {
			u = u.Where(inquiry.SalesRepIDIsNil())
		}
		err := u.SetStatus(inquiry.StatusRESOLVED).SetResolvedAt(now).ClearAckDueAt().SetUpdatedAt(now).Exec(ctx)
		if ent.IsNotFound(err) {
			return nil, ErrRaced
		}
		if err != nil {
			return nil, err
		}
		if err := release(ctx, tx, inq); err != nil {
			return nil, err
		}
		if err := tx.RoutingDecision.Create().SetAgencyID(inq.AgencyID).SetInquiryID(inq.ID).SetAction(routingdecision.ActionRESOLVE).
			SetReason(reason).SetNillableActorID(actorID).SetCreatedAt(now).Exec(ctx); err != nil {
			return nil, err
		}
		got, err := tx.Inquiry.Get(ctx, inq.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

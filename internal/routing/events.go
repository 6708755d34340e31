package routing

import (
	"context"
	"log/slog"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/notify"
)

// BusEvents is the Notifier that tells subscribers about inquiry changes: ids-only events on the
// bus, addressed to the registrant's and the assignee's accounts.
type BusEvents struct {
	Client *ent.Client
	Bus    notify.Publisher
	Log    *slog.Logger
}

// MessagePosted tells the other side of inq's thread about a new message: the registrant when staff
// wrote, the assignee when she did.
func (e BusEvents) MessagePosted(ctx context.Context, inq *ent.Inquiry, fromStaff bool) {
	sys := access.System(ctx, "events: find the account to notify about a new message")
	var (
		id  *int
		err error
	)
	switch {
	case fromStaff:
		var r *ent.Registrant
		if r, err = e.Client.Registrant.Get(sys, inq.RegistrantID); err == nil {
			id = r.AccountID
		}
	case inq.CoordinatorID != nil:
		var c *ent.Coordinator
		if c, err = e.Client.Coordinator.Get(sys, *inq.CoordinatorID); err == nil {
			id = c.AccountID
		}
	case inq.SalesRepID != nil:
		var r *ent.SalesRep
		if r, err = e.Client.SalesRep.Get(sys, *inq.SalesRepID); err == nil {
			id = r.AccountID
		}
	}
	if err != nil {
		e.Log.ErrorContext(ctx, "message event audience", "err", err, "inquiry", inq.ID)
		return
	}
	if id == nil {
		return // nobody to tell (queued, or the other side has no account)
	}
	ev := notify.Event{Topic: notify.TopicInquiryMessage, AgencyID: inq.AgencyID, EntityID: inq.ID, AccountIDs: []int{*id}}
	if err := e.Bus.Publish(ctx, ev); err != nil {
		e.Log.ErrorContext(ctx, "publish message event", "err", err, "inquiry", inq.ID)
	}
}

// InquiryChanged publishes who should hear about inq. A lookup that fails leaves that account out
// of the audience and is logged; the event still goes to the others.
func (e BusEvents) InquiryChanged(ctx context.Context, inq *ent.Inquiry) {
	sys := access.System(ctx, "events: find the accounts to notify about an inquiry")
	var audience []int
	add := func(who string, id *int, err error) {
		switch {
		case err != nil:
			e.Log.ErrorContext(ctx, "inquiry event audience", "err", err, "inquiry", inq.ID, "who", who)
		case id != nil:
			audience = append(audience, *id)
		}
	}
	reg, err := e.Client.Registrant.Get(sys, inq.RegistrantID)
	add("registrant", accountOf(reg, func(r *ent.Registrant) *int { return r.AccountID }), err)
	switch {
	case inq.CoordinatorID != nil:
		c, err := e.Client.Coordinator.Get(sys, *inq.CoordinatorID)
		add("coordinator", accountOf(c, func(c *ent.Coordinator) *int { return c.AccountID }), err)
	case inq.SalesRepID != nil:
		r, err := e.Client.SalesRep.Get(sys, *inq.SalesRepID)
		add("sales rep", accountOf(r, func(r *ent.SalesRep) *int { return r.AccountID }), err)
	}
	topic := notify.TopicInquiryUpdated
	if inq.Status == inquiry.StatusASSIGNED || inq.Status == inquiry.StatusHANDED_OFF {
		topic = notify.TopicInquiryAssigned
	}
	ev := notify.Event{Topic: topic, AgencyID: inq.AgencyID, EntityID: inq.ID, AccountIDs: audience}
	if err := e.Bus.Publish(ctx, ev); err != nil {
		e.Log.ErrorContext(ctx, "publish inquiry event", "err", err, "inquiry", inq.ID)
	}
}

func accountOf[T any](row *T, account func(*T) *int) *int {
	if row == nil {
		return nil
	}
	return account(row)
}

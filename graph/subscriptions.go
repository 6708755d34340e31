package graph

import (
	"context"
	"log/slog"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/graph/portal"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/notify"
)

// InquiryEvents tells subscribers about inquiry changes: it implements routing.Notifier by
// publishing ids-only events addressed to the assignee's and the registrant's accounts.
type InquiryEvents struct {
	Client *ent.Client
	Bus    notify.Publisher
	Log    *slog.Logger
}

// InquiryChanged publishes who should hear about inq.
func (e InquiryEvents) InquiryChanged(ctx context.Context, inq *ent.Inquiry) {
	sys := access.System(ctx, "events: find the accounts to notify about an inquiry")
	var audience []int
	if reg, err := e.Client.Registrant.Get(sys, inq.RegistrantID); err == nil && reg.AccountID != nil {
		audience = append(audience, *reg.AccountID)
	}
	topic := notify.TopicInquiryUpdated
	switch {
	case inq.CoordinatorID != nil:
		if c, err := e.Client.Coordinator.Get(sys, *inq.CoordinatorID); err == nil && c.AccountID != nil {
			audience = append(audience, *c.AccountID)
		}
	case inq.SalesRepID != nil:
		if r, err := e.Client.SalesRep.Get(sys, *inq.SalesRepID); err == nil && r.AccountID != nil {
			audience = append(audience, *r.AccountID)
		}
	}
	if inq.Status == inquiry.StatusASSIGNED || inq.Status == inquiry.StatusHANDED_OFF {
		topic = notify.TopicInquiryAssigned
	}
	ev := notify.Event{Topic: topic, AgencyID: inq.AgencyID, EntityID: inq.ID, AccountIDs: audience}
	if err := e.Bus.Publish(ctx, ev); err != nil {
		e.Log.ErrorContext(ctx, "publish inquiry event", "err", err, "inquiry", inq.ID)
	}
}

// subscribe streams events concerning the viewer; each is re-read by read under the viewer's own
// privacy rules (nil = skip). The stream ends when the viewer's session ends (account disabled,
// signed out everywhere) or the client goes away.
func subscribe[T any](ctx context.Context, r *Resolver, topics []string, read func(ctx context.Context, id int) (T, bool)) (<-chan T, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	events, err := r.Bus.Subscribe(ctx, func(ev notify.Event) bool {
		if ev.AgencyID != v.AgencyID || !ev.Concerns(v.AccountID) {
			return false
		}
		for _, t := range topics {
			if ev.Topic == t {
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	out := make(chan T, 1)
	go func() {
		defer close(out)
		for ev := range events {
			if ev.Topic == notify.TopicResync {
				continue // nothing is cached per subscription; the next event re-reads anyway
			}
			if _, err := r.Sessions.Viewer(ctx); err != nil {
				return // the session ended: stop telling this client anything
			}
			item, ok := read(ctx, ev.EntityID)
			if !ok {
				continue
			}
			select {
			case out <- item:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

func (r *Resolver) inquiryAssigned(ctx context.Context) (<-chan *ent.Inquiry, error) {
	return subscribe(ctx, r, []string{notify.TopicInquiryAssigned}, func(ctx context.Context, id int) (*ent.Inquiry, bool) {
		v, _ := auth.ViewerFrom(ctx)
		inq, err := r.Client.Inquiry.Get(ctx, id)
		if err != nil {
			return nil, false
		}
		mine := (inq.CoordinatorID != nil && v.Role == auth.RoleCoordinator && *inq.CoordinatorID == v.ProfileID) ||
			(inq.SalesRepID != nil && v.Role == auth.RoleSalesRep && *inq.SalesRepID == v.ProfileID)
		return inq, mine
	})
}

func (r *Resolver) myInquiryUpdated(ctx context.Context) (<-chan *portal.MyInquiry, error) {
	return subscribe(ctx, r, []string{notify.TopicInquiryAssigned, notify.TopicInquiryUpdated}, func(ctx context.Context, id int) (*portal.MyInquiry, bool) {
		mine, err := r.portal().Inquiries(ctx)
		if err != nil {
			return nil, false
		}
		for _, m := range mine {
			if m.ID == id {
				return m, true
			}
		}
		return nil, false
	})
}

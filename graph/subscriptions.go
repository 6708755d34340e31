package graph

import (
	"context"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/portal"
)

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
		inq, err := r.Router.AssignedToViewer(ctx, id)
		return inq, err == nil
	})
}

// inquiryMessage: the registrant wrote in the thread of an inquiry assigned to the viewer.
func (r *Resolver) inquiryMessage(ctx context.Context) (<-chan *ent.Inquiry, error) {
	return subscribe(ctx, r, []string{notify.TopicInquiryMessage}, func(ctx context.Context, id int) (*ent.Inquiry, bool) {
		inq, err := r.Router.AssignedToViewer(ctx, id)
		return inq, err == nil
	})
}

func (r *Resolver) myInquiryUpdated(ctx context.Context) (<-chan *portal.MyInquiry, error) {
	return subscribe(ctx, r, []string{notify.TopicInquiryAssigned, notify.TopicInquiryUpdated, notify.TopicInquiryMessage}, func(ctx context.Context, id int) (*portal.MyInquiry, bool) {
		mine, err := r.portal().Inquiry(ctx, id)
		return mine, err == nil
	})
}

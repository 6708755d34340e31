package graph

import (
	"context"
	"fmt"
	"sort"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/routing/record"
)

func viewerOf(ctx context.Context) (*auth.Viewer, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("viewer: %w", access.ErrNoViewer)
	}
	return v, nil
}

// createInquiry opens an inquiry for the viewer (routing.Router.Open decides for whom and checks
// scope) and answers with what the viewer may see of it.
func (r *Resolver) createInquiry(ctx context.Context, in model.CreateInquiryInput) (*model.CreateInquiryPayload, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	req := routing.Request{PostingID: in.PostingID, RegistrantID: in.RegistrantID, Kind: in.Kind,
		IdempotencyKey: in.IdempotencyKey, Channel: in.Channel}
	if in.Message != nil {
		req.Message = *in.Message
	}
	opened, err := r.Router.Open(ctx, req)
	if err != nil {
		return nil, err
	}
	if v.Role != auth.RoleRegistrant {
		// The receipt always; the inquiry only if it is in the viewer's scope (it may have gone to a
		// colleague who handles the registrant).
		return &model.CreateInquiryPayload{Inquiry: opened.Inquiry, Receipt: &model.InquiryReceipt{ID: opened.ID,
			Status: opened.Status, RoutedToSomeoneElse: opened.RoutedToSomeoneElse}}, nil
	}
	mine, err := r.portal().Inquiry(ctx, opened.ID)
	if err != nil {
		return nil, err
	}
	return &model.CreateInquiryPayload{MyInquiry: mine}, nil
}

func (r *Resolver) requestNextJob(ctx context.Context, in model.RequestNextJobInput) (*model.CreateInquiryPayload, error) {
	return r.createInquiry(ctx, model.CreateInquiryInput{Kind: inquiry.KindNEXT_JOB, Message: in.Message, IdempotencyKey: in.IdempotencyKey})
}

// inquiryStep runs a routing step (the router checks the viewer may see the inquiry).
func (r *Resolver) inquiryStep(ctx context.Context, in model.InquiryStepInput,
	step func(ctx context.Context, a routing.Actor, id int, reason string) (*ent.Inquiry, error)) (*model.InquiryPayload, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	reason := ""
	if in.Reason != nil {
		reason = *in.Reason
	}
	inq, err := step(ctx, v, in.ID, reason)
	if err != nil {
		return nil, err
	}
	return &model.InquiryPayload{Inquiry: inq}, nil
}

// assignee is the coordinator or sales rep an inquiry is assigned to.
func assignee(ctx context.Context, inq *ent.Inquiry) (ent.Noder, error) {
	switch {
	case inq.CoordinatorID != nil:
		return edgeOrQuery(inq.Edges.CoordinatorOrErr, inq.QueryCoordinator().Only, ctx)
	case inq.SalesRepID != nil:
		return edgeOrQuery(inq.Edges.SalesRepOrErr, inq.QuerySalesRep().Only, ctx)
	}
	return nil, nil
}

func chosen(ctx context.Context, d *ent.RoutingDecision) (ent.Noder, error) {
	switch {
	case d.ChosenCoordinatorID != nil:
		return edgeOrQuery(d.Edges.ChosenCoordinatorOrErr, d.QueryChosenCoordinator().Only, ctx)
	case d.ChosenSalesRepID != nil:
		return edgeOrQuery(d.Edges.ChosenSalesRepOrErr, d.QueryChosenSalesRep().Only, ctx)
	}
	return nil, nil
}

func scoreComponents(c *record.Candidate) []*model.ScoreComponent {
	names := make([]string, 0, len(c.Components))
	for n := range c.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*model.ScoreComponent, len(names))
	for i, n := range names {
		out[i] = &model.ScoreComponent{Name: n, Value: c.Components[n]}
	}
	return out
}

func (r *Resolver) acknowledge(ctx context.Context, a routing.Actor, id int, _ string) (*ent.Inquiry, error) {
	return r.Router.Acknowledge(ctx, a, id)
}

func (r *Resolver) resolve(ctx context.Context, a routing.Actor, id int, _ string) (*ent.Inquiry, error) {
	return r.Router.Resolve(ctx, a, id)
}

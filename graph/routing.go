package graph

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/graph/portal"
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

// createInquiry opens an inquiry: registrants for themselves from the app, staff for a registrant
// they can see (phone, e-mail). Who it is for and where it came from are taken from the viewer.
func (r *Resolver) createInquiry(ctx context.Context, in model.CreateInquiryInput) (*model.CreateInquiryPayload, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	ni := routing.NewInquiry{AgencyID: v.AgencyID, PostingID: in.PostingID, Kind: in.Kind,
		IdempotencyKey: in.IdempotencyKey}
	if in.Message != nil {
		ni.Message = *in.Message
	}
	if v.Role == auth.RoleRegistrant {
		if in.RegistrantID != nil && *in.RegistrantID != v.ProfileID {
			// Registrants open their own inquiries; any other registrant does not exist for them.
			return nil, newError(CodeNotFound, "not found")
		}
		ni.RegistrantID, ni.Origin, ni.Channel = v.ProfileID, inquiry.OriginREGISTRANT, inquiry.ChannelAPP
	} else {
		if in.RegistrantID == nil {
			return nil, newError(CodeBadUserInput, "registrantId is required when staff open an inquiry")
		}
		if ok, err := r.Client.Registrant.Query().Where(registrant.ID(*in.RegistrantID)).Exist(ctx); err != nil || !ok {
			return nil, notFoundUnless(err)
		}
		ni.RegistrantID, ni.Origin, ni.Channel = *in.RegistrantID, inquiry.OriginSTAFF, inquiry.ChannelPHONE
		if in.Channel != nil {
			ni.Channel = *in.Channel
		}
	}
	if in.PostingID != nil {
		// The posting must be one the caller may see (for registrants: public or introduced).
		if ok, err := r.Client.Posting.Query().Where(posting.ID(*in.PostingID)).Exist(ctx); err != nil || !ok {
			return nil, notFoundUnless(err)
		}
	}
	inq, err := r.Router.Create(ctx, ni)
	if err != nil {
		return nil, err
	}
	return r.inquiryPayload(ctx, v, inq)
}

func (r *Resolver) requestNextJob(ctx context.Context, in model.RequestNextJobInput) (*model.CreateInquiryPayload, error) {
	return r.createInquiry(ctx, model.CreateInquiryInput{Kind: inquiry.KindNEXT_JOB, Message: in.Message, IdempotencyKey: in.IdempotencyKey})
}

func (r *Resolver) inquiryPayload(ctx context.Context, v *auth.Viewer, inq *ent.Inquiry) (*model.CreateInquiryPayload, error) {
	if v.Role != auth.RoleRegistrant {
		// Staff see the result only if it is in their scope (it may have gone to someone else).
		got, err := r.Client.Inquiry.Get(ctx, inq.ID)
		if ent.IsNotFound(err) {
			return &model.CreateInquiryPayload{}, nil
		}
		return &model.CreateInquiryPayload{Inquiry: got}, err
	}
	mine, err := r.portal().Inquiries(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range mine {
		if m.ID == inq.ID {
			return &model.CreateInquiryPayload{MyInquiry: m}, nil
		}
	}
	return nil, &ent.NotFoundError{}
}

// inquiryStep runs a routing step on an inquiry the viewer can see.
func (r *Resolver) inquiryStep(ctx context.Context, in model.InquiryStepInput,
	step func(ctx context.Context, a routing.Actor, id int, reason string) (*ent.Inquiry, error)) (*model.InquiryPayload, error) {
	v, err := viewerOf(ctx)
	if err != nil {
		return nil, err
	}
	if ok, err := r.Client.Inquiry.Query().Where(inquiry.ID(in.ID)).Exist(ctx); err != nil || !ok {
		return nil, notFoundUnless(err)
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

func notFoundUnless(err error) error {
	if err != nil {
		return err
	}
	return &ent.NotFoundError{}
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

// routingError adds §9 codes and details for routing's sentinel errors.
func routingError(err error) (*codedError, bool) {
	var rl *routing.RateLimitError
	var cf *routing.ConflictError
	switch {
	case errors.As(err, &rl):
		return &codedError{code: CodeRateLimited, msg: rl.Error(), err: err,
			ext: map[string]any{"retryAt": rl.RetryAt.UTC().Format("2006-01-02T15:04:05Z07:00"), "limit": rl.Limit}}, true
	case errors.As(err, &cf):
		return &codedError{code: CodeConflict, msg: cf.Error(), err: err, ext: map[string]any{"inquiryId": fmt.Sprint(cf.InquiryID)}}, true
	case errors.Is(err, routing.ErrNotAssignee), errors.Is(err, portal.ErrNotRegistrant):
		return &codedError{code: CodeForbidden, msg: unwrapAll(err).Error(), err: err}, true
	case errors.Is(err, routing.ErrInvalidTransition):
		return &codedError{code: CodeInvalidTransition, msg: unwrapAll(err).Error(), err: err}, true
	case errors.Is(err, routing.ErrNoPosting), errors.Is(err, routing.ErrPostingRequired):
		return &codedError{code: CodeBadUserInput, msg: unwrapAll(err).Error(), err: err}, true
	case errors.Is(err, routing.ErrRaced):
		return &codedError{code: CodeConflict, msg: unwrapAll(err).Error(), err: err}, true
	}
	return nil, false
}

func (r *Resolver) acknowledge(ctx context.Context, a routing.Actor, id int, _ string) (*ent.Inquiry, error) {
	return r.Router.Acknowledge(ctx, a, id)
}

func (r *Resolver) resolve(ctx context.Context, a routing.Actor, id int, _ string) (*ent.Inquiry, error) {
	return r.Router.Resolve(ctx, a, id)
}

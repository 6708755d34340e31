package routing

import (
	"context"
	"errors"
	"fmt"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

// The router's scope contract: every exported method checks, under the caller's own privacy rules,
// that the rows it is asked to act on are ones the caller may see, before it enters access.System
// for the statements that must see the whole staff pool. A System context is a caller (a job, the
// sweeper) that decided what to act on itself and is trusted as such.

var (
	// ErrNotFound: an inquiry, registrant, posting or agency named is not one the caller may see
	// (of another agency, outside the caller's scope, or missing).
	ErrNotFound = errors.New("not found")
	// ErrRegistrantRequired: staff open inquiries for a registrant they name.
	ErrRegistrantRequired = errors.New("registrantId is required when staff open an inquiry")
	// ErrNotActor: the actor named is not the viewer of the context.
	ErrNotActor = errors.New("actor is not the signed-in viewer")
)

// viewerScope returns the context scope checks run in, or ok=false for a trusted System caller.
// Without a viewer in ctx the actor (if any) is the viewer.
func viewerScope(ctx context.Context, a Actor) (context.Context, *auth.Viewer, bool, error) {
	if _, sys := access.SystemReason(ctx); sys {
		return ctx, a, false, nil
	}
	v, ok := auth.ViewerFrom(ctx)
	switch {
	case !ok && a == nil:
		return nil, nil, false, access.ErrNoViewer
	case !ok:
		return auth.WithViewer(ctx, a), a, true, nil
	case a != nil && a.AccountID != v.AccountID:
		return nil, nil, false, ErrNotActor
	}
	return ctx, v, true, nil
}

// mustSee is access.MustSee with this package's ErrNotFound.
func mustSee(ctx context.Context, what string, exist func(context.Context) (bool, error)) error {
	return access.MustSee(ctx, what, exist, ErrNotFound)
}

func (r *Router) checkInquiry(ctx context.Context, a Actor, id int) error {
	vctx, _, check, err := viewerScope(ctx, a)
	if err != nil || !check {
		return err
	}
	return mustSee(vctx, "inquiry", r.client.Inquiry.Query().Where(inquiry.ID(id)).Exist)
}

// checkCreate: the caller may open an inquiry for this registrant about this posting in this agency.
func (r *Router) checkCreate(ctx context.Context, in NewInquiry) error {
	vctx, v, check, err := viewerScope(ctx, nil)
	if err != nil || !check {
		return err
	}
	if in.AgencyID != v.AgencyID {
		return fmt.Errorf("agency: %w", ErrNotFound)
	}
	if v.Role == auth.RoleRegistrant && in.RegistrantID != v.ProfileID {
		return fmt.Errorf("registrant: %w", ErrNotFound)
	}
	if err := mustSee(vctx, "registrant", r.client.Registrant.Query().Where(registrant.ID(in.RegistrantID)).Exist); err != nil {
		return err
	}
	if in.PostingID != nil {
		// For registrants: public and open, or introduced to them.
		return mustSee(vctx, "posting", r.client.Posting.Query().Where(posting.ID(*in.PostingID)).Exist)
	}
	return nil
}

// Request is an inquiry a signed-in caller opens; who it is for, its origin and its channel follow
// from the viewer: registrants open their own from the app, staff open one for a registrant they can
// see (by phone unless they say otherwise).
type Request struct {
	PostingID      *int
	RegistrantID   *int
	Kind           inquiry.Kind
	Message        string
	IdempotencyKey *string
	Channel        *inquiry.Channel
}

// Opened is what the caller of Open may know of the inquiry it opened.
type Opened struct {
	// Inquiry is the inquiry as the viewer sees it under its own privacy; nil when routing took it
	// out of the viewer's scope (staff who opened it for a registrant a colleague handles).
	Inquiry *ent.Inquiry
	// ID and Status are the caller's receipt, whatever its scope.
	ID     int
	Status inquiry.Status
	// RoutedToSomeoneElse: the inquiry is assigned to a staff member other than the viewer.
	RoutedToSomeoneElse bool
}

// Open opens and routes the viewer's inquiry (see Request) and answers with what the viewer may see
// of it: the inquiry if it is in the viewer's scope, and always its id, its status and whether it
// went to someone else.
func (r *Router) Open(ctx context.Context, req Request) (*Opened, error) {
	inq, err := r.open(ctx, req)
	if err != nil {
		return nil, err
	}
	v, _ := auth.ViewerFrom(ctx)
	out := &Opened{ID: inq.ID, Status: inq.Status}
	if inq.CoordinatorID != nil || inq.SalesRepID != nil {
		mine := (inq.CoordinatorID != nil && v.Role == auth.RoleCoordinator && *inq.CoordinatorID == v.ProfileID) ||
			(inq.SalesRepID != nil && v.Role == auth.RoleSalesRep && *inq.SalesRepID == v.ProfileID)
		out.RoutedToSomeoneElse = v.Role.IsStaff() && !mine
	}
	// Re-read under the viewer's own privacy: the inquiry was created and routed past it.
	seen, err := r.client.Inquiry.Query().Where(inquiry.ID(inq.ID)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("open inquiry: %w", err)
	default:
		out.Inquiry = seen
	}
	return out, nil
}

func (r *Router) open(ctx context.Context, req Request) (*ent.Inquiry, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("open inquiry: %w", access.ErrNoViewer)
	}
	ni := NewInquiry{AgencyID: v.AgencyID, PostingID: req.PostingID, Kind: req.Kind, Message: req.Message,
		IdempotencyKey: req.IdempotencyKey}
	if v.Role == auth.RoleRegistrant {
		if req.RegistrantID != nil && *req.RegistrantID != v.ProfileID {
			return nil, fmt.Errorf("open inquiry: registrant: %w", ErrNotFound)
		}
		ni.RegistrantID, ni.Origin, ni.Channel = v.ProfileID, inquiry.OriginREGISTRANT, inquiry.ChannelAPP
	} else {
		if req.RegistrantID == nil {
			return nil, fmt.Errorf("open inquiry: %w", ErrRegistrantRequired)
		}
		ni.RegistrantID, ni.Origin, ni.Channel = *req.RegistrantID, inquiry.OriginSTAFF, inquiry.ChannelPHONE
		if req.Channel != nil {
			ni.Channel = *req.Channel
		}
	}
	return r.Create(ctx, ni)
}

// AssignedToViewer returns inquiry id when the viewer is the coordinator or sales rep it is assigned
// to (what the inquiryAssigned stream tells); any other inquiry is ErrNotFound.
func (r *Router) AssignedToViewer(ctx context.Context, id int) (*ent.Inquiry, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, access.ErrNoViewer
	}
	inq, err := r.client.Inquiry.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("assigned inquiry: %w", err)
	}
	mine := (inq.CoordinatorID != nil && v.Role == auth.RoleCoordinator && *inq.CoordinatorID == v.ProfileID) ||
		(inq.SalesRepID != nil && v.Role == auth.RoleSalesRep && *inq.SalesRepID == v.ProfileID)
	if !mine {
		return nil, ErrNotFound
	}
	return inq, nil
}

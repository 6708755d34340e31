// Package threads is the conversation of an inquiry (issue 15 item 5): the registrant and the
// assignee — whoever it is handed off to — post messages; the registrant sees staff by display name
// only; each message is a live-update event for the other side; staff can resolve the inquiry with
// their answer. A message holds exactly what its author wrote: nothing is quoted or filled in, so
// no confidential posting detail reaches the registrant unless a staff member writes it.
package threads

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/inquirymessage"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/routing"
)

var (
	// ErrNotFound: the inquiry is not one the caller may see.
	ErrNotFound = errors.New("not found")
	// ErrNotAssignee: staff post in the threads of inquiries assigned to them (admins in any).
	ErrNotAssignee = errors.New("only the inquiry's assignee (or an admin) replies in its thread")
	// ErrClosed: a resolved or closed inquiry takes no new messages; she opens a new inquiry.
	ErrClosed = errors.New("the inquiry is resolved; open a new one to ask again")
)

// MaxBodyRunes bounds one message.
const MaxBodyRunes = 5000

// Steps are the routing steps a reply may take (internal/routing's Router).
type Steps interface {
	Acknowledge(ctx context.Context, a *auth.Viewer, id int) (*ent.Inquiry, error)
	Resolve(ctx context.Context, a *auth.Viewer, id int) (*ent.Inquiry, error)
}

// Notifier tells the other side of a thread about a new message (routing.BusEvents).
type Notifier interface {
	MessagePosted(ctx context.Context, inq *ent.Inquiry, fromStaff bool)
}

// Service posts and reads inquiry threads.
type Service struct {
	Client   *ent.Client
	Steps    Steps
	Notifier Notifier // nil: nobody is told (tests, jobs)
}

// CheckBody validates a message and returns it trimmed.
func CheckBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > MaxBodyRunes {
		return "", invalid.Field("body", "1 to %d characters", MaxBodyRunes)
	}
	return body, nil
}

// Post adds the viewer's message to an inquiry's thread. Staff replying to an inquiry they have not
// acknowledged acknowledge it (they are answering it, so its ack timeout must not take it away);
// with resolve, staff resolve it with this answer.
func (s *Service) Post(ctx context.Context, inquiryID int, body string, resolve bool) (*ent.Inquiry, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("post message: %w", access.ErrNoViewer)
	}
	body, err := CheckBody(body)
	if err != nil {
		return nil, err
	}
	if resolve && v.Role == auth.RoleRegistrant {
		return nil, invalid.Field("resolve", "staff resolve inquiries")
	}
	inq, err := s.Client.Inquiry.Query().Where(inquiry.ID(inquiryID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("post message: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("post message: %w", err)
	}
	if inq.Status == inquiry.StatusRESOLVED || inq.Status == inquiry.StatusCLOSED {
		return nil, ErrClosed
	}
	fromStaff := v.Role != auth.RoleRegistrant
	if fromStaff && v.Role != auth.RoleAdmin && !routing.IsAssignee(v, inq) {
		return nil, ErrNotAssignee
	}
	name, err := s.displayName(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("post message: %w", err)
	}
	if fromStaff && inq.Status == inquiry.StatusASSIGNED && routing.IsAssignee(v, inq) {
		if inq, err = s.Steps.Acknowledge(ctx, v, inq.ID); err != nil {
			return nil, fmt.Errorf("post message: %w", err)
		}
	}
	// Messages are no viewer's to write directly: the caller was just checked to be the inquiry's
	// registrant, its assignee or an admin.
	if err := s.Client.InquiryMessage.Create().SetAgencyID(inq.AgencyID).SetInquiryID(inq.ID).
		SetAuthorAccountID(v.AccountID).SetFromStaff(fromStaff).SetAuthorName(name).SetBody(body).
		Exec(access.System(ctx, "threads: add the checked author's message to the inquiry's thread")); err != nil {
		return nil, fmt.Errorf("post message: %w", err)
	}
	if resolve {
		if inq, err = s.Steps.Resolve(ctx, v, inq.ID); err != nil {
			return nil, fmt.Errorf("post message: resolve: %w", err)
		}
	}
	if s.Notifier != nil {
		s.Notifier.MessagePosted(ctx, inq, fromStaff)
	}
	return inq, nil
}

// displayName is the name the other side sees: a staff member's profile name ("担当者" for an admin
// without one), the registrant's own name. Read as the viewer: staff read staff profiles and a
// registrant her own.
func (s *Service) displayName(ctx context.Context, v *auth.Viewer) (string, error) {
	var (
		name string
		err  error
	)
	switch v.Role {
	case auth.RoleCoordinator:
		var c *ent.Coordinator
		c, err = s.Client.Coordinator.Query().Where(coordinator.ID(v.ProfileID)).Only(ctx)
		if err == nil {
			name = c.Name
		}
	case auth.RoleSalesRep:
		var r *ent.SalesRep
		r, err = s.Client.SalesRep.Query().Where(salesrep.ID(v.ProfileID)).Only(ctx)
		if err == nil {
			name = r.Name
		}
	case auth.RoleRegistrant:
		var r *ent.Registrant
		r, err = s.Client.Registrant.Query().Where(registrant.ID(v.ProfileID)).Only(ctx)
		if err == nil {
			name = r.Name
		}
	}
	if ent.IsNotFound(err) || name == "" {
		return "担当者", nil
	}
	return name, err
}

// Messages returns the threads of the inquiries the caller may see, oldest message first, keyed by
// inquiry (one statement for any number of inquiries: list fields batch through it).
func (s *Service) Messages(ctx context.Context, inquiryIDs []int) (map[int][]*ent.InquiryMessage, error) {
	if _, _, err := access.Caller(ctx); err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	rows, err := s.Client.InquiryMessage.Query().Where(inquirymessage.InquiryIDIn(inquiryIDs...)).
		Order(ent.Asc(inquirymessage.FieldCreatedAt), ent.Asc(inquirymessage.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	out := make(map[int][]*ent.InquiryMessage, len(inquiryIDs))
	for _, m := range rows {
		out[m.InquiryID] = append(out[m.InquiryID], m)
	}
	return out, nil
}

package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/businesstime"
)

// Contact is one logged contact with a registrant.
type Contact struct {
	RegistrantID int
	Channel      contactlog.Channel
	Direction    contactlog.Direction
	Outcome      contactlog.Outcome
	Note         string
}

// CallbackDue decides when a contact calls for a callback (§7.3): a missed inbound call or a
// voicemail at the next business-hours slot (never after hours); an outbound attempt that reached no
// one, two business days later. Nil: no callback.
func CallbackDue(cal businesstime.Calendar, c Contact, at time.Time) *time.Time {
	missedInbound := c.Direction == contactlog.DirectionINBOUND &&
		(c.Outcome != contactlog.OutcomeREACHED || c.Channel == contactlog.ChannelVOICEMAIL)
	switch {
	case missedInbound:
		t := cal.NextBusinessSlot(at)
		return &t
	case c.Direction == contactlog.DirectionOUTBOUND && c.Outcome == contactlog.OutcomeNO_ANSWER:
		t := cal.AddBusinessDays(at, 2)
		return &t
	}
	return nil
}

// LogContact records a contact by the viewer (staff) and schedules the callback it calls for; the
// callback belongs to the viewer. The registrant must be one the viewer can see.
func (s *Service) LogContact(ctx context.Context, c Contact) (*ent.ContactLog, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("log contact: %w", access.ErrNoViewer)
	}
	if !v.Role.IsStaff() {
		return nil, fmt.Errorf("log contact: %w", ErrStaffOnly)
	}
	if err := mustSee(ctx, "registrant", s.Client.Registrant.Query().Where(registrant.ID(c.RegistrantID)).Exist); err != nil {
		return nil, fmt.Errorf("log contact: %w", err)
	}
	ag, err := s.Client.Agency.Get(ctx, v.AgencyID)
	if err != nil {
		return nil, fmt.Errorf("log contact: %w", err)
	}
	cal, err := businesstime.NewCalendar(ag.Timezone, ag.BusinessOpen, ag.BusinessClose, ag.WorkingWeekdays, ag.Holidays)
	if err != nil {
		return nil, fmt.Errorf("log contact: %w", err)
	}
	now := s.now()
	// staff_id comes from the viewer (ent hook), never from input.
	log, err := s.Client.ContactLog.Create().SetRegistrantID(c.RegistrantID).
		SetChannel(c.Channel).SetDirection(c.Direction).SetOutcome(c.Outcome).SetNote(c.Note).SetOccurredAt(now).
		SetNillableCallbackDueAt(CallbackDue(cal, c, now)).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("log contact: %w", err)
	}
	return log, nil
}

// CallbacksDue lists the viewer's open callbacks, earliest first.
func (s *Service) CallbacksDue(ctx context.Context) ([]*ent.ContactLog, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("callbacks due: %w", access.ErrNoViewer)
	}
	return s.Client.ContactLog.Query().Where(contactlog.StaffID(v.AccountID), contactlog.CallbackDone(false),
		contactlog.CallbackDueAtNotNil()).Order(ent.Asc(contactlog.FieldCallbackDueAt)).All(ctx)
}

// CompleteCallback marks one of the viewer's callbacks done.
func (s *Service) CompleteCallback(ctx context.Context, id int) (*ent.ContactLog, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("complete callback: %w", access.ErrNoViewer)
	}
	if !v.Role.IsStaff() {
		return nil, fmt.Errorf("complete callback: %w", ErrStaffOnly)
	}
	// The privacy policy limits staff updates to their own logs; the explicit staff_id keeps admins to
	// their own callbacks too.
	mine := s.Client.ContactLog.Query().Where(contactlog.ID(id), contactlog.StaffID(v.AccountID))
	if err := mustSee(ctx, "callback", mine.Exist); err != nil {
		return nil, fmt.Errorf("complete callback: %w", err)
	}
	n, err := s.Client.ContactLog.Update().Where(contactlog.ID(id), contactlog.StaffID(v.AccountID)).
		SetCallbackDone(true).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("complete callback: %w", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("complete callback: %w", ErrNotFound)
	}
	return s.Client.ContactLog.Get(ctx, id)
}

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
	"github.com/example/staffcrm/internal/dbtx"
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
// one (no answer, or a voicemail left for her), two business days later. Nil: no callback.
func CallbackDue(cal businesstime.Calendar, c Contact, at time.Time) *time.Time {
	switch {
	case missedInbound(c):
		t := cal.NextBusinessSlot(at)
		return &t
	case c.Direction == contactlog.DirectionOUTBOUND &&
		(c.Outcome == contactlog.OutcomeNO_ANSWER || c.Outcome == contactlog.OutcomeLEFT_VOICEMAIL):
		t := cal.AddBusinessDays(at, 2)
		return &t
	}
	return nil
}

func missedInbound(c Contact) bool {
	return c.Direction == contactlog.DirectionINBOUND &&
		(c.Outcome != contactlog.OutcomeREACHED || c.Channel == contactlog.ChannelVOICEMAIL)
}

// ClosesCallbacks reports whether a contact settles the registrant's pending callbacks: she called
// and was reached (a voicemail she left is a missed call, not a reach).
func ClosesCallbacks(c Contact) bool {
	return c.Direction == contactlog.DirectionINBOUND && !missedInbound(c)
}

// LogContact records a contact by the viewer (staff) and schedules the callback it calls for; the
// callback belongs to the viewer. The registrant must be one the viewer can see. When she called and
// was reached, her pending callbacks — whoever owns them — are done, in the same transaction.
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
	var log *ent.ContactLog
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if ClosesCallbacks(c) {
			// Other staff's callbacks are outside the viewer's write scope; the registrant was checked
			// above to be one the viewer sees, and only her pending callbacks in the agency are closed.
			sys := access.System(ctx, "log contact: the registrant was reached, close her pending callbacks")
			if _, err := tx.ContactLog.Update().Where(contactlog.AgencyID(v.AgencyID), contactlog.RegistrantID(c.RegistrantID),
				contactlog.CallbackDone(false), contactlog.CallbackDueAtNotNil()).SetCallbackDone(true).Save(sys); err != nil {
				return err
			}
		}
		// staff_id comes from the viewer (ent hook), never from input.
		var err error
		log, err = tx.ContactLog.Create().SetRegistrantID(c.RegistrantID).
			SetChannel(c.Channel).SetDirection(c.Direction).SetOutcome(c.Outcome).SetNote(c.Note).SetOccurredAt(now).
			SetNillableCallbackDueAt(CallbackDue(cal, c, now)).Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("log contact: %w", err)
	}
	return log.Unwrap(), nil
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

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/routing"
)

// ErrNotInMeetingStage: a meeting is scheduled for an application at CLIENT_MEETING (the move there
// is where the dispatch law's pre-selection rule is checked).
var ErrNotInMeetingStage = errors.New("schedule the meeting once the application is at CLIENT_MEETING (advanceApplication)")

// MeetingPlan is a client meeting or workplace visit as staff schedule it.
type MeetingPlan struct {
	At        time.Time
	Place     string
	Attendees []string // who attends, e.g. "派遣先 総務課 山田様", "営業 佐藤"
	Note      string   // for the registrant: what to bring, whom to ask for
}

const (
	maxPlaceRunes    = 300
	maxAttendees     = 10
	maxAttendeeRunes = 100
	maxNoteRunes     = 2000
)

// CheckMeeting validates a meeting against now: in the future, a place, at most ten attendees.
func CheckMeeting(m MeetingPlan, now time.Time) (MeetingPlan, error) {
	if !m.At.After(now) {
		return m, invalid.Field("at", "must be in the future")
	}
	m.Place = strings.TrimSpace(m.Place)
	if m.Place == "" || utf8.RuneCountInString(m.Place) > maxPlaceRunes {
		return m, invalid.Field("place", "1 to %d characters", maxPlaceRunes)
	}
	attendees, err := invalid.List("attendees", m.Attendees, maxAttendees, maxAttendeeRunes)
	if err != nil {
		return m, err
	}
	m.Attendees = attendees
	if utf8.RuneCountInString(m.Note) > maxNoteRunes {
		return m, invalid.Field("note", "at most %d characters", maxNoteRunes)
	}
	return m, nil
}

// ScheduleMeeting sets (or moves) the meeting of an application in the caller's scope; the
// registrant sees it in her application.
func (s *Service) ScheduleMeeting(ctx context.Context, applicationID int, m MeetingPlan) (*ent.Application, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("schedule meeting: %w", err)
	}
	a, err := s.Client.Application.Query().Where(application.ID(applicationID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("schedule meeting: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("schedule meeting: %w", err)
	}
	if a.Status != application.StatusCLIENT_MEETING {
		return nil, ErrNotInMeetingStage
	}
	if m, err = CheckMeeting(m, s.now()); err != nil {
		return nil, err
	}
	u := a.Update().SetMeetingAt(m.At).SetMeetingPlace(m.Place).SetMeetingAttendees(m.Attendees)
	if m.Note != "" {
		u.SetMeetingNote(m.Note)
	} else {
		u.ClearMeetingNote()
	}
	if a, err = u.Save(ctx); err != nil {
		return nil, fmt.Errorf("schedule meeting: %w", err)
	}
	return a, nil
}

// CancelMeeting clears the application's meeting.
func (s *Service) CancelMeeting(ctx context.Context, applicationID int) (*ent.Application, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("cancel meeting: %w", err)
	}
	a, err := s.Client.Application.UpdateOneID(applicationID).ClearMeetingAt().ClearMeetingPlace().
		ClearMeetingAttendees().ClearMeetingNote().Save(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("cancel meeting: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("cancel meeting: %w", err)
	}
	return a, nil
}

// Termination is an assignment ended before its contract's end (中途解除).
type Termination struct {
	AssignmentID int
	LastDay      time.Time // the last day worked
	By           string    // CLIENT, AGENCY or WORKER
	Reason       string
	Measures     string // what the agency does for the worker: a new job, leave allowance (休業手当)…
}

var terminators = []string{"CLIENT", "AGENCY", "WORKER"}

// CheckTermination validates a termination of an assignment running start..end: the last day lies
// within the contract and before its end; who, why and the measures are all required (the dispatch
// act's record is incomplete without them).
func CheckTermination(t Termination, start, end time.Time) (Termination, error) {
	if t.LastDay.Before(start) || !t.LastDay.Before(end) {
		return t, invalid.Field("lastDay", "between the start (%s) and the day before the contract's end (%s)",
			start.Format(time.DateOnly), end.Format(time.DateOnly))
	}
	ok := false
	for _, b := range terminators {
		ok = ok || t.By == b
	}
	if !ok {
		return t, invalid.Field("by", "CLIENT, AGENCY or WORKER")
	}
	for field, v := range map[string]*string{"reason": &t.Reason, "measures": &t.Measures} {
		*v = strings.TrimSpace(*v)
		if *v == "" || utf8.RuneCountInString(*v) > maxNoteRunes {
			return t, invalid.Field(field, "1 to %d characters", maxNoteRunes)
		}
	}
	return t, nil
}

// Terminate records an early termination of a scheduled or active assignment in the caller's scope:
// the assignment ends on the last day worked (its planned end kept), and — the worker needing a new
// job — the SYSTEM NEXT_JOB inquiry of the assignment is opened at once through opener (the same
// idempotent inquiry the next-job job would open, so never two).
func (s *Service) Terminate(ctx context.Context, t Termination, opener InquiryOpener) (*ent.Assignment, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("terminate assignment: %w", err)
	}
	a, err := s.Client.Assignment.Query().Where(assignment.ID(t.AssignmentID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("terminate assignment: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("terminate assignment: %w", err)
	}
	if a.Status != assignment.StatusSCHEDULED && a.Status != assignment.StatusACTIVE {
		return nil, fmt.Errorf("terminate assignment: %w: it is %s", ErrInvalidTransition, a.Status)
	}
	if t, err = CheckTermination(t, a.StartDate, a.EndDate); err != nil {
		return nil, err
	}
	// Assignment rows are written by admins only; the caller's scope over this one was checked by
	// reading it above, and the update is conditional on the status read.
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error { // with its webhook event (internal/webhooks)
		a, err = tx.Assignment.UpdateOneID(a.ID).Where(assignment.StatusEQ(a.Status)).
			SetStatus(assignment.StatusTERMINATED).SetEndDate(t.LastDay).SetPlannedEndDate(a.EndDate).
			SetTerminatedBy(assignment.TerminatedBy(t.By)).SetTerminationReason(t.Reason).
			SetTerminationMeasures(t.Measures).SetUpdatedAt(s.now()).
			Save(access.System(ctx, "pipeline: record the early termination of an assignment in the caller's scope"))
		return err
	})
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("terminate assignment: %w: the assignment changed meanwhile", ErrInvalidTransition)
	}
	if err != nil {
		return nil, fmt.Errorf("terminate assignment: %w", err)
	}
	key := NextJobKey(a.ID)
	open := access.System(ctx, "pipeline: open the SYSTEM next-job inquiry of a terminated assignment")
	if _, err := opener.Create(open, routing.NewInquiry{AgencyID: a.AgencyID, RegistrantID: a.RegistrantID,
		Kind: inquiry.KindNEXT_JOB, Channel: inquiry.ChannelAPP, Origin: inquiry.OriginSYSTEM,
		Message:        fmt.Sprintf("派遣契約が %s で中途解除されました。次のお仕事探しをお手伝いします。", t.LastDay.Format(time.DateOnly)),
		IdempotencyKey: &key}); err != nil {
		return a, fmt.Errorf("terminate assignment: open the next-job inquiry: %w", err)
	}
	return a, nil
}

package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/routing"
)

// InquiryOpener opens and routes an inquiry (the router).
type InquiryOpener interface {
	Create(ctx context.Context, in routing.NewInquiry) (*ent.Inquiry, error)
}

// NextJobKey is the idempotency key of the SYSTEM next-job inquiry of an assignment: the router
// returns the existing inquiry for a repeated key under the registrant's row lock, and a unique
// index backs it, so any number of runs in any number of processes open exactly one.
func NextJobKey(assignmentID int) string { return fmt.Sprintf("next-job:%d", assignmentID) }

// OpenNextJobInquiries opens a NEXT_JOB inquiry (origin SYSTEM) for every scheduled or active
// assignment that ends within its agency's lead days and has no next assignment (§7.2).
func (s *Service) OpenNextJobInquiries(ctx context.Context, opener InquiryOpener) (int, error) {
	sys := access.System(ctx, "next-job job: find assignments ending soon across the agency")
	today := s.now().UTC().Truncate(24 * time.Hour)
	ags, err := s.Client.Agency.Query().All(sys)
	if err != nil {
		return 0, fmt.Errorf("next-job job: %w", err)
	}
	opened := 0
	for _, ag := range ags {
		ending, err := s.Client.Assignment.Query().Where(assignment.AgencyID(ag.ID),
			assignment.StatusIn(assignment.StatusSCHEDULED, assignment.StatusACTIVE),
			assignment.EndDateGTE(today), assignment.EndDateLTE(today.AddDate(0, 0, ag.NextJobLeadDays))).All(sys)
		if err != nil {
			return opened, fmt.Errorf("next-job job: %w", err)
		}
		for _, a := range ending {
			next, err := s.Client.Assignment.Query().Where(assignment.RegistrantID(a.RegistrantID),
				assignment.StartDateGT(a.EndDate), assignment.StatusNEQ(assignment.StatusTERMINATED)).Exist(sys)
			if err != nil {
				return opened, fmt.Errorf("next-job job: %w", err)
			}
			if next {
				continue
			}
			key := NextJobKey(a.ID)
			open := access.System(ctx, "next-job job: open the SYSTEM inquiry of an assignment ending soon")
			inq, err := opener.Create(open, routing.NewInquiry{AgencyID: ag.ID, RegistrantID: a.RegistrantID,
				Kind: inquiry.KindNEXT_JOB, Channel: inquiry.ChannelAPP, Origin: inquiry.OriginSYSTEM,
				Message:        fmt.Sprintf("現在の派遣契約は %s に終了します。次のお仕事がまだ決まっていないため、担当者からご連絡します。", a.EndDate.Format(time.DateOnly)),
				IdempotencyKey: &key})
			if err != nil {
				return opened, fmt.Errorf("next-job job: %w", err)
			}
			if inq.CreatedAt.After(s.now().Add(-time.Minute)) && inq.Origin == inquiry.OriginSYSTEM {
				opened++
			}
		}
	}
	return opened, nil
}

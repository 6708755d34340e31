package records

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/clientsite"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/webhooks"
)

// Compliance reminders (the webhooks' compliance.reminder): dispatch-law dates that fall due soon,
// for the agency's other systems to put on someone's desk.
const (
	// ReminderSiteConflictDate: a site where someone is placed reaches its 抵触日 (法40条の2): no
	// dispatch to it past that day unless the client extends the period after hearing its union.
	ReminderSiteConflictDate = "SITE_CONFLICT_DATE"
	// ReminderStabilityDuty / ReminderStabilityEffort: a fixed-term worker's run at one org unit
	// reaches 3 years (a stability measure is due, 法30条) or 1 year (the agency must endeavour to).
	ReminderStabilityDuty   = "STABILITY_DUTY"
	ReminderStabilityEffort = "STABILITY_EFFORT"

	// ReminderLeadDays is how far ahead a date is reminded of.
	ReminderLeadDays = 30
)

// SiteDate is a site's conflict date.
type SiteDate struct {
	SiteID       int
	ConflictDate time.Time
}

// Reminder is one date falling due. Key is stable across runs, so a job that finds it again
// reports it once.
type Reminder struct {
	Rule                        string
	Due                         time.Time
	SiteID, OrgUnitID, WorkerID int
	AssignmentID                int // the assignment running into the date, when one is
	Key                         string
}

// Reminders are the dates due within ReminderLeadDays of asOf (today included): conflict dates of
// sites with a placement running on or past them, and stability thresholds of current runs — the
// calendar's entries of those rules.
func Reminders(asOf time.Time, sites []SiteDate, ps []Placement) []Reminder {
	var out []Reminder
	for _, e := range Calendar(CalendarInput{AsOf: asOf, Days: ReminderLeadDays, Sites: sites, Placements: ps}) {
		switch e.Rule {
		case ReminderSiteConflictDate, ReminderStabilityDuty, ReminderStabilityEffort:
			out = append(out, Reminder{Rule: e.Rule, Due: e.Due, SiteID: deref(e.SiteID), OrgUnitID: e.OrgUnitID,
				WorkerID: deref(e.RegistrantID), AssignmentID: deref(e.AssignmentID), Key: e.Key})
		}
	}
	return out
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// RemindCompliance is the reminders job: for every agency, the dates of Reminders as
// compliance.reminder webhook events, each once (keyed by rule, subject and date). It reads across
// the agencies, as a job does; it returns how many reminders it found.
func (s *Service) RemindCompliance(ctx context.Context) (int, error) {
	sys := access.System(ctx, "compliance reminders job: sites and placements of every agency")
	ags, err := s.Client.Agency.Query().IDs(sys)
	if err != nil {
		return 0, fmt.Errorf("compliance reminders: %w", err)
	}
	found := 0
	var published error
	for _, ag := range ags {
		rows, err := s.Client.ClientSite.Query().Where(clientsite.AgencyID(ag), clientsite.ConflictDateNotNil()).All(sys)
		if err != nil {
			return found, fmt.Errorf("compliance reminders: %w", err)
		}
		sites := make([]SiteDate, len(rows))
		for i, r := range rows {
			sites[i] = SiteDate{SiteID: r.ID, ConflictDate: *r.ConflictDate}
		}
		// Every placement: earlier ones at an org unit decide where a run starts.
		ps, err := s.placements(sys, assignment.AgencyID(ag))
		if err != nil {
			return found, fmt.Errorf("compliance reminders: %w", err)
		}
		rs := Reminders(s.now(), sites, ps)
		evs := make([]webhooks.Event, len(rs))
		for i, r := range rs {
			ev := webhooks.NewEvent(webhooks.ComplianceReminder, ag, s.now(), webhooks.Refs{Rule: r.Rule,
				Due: r.Due.Format(time.DateOnly), SiteID: optID(r.SiteID), AssignmentID: optID(r.AssignmentID),
				RegistrantID: optID(r.WorkerID), OrgUnitID: optID(r.OrgUnitID)})
			ev.DedupeKey = fmt.Sprintf("agency:%d:%s", ag, r.Key)
			evs[i] = ev
		}
		if err := webhooks.Emit(ctx, s.Client, evs); err != nil {
			return found, fmt.Errorf("compliance reminders: %w", err)
		}
		found += len(rs)
		if s.Publisher != nil {
			// A subscriber that misses it re-reads at its next poll: the job goes on, and says so.
			if err := s.Publisher.Publish(ctx, notify.Event{Topic: TopicCalendar, AgencyID: ag}); err != nil {
				published = errors.Join(published, err)
			}
		}
	}
	if published != nil {
		return found, fmt.Errorf("compliance reminders: tell calendar subscribers: %w", published)
	}
	return found, nil
}

func optID(id int) string {
	if id == 0 {
		return ""
	}
	return webhooks.ID(id)
}

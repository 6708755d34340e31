package records

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/clientsite"
	"github.com/example/staffcrm/ent/ledgerlog"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/notify"
)

// TopicCalendar is published for an agency after each reminders run: subscribers re-read their
// calendar under their own scope and report what entered it.
const TopicCalendar = "compliance.calendar"

// CalendarPoll is how often a calendar subscription re-reads without an event (the bus is best
// effort, and dates enter the window by themselves at midnight).
var CalendarPoll = 10 * time.Minute

// Calendar is the viewer's compliance calendar for the next days (0: CalendarDays): the entries of
// Calendar over the assignments and sites in the viewer's scope.
func (s *Service) Calendar(ctx context.Context, days int) ([]CalendarEntry, error) {
	v, err := viewer(ctx, true)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("compliance calendar: %w", access.ErrNoViewer) // a job names its agency: calendarOf
	}
	if days == 0 {
		days = CalendarDays
	}
	if days < 1 || days > MaxCalendarDays {
		return nil, invalid.Field("days", "1 to %d", MaxCalendarDays)
	}
	out, err := s.calendarOf(ctx, v.AgencyID, days)
	if err != nil {
		return nil, fmt.Errorf("compliance calendar: %w", err)
	}
	return out, nil
}

// calendarOf computes agency's calendar with the rows ctx may read.
func (s *Service) calendarOf(ctx context.Context, agencyID, days int) ([]CalendarEntry, error) {
	ag, err := s.Client.Agency.Get(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if loc, err := time.LoadLocation(ag.Timezone); err == nil {
		now = now.In(loc)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	rows, err := s.Client.ClientSite.Query().Where(clientsite.AgencyID(agencyID), clientsite.ConflictDateNotNil()).All(ctx)
	if err != nil {
		return nil, err
	}
	in := CalendarInput{AsOf: today, Days: days, LeadDays: ag.NextJobLeadDays, SiteNames: map[int]string{}}
	for _, r := range rows {
		in.Sites = append(in.Sites, SiteDate{SiteID: r.ID, ConflictDate: *r.ConflictDate})
		in.SiteNames[r.ID] = r.Name
	}
	if in.Placements, err = s.placements(ctx, assignment.AgencyID(agencyID)); err != nil {
		return nil, err
	}
	horizon := today.AddDate(0, 0, days)
	var current []int
	for _, p := range in.Placements {
		if (p.Status == "SCHEDULED" || p.Status == "ACTIVE") && !day(p.End).Before(today) && !day(p.Start).After(horizon) {
			current = append(current, p.AssignmentID)
		}
	}
	if in.Gaps, err = s.gapsOf(ctx, agencyID, current, in.Placements); err != nil {
		return nil, err
	}
	return Calendar(in), nil
}

// gapsOf lists the record gaps of assignments ids, which the caller read in its scope.
func (s *Service) gapsOf(ctx context.Context, agencyID int, ids []int, ps []Placement) (map[int][]string, error) {
	out := map[int][]string{}
	err := s.assembleAll(ctx, agencyID, ids, ps, false, func(a Assignment) error {
		if gaps := RecordGaps(a); len(gaps) > 0 {
			out[a.ID] = gaps
		}
		return nil
	})
	return out, err
}

// assembleAll assembles assignments ids — which the caller read in its scope — in batches, with the
// rows their records print read past the scope as load does, and calls each with one. Earlier runs
// at the same org unit come from ps; logs are read only when withLogs (the ledger prints them).
func (s *Service) assembleAll(ctx context.Context, agencyID int, ids []int, ps []Placement, withLogs bool, each func(Assignment) error) error {
	if len(ids) == 0 {
		return nil
	}
	sys := access.System(ctx, "records: the rows the statutory records of visible assignments print (calendar, exports)")
	agencyContacts, err := s.agencyContacts(sys, agencyID)
	if err != nil {
		return err
	}
	type runKey struct{ worker, unit int }
	runs := map[runKey][]Placement{}
	for _, p := range ps {
		runs[runKey{p.WorkerID, p.OrgUnitID}] = append(runs[runKey{p.WorkerID, p.OrgUnitID}], p)
	}
	for chunk := range slices.Chunk(ids, 1000) {
		rows, err := s.recordRows(sys, assignment.IDIn(chunk...))
		if err != nil {
			return err
		}
		var logs map[int][]*ent.LedgerLog
		if withLogs {
			if logs, err = s.logsOf(sys, rows); err != nil {
				return err
			}
		}
		for _, r := range rows {
			var earlier []*ent.Assignment
			for _, p := range runs[runKey{r.RegistrantID, r.OrgUnitID}] {
				if p.AssignmentID != r.ID {
					earlier = append(earlier, &ent.Assignment{StartDate: p.Start, EndDate: p.End})
				}
			}
			a := s.assemble(r, earlier, agencyContacts)
			a.complaints, a.training, a.stability = logTexts(logs[r.ID])
			if err := each(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// logsOf reads the ledger logs of assignments rows in one statement, by assignment: those naming
// it, and the registrant's unassigned ones dated within it.
func (s *Service) logsOf(ctx context.Context, rows []*ent.Assignment) (map[int][]*ent.LedgerLog, error) {
	workers := make([]int, 0, len(rows))
	for _, r := range rows {
		workers = append(workers, r.RegistrantID)
	}
	all, err := s.Client.LedgerLog.Query().Where(ledgerlog.RegistrantIDIn(workers...)).
		Order(ent.Asc(ledgerlog.FieldOccurredOn), ent.Asc(ledgerlog.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	byWorker := map[int][]*ent.LedgerLog{}
	for _, l := range all {
		byWorker[l.RegistrantID] = append(byWorker[l.RegistrantID], l)
	}
	out := map[int][]*ent.LedgerLog{}
	for _, r := range rows {
		for _, l := range byWorker[r.RegistrantID] {
			if belongs(l, r) {
				out[r.ID] = append(out[r.ID], l)
			}
		}
	}
	return out, nil
}

// belongs reports whether log l is one of assignment a's ledger entry.
func belongs(l *ent.LedgerLog, a *ent.Assignment) bool {
	if l.AssignmentID != nil {
		return *l.AssignmentID == a.ID
	}
	return !l.OccurredOn.Before(a.StartDate) && !l.OccurredOn.After(a.EndDate)
}

// WatchCalendar sends the entries that enter the viewer's calendar from now on, each once: on every
// TopicCalendar event of the viewer's agency (and every CalendarPoll) the calendar is re-read under
// the viewer's scope and entries not seen before are sent. The entries there at the start are the
// complianceCalendar query's.
func (s *Service) WatchCalendar(ctx context.Context, days int) (<-chan *CalendarEntry, error) {
	first, err := s.Calendar(ctx, days)
	if err != nil {
		return nil, err
	}
	v, _ := auth.ViewerFrom(ctx)
	var events <-chan notify.Event
	if s.Subscriber != nil {
		if events, err = s.Subscriber.Subscribe(ctx, func(ev notify.Event) bool {
			return ev.Topic == TopicCalendar && ev.AgencyID == v.AgencyID
		}); err != nil {
			return nil, fmt.Errorf("watch compliance calendar: %w", err)
		}
	}
	seen := map[string]bool{}
	for _, e := range first {
		seen[e.Key] = true
	}
	out := make(chan *CalendarEntry, 16)
	go func() {
		defer close(out)
		notify.Wake(ctx, events, CalendarPoll, func() bool {
			if s.Alive != nil && s.Alive(ctx) != nil {
				return false
			}
			now, err := s.Calendar(ctx, days)
			if err != nil {
				return false
			}
			for i := range now {
				if seen[now[i].Key] {
					continue
				}
				seen[now[i].Key] = true
				select {
				case out <- &now[i]:
				case <-ctx.Done():
					return false
				}
			}
			return true
		})
	}()
	return out, nil
}

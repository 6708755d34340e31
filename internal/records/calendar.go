package records

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/example/staffcrm/internal/compliance"
)

// The compliance calendar (complianceCalendar): every dispatch-law date falling due within a window,
// and every current or upcoming assignment whose records cannot be handed over yet, in one list.
const (
	// ReminderIndividualLimit: a fixed-term worker under 60 reaches the 3-year limit at one org unit
	// (個人単位の期間制限, 法40条の3): no renewal there past that day.
	ReminderIndividualLimit = "INDIVIDUAL_LIMIT"
	// ReminderEndingWithoutDecision: an assignment ends within the agency's next-job lead days with
	// neither a renewal nor a next assignment for the worker.
	ReminderEndingWithoutDecision = "ENDING_WITHOUT_DECISION"
	// ReminderMissingLegalItems: a current or upcoming assignment whose terms sheet, client notice or
	// ledger entry misses a legal item; due on its first day (the sheet is handed over before).
	ReminderMissingLegalItems = "MISSING_LEGAL_ITEMS"

	// CalendarDays is the default window; MaxCalendarDays the widest a caller may ask for.
	CalendarDays    = 60
	MaxCalendarDays = 366
)

// CalendarEntry is one line of the compliance calendar.
type CalendarEntry struct {
	Rule     string
	Due      time.Time
	DaysLeft int
	Text     string
	// Optional references (nil: not about one).
	AssignmentID, RegistrantID, SiteID *int
	WorkerName, SiteName, OrgUnit      *string
	Missing                            []string
	OrgUnitID                          int // stability entries: the org unit of the run
	// Key names the entry across reads (rule, subject and date), for a subscriber to tell a new one.
	Key string
}

// CalendarInput is what the calendar is computed from.
type CalendarInput struct {
	AsOf     time.Time
	Days     int // window: due on or before AsOf + Days
	LeadDays int // the agency's next-job lead days
	Sites    []SiteDate
	// SiteNames names the sites of Sites.
	SiteNames map[int]string
	// Placements in scope, every status (earlier runs decide where a run starts).
	Placements []Placement
	// Gaps of the records of current and upcoming assignments, by assignment id ("record: item").
	Gaps map[int][]string
}

// Calendar computes the compliance calendar, soonest first.
func Calendar(in CalendarInput) []CalendarEntry {
	today := day(in.AsOf)
	horizon := today.AddDate(0, 0, in.Days)
	within := func(t time.Time) bool { t = day(t); return !t.Before(today) && !t.After(horizon) }
	var out []CalendarEntry
	add := func(e CalendarEntry) {
		e.Due = day(e.Due)
		e.DaysLeft = int(e.Due.Sub(today).Hours() / 24)
		out = append(out, e)
	}
	live := make([]Placement, 0, len(in.Placements))
	for _, p := range in.Placements {
		if p.Status != "TERMINATED" || !day(p.End).Before(today) {
			live = append(live, p)
		}
	}

	// Site conflict dates a placement runs into.
	conflict := map[int]time.Time{}
	for _, s := range in.Sites {
		conflict[s.SiteID] = s.ConflictDate
	}
	seenSite := map[int]bool{}
	byID := slices.Clone(live)
	sort.SliceStable(byID, func(i, j int) bool { return byID[i].AssignmentID < byID[j].AssignmentID })
	for _, p := range byID {
		d, ok := conflict[p.SiteID]
		if !ok || seenSite[p.SiteID] || !within(d) || day(p.End).Before(day(d)) {
			continue
		}
		seenSite[p.SiteID] = true
		name := in.SiteNames[p.SiteID]
		add(CalendarEntry{Rule: ReminderSiteConflictDate, Due: d, SiteID: ref(p.SiteID), SiteName: opt(name), AssignmentID: ref(p.AssignmentID),
			Text: fmt.Sprintf("%s の事業所単位の抵触日 %s：延長には派遣先の意見聴取と抵触日の再通知が必要です", name, date(d)),
			Key:  fmt.Sprintf("%s:site:%d:%s", ReminderSiteConflictDate, p.SiteID, day(d).Format(time.DateOnly))})
	}

	// Individual limits and stability thresholds of runs at one org unit.
	type key struct{ worker, unit int }
	runs := map[key][]Placement{}
	for _, p := range live {
		if p.Employment != Indefinite {
			runs[key{p.WorkerID, p.OrgUnitID}] = append(runs[key{p.WorkerID, p.OrgUnitID}], p)
		}
	}
	for _, p := range in.Placements { // ended runs still decide where a current run starts
		k := key{p.WorkerID, p.OrgUnitID}
		if _, current := runs[k]; current && !slices.ContainsFunc(runs[k], func(q Placement) bool { return q.AssignmentID == p.AssignmentID }) {
			runs[k] = append(runs[k], p)
		}
	}
	keys := make([]key, 0, len(runs))
	for k := range runs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].worker < keys[j].worker || keys[i].worker == keys[j].worker && keys[i].unit < keys[j].unit
	})
	for _, k := range keys {
		list := runs[k]
		sort.Slice(list, func(i, j int) bool { return list[i].End.Before(list[j].End) })
		last := list[len(list)-1]
		if day(last.End).Before(today) || last.Is60Plus {
			continue
		}
		history := make([]compliance.Placement, 0, len(list)-1)
		for _, p := range list[:len(list)-1] {
			history = append(history, compliance.Placement{OrgUnitID: k.unit, Start: p.Start, End: p.End})
		}
		start := compliance.RunStart(compliance.Proposal{OrgUnitID: k.unit, Start: last.Start, End: last.End, History: history})
		if limit := compliance.PeriodEnd(start, 3, 0); within(limit) {
			add(CalendarEntry{Rule: ReminderIndividualLimit, Due: limit, RegistrantID: ref(k.worker), WorkerName: opt(last.WorkerName),
				OrgUnit: opt(last.OrgUnit), AssignmentID: ref(last.AssignmentID),
				Text: fmt.Sprintf("%s さんの %s での個人単位の期間制限（3年）：%s まで。同じ組織単位での更新はできません", last.WorkerName, last.OrgUnit, date(limit)),
				Key:  fmt.Sprintf("%s:worker:%d:unit:%d:%s", ReminderIndividualLimit, k.worker, k.unit, limit.Format(time.DateOnly))})
		}
	}
	for _, c := range StabilityDuties(today, live) {
		if !within(c.Reaches) {
			continue
		}
		rule, what := ReminderStabilityEffort, "1年：雇用安定措置の努力義務"
		if c.Duty == DutyMeasures {
			rule, what = ReminderStabilityDuty, "3年見込み：雇用安定措置の義務"
		}
		measures := "措置の記録なし"
		if len(c.Measures) > 0 {
			measures = "記録済みの措置 " + fmt.Sprint(len(c.Measures)) + " 件"
		}
		add(CalendarEntry{Rule: rule, Due: c.Reaches, RegistrantID: ref(c.WorkerID), WorkerName: opt(c.WorkerName), OrgUnit: opt(c.OrgUnit),
			OrgUnitID: c.OrgUnitID,
			Text:      fmt.Sprintf("%s さん（%s）%s（%s、法30条）", c.WorkerName, c.OrgUnit, what, measures),
			Key:       fmt.Sprintf("%s:worker:%d:unit:%d:%s", rule, c.WorkerID, c.OrgUnitID, day(c.Reaches).Format(time.DateOnly))})
	}

	// Assignments ending soon with nothing after them.
	leadHorizon := today.AddDate(0, 0, in.LeadDays)
	for _, p := range byID {
		end := day(p.End)
		if p.Renewed || (p.Status != "SCHEDULED" && p.Status != "ACTIVE") || end.Before(today) || end.After(leadHorizon) || end.After(horizon) {
			continue
		}
		next := slices.ContainsFunc(in.Placements, func(q Placement) bool {
			return q.WorkerID == p.WorkerID && q.AssignmentID != p.AssignmentID && day(q.Start).After(end) && q.Status != "TERMINATED"
		})
		if next {
			continue
		}
		add(CalendarEntry{Rule: ReminderEndingWithoutDecision, Due: end, AssignmentID: ref(p.AssignmentID), RegistrantID: ref(p.WorkerID),
			WorkerName: opt(p.WorkerName), SiteName: opt(p.SiteName), OrgUnit: opt(p.OrgUnit),
			Text: fmt.Sprintf("%s さんの派遣が %s に終了：更新か次の仕事が決まっていません", p.WorkerName, date(end)),
			Key:  fmt.Sprintf("%s:assignment:%d:%s", ReminderEndingWithoutDecision, p.AssignmentID, end.Format(time.DateOnly))})
	}

	// Records that cannot be handed over.
	for _, p := range byID {
		gaps := in.Gaps[p.AssignmentID]
		if len(gaps) == 0 || (p.Status != "SCHEDULED" && p.Status != "ACTIVE") || day(p.End).Before(today) || day(p.Start).After(horizon) {
			continue
		}
		add(CalendarEntry{Rule: ReminderMissingLegalItems, Due: p.Start, AssignmentID: ref(p.AssignmentID), RegistrantID: ref(p.WorkerID),
			WorkerName: opt(p.WorkerName), SiteName: opt(p.SiteName), OrgUnit: opt(p.OrgUnit), Missing: gaps,
			Text: fmt.Sprintf("%s さんの派遣（%s〜）の書面に未記入の法定事項が %d 件あります", p.WorkerName, date(p.Start), len(gaps)),
			// The key changes with the gaps, so filling one and missing another is news.
			Key: fmt.Sprintf("%s:assignment:%d:%s", ReminderMissingLegalItems, p.AssignmentID, strings.Join(gaps, "|"))})
	}

	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Due.Equal(out[j].Due) {
			return out[i].Due.Before(out[j].Due)
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// RecordGaps lists the gaps of the records handed over for a ("record: item（law）"), the ones
// MISSING_LEGAL_ITEMS reports.
func RecordGaps(a Assignment) []string {
	var out []string
	for _, r := range []Record{TermsSheet(a), ClientNotice(a), LedgerEntry(a, nil, nil, nil).Record} {
		for _, g := range r.Gaps {
			out = append(out, r.Title+": "+g.String())
		}
	}
	return out
}

func ref(id int) *int {
	if id == 0 {
		return nil
	}
	return &id
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

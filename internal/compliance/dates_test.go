package compliance

import (
	"testing"
	"time"
)

// complianceCheck gives the dates, not only ok/findings (issue 15 item 8): the individual limit's
// last day at the org unit, the site's conflict date, and whether the start continues a run.
func TestCheckDates(t *testing.T) {
	fmtp := func(t *time.Time) string {
		if t == nil {
			return "nil"
		}
		return fmtDate(*t)
	}
	for _, tc := range []struct {
		name     string
		change   func(p *Proposal)
		runStart string
		cont     bool
		last     string // individual limit's last day, "nil" when exempt
		conflict string
	}{
		{"fresh count: no history at the org unit", func(p *Proposal) {}, "2026-04-01", false, "2029-03-31", "2030-01-01"},
		{"continues a run: earlier placement there ended 3 months before", func(p *Proposal) {
			p.History = []Placement{{OrgUnitID: 1, Start: date("2024-10-01"), End: date("2025-12-31")}}
		}, "2024-10-01", true, "2027-09-30", "2030-01-01"},
		{"fresh count: the break was more than 3 months", func(p *Proposal) {
			p.History = []Placement{{OrgUnitID: 1, Start: date("2024-10-01"), End: date("2025-11-30")}}
		}, "2026-04-01", false, "2029-03-31", "2030-01-01"},
		{"another org unit does not count", func(p *Proposal) {
			p.History = []Placement{{OrgUnitID: 2, Start: date("2024-10-01"), End: date("2026-03-31")}}
		}, "2026-04-01", false, "2029-03-31", "2030-01-01"},
		{"exempt: indefinite employment", func(p *Proposal) {
			p.Person.Employment = Indefinite
		}, "2026-04-01", false, "nil", "2030-01-01"},
		{"no conflict date notified", func(p *Proposal) {
			p.Site.ConflictNotifiedAt = nil
		}, "2026-04-01", false, "2029-03-31", "nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.change(&p)
			d := Check(p, nil).Dates
			if fmtDate(d.RunStart) != tc.runStart || d.ContinuesRun != tc.cont || fmtp(d.IndividualLastDay) != tc.last ||
				d.IndividualExempt != (tc.last == "nil") || fmtp(d.SiteConflictDate) != tc.conflict {
				t.Fatalf("dates: run from %s continues=%v last day %s exempt=%v conflict %s; want %s %v %s %s",
					fmtDate(d.RunStart), d.ContinuesRun, fmtp(d.IndividualLastDay), d.IndividualExempt, fmtp(d.SiteConflictDate),
					tc.runStart, tc.cont, tc.last, tc.conflict)
			}
			if tc.conflict != "nil" && fmtp(d.SiteLastDay) != fmtDate(date(tc.conflict).AddDate(0, 0, -1)) {
				t.Fatalf("site last day %s", fmtp(d.SiteLastDay))
			}
		})
	}
}

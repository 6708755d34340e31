package records

import (
	"testing"
	"time"
)

func TestReminders(t *testing.T) {
	asOf := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	sites := []SiteDate{{1, d("2026-12-20")}, {2, d("2027-03-01")}, {3, d("2026-12-04")}, {4, d("2026-12-10")}}
	ps := []Placement{
		{AssignmentID: 10, WorkerID: 100, SiteID: 1, OrgUnitID: 11, Start: d("2026-10-01"), End: d("2027-03-31"), Employment: FixedTerm},
		{AssignmentID: 11, WorkerID: 101, SiteID: 1, OrgUnitID: 11, Start: d("2026-11-01"), End: d("2027-01-31"), Employment: FixedTerm},
		{AssignmentID: 20, WorkerID: 102, SiteID: 2, OrgUnitID: 21, Start: d("2026-10-01"), End: d("2027-06-30"), Employment: FixedTerm},  // date 87 days off
		{AssignmentID: 30, WorkerID: 103, SiteID: 3, OrgUnitID: 31, Start: d("2026-06-01"), End: d("2026-12-31"), Employment: Indefinite}, // due today
		{AssignmentID: 40, WorkerID: 104, SiteID: 4, OrgUnitID: 41, Start: d("2026-06-01"), End: d("2026-12-09"), Employment: FixedTerm},  // ends before it
		// A fixed-term run at unit 51 since 2024-01-03 completes 3 years on 2027-01-02, within 30 days.
		{AssignmentID: 50, WorkerID: 105, SiteID: 5, OrgUnitID: 51, Start: d("2024-01-03"), End: d("2025-12-31"), Employment: FixedTerm},
		{AssignmentID: 51, WorkerID: 105, SiteID: 5, OrgUnitID: 51, Start: d("2026-01-01"), End: d("2027-06-30"), Employment: FixedTerm},
		// A run completing 1 year on 2026-12-14 (effort).
		{AssignmentID: 60, WorkerID: 106, SiteID: 6, OrgUnitID: 61, Start: d("2025-12-15"), End: d("2027-03-31"), Employment: FixedTerm},
	}
	got := Reminders(asOf, sites, ps) // soonest first
	want := []Reminder{
		{Rule: ReminderSiteConflictDate, Due: d("2026-12-04"), SiteID: 3, AssignmentID: 30, Key: "SITE_CONFLICT_DATE:site:3:2026-12-04"},
		{Rule: ReminderStabilityEffort, Due: d("2026-12-14"), OrgUnitID: 61, WorkerID: 106, Key: "STABILITY_EFFORT:worker:106:unit:61:2026-12-14"},
		{Rule: ReminderSiteConflictDate, Due: d("2026-12-20"), SiteID: 1, AssignmentID: 10, Key: "SITE_CONFLICT_DATE:site:1:2026-12-20"},
		{Rule: ReminderStabilityDuty, Due: d("2027-01-02"), OrgUnitID: 51, WorkerID: 105, Key: "STABILITY_DUTY:worker:105:unit:51:2027-01-02"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d reminders %+v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

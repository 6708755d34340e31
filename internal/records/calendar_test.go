package records

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/invalid"
)

func TestCalendar(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	asOf := d("2026-12-06")
	ps := []Placement{
		// Site 1's conflict date 2027-01-20 is within 60 days and assignment 10 runs past it.
		{AssignmentID: 10, WorkerID: 100, WorkerName: "山田", SiteID: 1, OrgUnitID: 11, OrgUnit: "経理課", Start: d("2026-10-01"),
			End: d("2027-03-31"), Employment: FixedTerm, Status: "ACTIVE"},
		// Worker 101 at unit 21 since 2024-01-10 (two contracts, a gap under 3 months): the 3-year
		// limit is 2027-01-09; her run also reaches the stability duty then.
		{AssignmentID: 20, WorkerID: 101, WorkerName: "佐藤", SiteID: 2, OrgUnitID: 21, OrgUnit: "総務課", Start: d("2024-01-10"),
			End: d("2025-12-31"), Employment: FixedTerm, Status: "ENDED"},
		{AssignmentID: 21, WorkerID: 101, WorkerName: "佐藤", SiteID: 2, OrgUnitID: 21, OrgUnit: "総務課", Start: d("2026-02-01"),
			End: d("2027-01-09"), Employment: FixedTerm, Status: "ACTIVE", Measures: []string{"派遣先への直接雇用の依頼"}},
		// 60 or over: no individual limit, but the stability duty of a 3-year fixed-term run stays.
		{AssignmentID: 30, WorkerID: 102, WorkerName: "高橋", SiteID: 3, OrgUnitID: 31, OrgUnit: "製造課", Start: d("2024-01-10"),
			End: d("2027-01-09"), Employment: FixedTerm, Status: "ACTIVE", Is60Plus: true, Renewed: true},
		// Ends in 20 days with nothing after it.
		{AssignmentID: 40, WorkerID: 103, WorkerName: "鈴木", SiteID: 4, OrgUnitID: 41, Start: d("2026-10-01"),
			End: d("2026-12-26"), Employment: Indefinite, Status: "ACTIVE"},
		// Ends in 20 days but renewed; another ends in 20 days with a next job starting after.
		{AssignmentID: 50, WorkerID: 104, SiteID: 4, OrgUnitID: 41, Start: d("2026-10-01"), End: d("2026-12-26"),
			Employment: Indefinite, Status: "ACTIVE", Renewed: true},
		{AssignmentID: 60, WorkerID: 105, SiteID: 4, OrgUnitID: 41, Start: d("2026-10-01"), End: d("2026-12-26"),
			Employment: Indefinite, Status: "ACTIVE"},
		{AssignmentID: 61, WorkerID: 105, WorkerName: "田中", SiteID: 5, OrgUnitID: 51, Start: d("2027-01-05"), End: d("2027-06-30"),
			Employment: Indefinite, Status: "SCHEDULED"},
		// Ends in 40 days: past the 30 lead days.
		{AssignmentID: 70, WorkerID: 106, SiteID: 4, OrgUnitID: 41, Start: d("2026-10-01"), End: d("2027-01-15"),
			Employment: Indefinite, Status: "ACTIVE"},
		// Terminated last month: nothing.
		{AssignmentID: 80, WorkerID: 107, SiteID: 1, OrgUnitID: 11, Start: d("2026-01-01"), End: d("2026-11-05"),
			Employment: FixedTerm, Status: "TERMINATED"},
	}
	in := CalendarInput{AsOf: asOf, Days: 60, LeadDays: 30, Sites: []SiteDate{{1, d("2027-01-20")}, {2, d("2027-06-01")}},
		SiteNames: map[int]string{1: "本社"}, Placements: ps,
		Gaps: map[int][]string{61: {"就業条件明示書: 指揮命令者（法34条1項3号）"}, 80: {"就業条件明示書: 就業日（法34条1項4号）"}}}
	got := Calendar(in)
	type line struct {
		rule, due string
		ref       int
		left      int
	}
	want := []line{
		{ReminderEndingWithoutDecision, "2026-12-26", 40, 20},
		{ReminderMissingLegalItems, "2027-01-05", 61, 30},
		{ReminderIndividualLimit, "2027-01-09", 101, 34},
		{ReminderStabilityDuty, "2027-01-09", 101, 34},
		{ReminderStabilityDuty, "2027-01-09", 102, 34},
		{ReminderSiteConflictDate, "2027-01-20", 1, 45},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries: %+v", len(got), got)
	}
	for i, w := range want {
		e := got[i]
		ref := deref(e.AssignmentID)
		if e.Rule == ReminderIndividualLimit || e.Rule == ReminderStabilityDuty {
			ref = deref(e.RegistrantID)
		}
		if e.Rule == ReminderSiteConflictDate {
			ref = deref(e.SiteID)
		}
		if e.Rule != w.rule || e.Due.Format(time.DateOnly) != w.due || ref != w.ref || e.DaysLeft != w.left || e.Text == "" || e.Key == "" {
			t.Errorf("%d: %+v, want %+v", i, e, w)
		}
	}
	if !strings.Contains(got[3].Text, "記録済みの措置 1 件") || len(got[1].Missing) != 1 || *got[5].SiteName != "本社" {
		t.Errorf("texts: %q %v %v", got[3].Text, got[1].Missing, got[4].SiteName)
	}
	// A narrower window keeps only what falls in it; the keys stay the same across reads.
	narrow := Calendar(CalendarInput{AsOf: asOf, Days: 25, LeadDays: 30, Sites: in.Sites, Placements: ps, Gaps: in.Gaps})
	if len(narrow) != 1 || narrow[0].Key != got[0].Key {
		t.Errorf("25 days: %+v", narrow)
	}
}

func TestCheckContact(t *testing.T) {
	id := 7
	ok := func(c ContactInput) ContactInput { c.Name, c.Phone = " 田中 一郎 ", "03-1234-5678"; return c }
	for _, tc := range []struct {
		name  string
		in    ContactInput
		scope string
		field string
	}{
		{"agency responsible", ok(ContactInput{Role: RoleAgencyResponsible}), "agency", ""},
		{"site responsible", ok(ContactInput{Role: RoleClientResponsible, SiteID: &id}), "site:7", ""},
		{"supervisor", ok(ContactInput{Role: RoleSupervisor, OrgUnitID: &id}), "unit:7", ""},
		{"agency role with a site", ok(ContactInput{Role: RoleAgencyComplaint, SiteID: &id}), "", "siteId"},
		{"client role without a site", ok(ContactInput{Role: RoleClientComplaint}), "", "siteId"},
		{"supervisor on a site", ok(ContactInput{Role: RoleSupervisor, SiteID: &id}), "", "orgUnitId"},
		{"unknown role", ok(ContactInput{Role: "CEO"}), "", "role"},
		{"no name", ContactInput{Role: RoleAgencyResponsible, Phone: "03-1234-5678"}, "", "name"},
		{"bad phone", ContactInput{Role: RoleAgencyResponsible, Name: "田中", Phone: "call me"}, "", "phone"},
	} {
		got, scope, err := CheckContact(tc.in)
		var bad *invalid.Error
		switch {
		case tc.field == "" && (err != nil || scope != tc.scope || got.Name != "田中 一郎"):
			t.Errorf("%s: %q %q %v", tc.name, got.Name, scope, err)
		case tc.field != "" && (!errors.As(err, &bad) || bad.Field != tc.field):
			t.Errorf("%s: %v, want a %s error", tc.name, err, tc.field)
		}
	}
}

func TestCheckLogAndInsurance(t *testing.T) {
	today := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	handling := "  "
	l, err := CheckLog(LogInput{Kind: LogComplaint, OccurredOn: today, Content: " 残業が多い ", Handling: &handling}, today)
	if err != nil || l.Content != "残業が多い" || l.Handling != nil {
		t.Errorf("trimmed: %+v %v", l, err)
	}
	for name, in := range map[string]LogInput{
		"future":       {Kind: LogTraining, OccurredOn: today.AddDate(0, 0, 1), Content: "x"},
		"no content":   {Kind: LogTraining, OccurredOn: today, Content: " "},
		"unknown kind": {Kind: "PARTY", OccurredOn: today, Content: "x"},
		"too long":     {Kind: LogTraining, OccurredOn: today, Content: strings.Repeat("あ", MaxLogRunes+1)},
	} {
		if _, err := CheckLog(in, today); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	yes, no, reason := true, false, "週20時間未満のため"
	if err := CheckInsurance([3]*bool{&yes, &yes, nil}, nil); err != nil {
		t.Errorf("enrolled and unknown: %v", err)
	}
	if err := CheckInsurance([3]*bool{&yes, &yes, &no}, nil); err == nil {
		t.Error("not enrolled without a reason accepted")
	}
	if err := CheckInsurance([3]*bool{&yes, &yes, &no}, &reason); err != nil {
		t.Errorf("not enrolled with a reason: %v", err)
	}
}

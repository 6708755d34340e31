package registrants

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/invalid"
)

func field(err error) string {
	var ie *invalid.Error
	if errors.As(err, &ie) {
		return ie.Field
	}
	return ""
}

func TestCheckSkills(t *testing.T) {
	ok, err := CheckSkills([]Skill{{Name: " Excel ", Level: 5, Years: 60}, {Name: "Word", Level: 1, Years: 0}})
	if err != nil || ok[0].Name != "Excel" {
		t.Fatalf("%v %v", ok, err)
	}
	many := make([]Skill, MaxSkills+1)
	for i := range many {
		many[i] = Skill{Name: strings.Repeat("x", i+1), Level: 1}
	}
	for name, in := range map[string][]Skill{
		"empty name": {{Name: " ", Level: 1}},
		"duplicate":  {{Name: "Excel", Level: 1}, {Name: "excel", Level: 2}},
		"level 0":    {{Name: "Excel", Level: 0}},
		"level 6":    {{Name: "Excel", Level: 6}},
		"years < 0":  {{Name: "Excel", Level: 1, Years: -1}},
		"years > 60": {{Name: "Excel", Level: 1, Years: 60.5}},
		"too many":   many,
	} {
		if _, err := CheckSkills(in); field(err) != "skills" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckWorkHistory(t *testing.T) {
	today := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	d := func(s string) *time.Time { v, _ := time.Parse("2006-01-02", s); return &v }
	str := func(s string) *string { return &s }
	full := func() WorkHistory {
		return WorkHistory{Company: str(" 株式会社A "), JobCategory: str("一般事務"), StartDate: d("2020-04-01"),
			EndDate: d("2023-03-31"), Kind: str("DISPATCHED"), TaskTags: []string{" 入力 "}}
	}
	got, err := CheckWorkHistory(full(), true, WorkHistory{}, today)
	if err != nil || *got.Company != "株式会社A" || got.TaskTags[0] != "入力" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, c := range []struct {
		want   string
		create bool
		change func(*WorkHistory)
	}{
		{"company", true, func(w *WorkHistory) { w.Company = nil }},
		{"company", false, func(w *WorkHistory) { w.Company = str("") }},
		{"jobCategory", true, func(w *WorkHistory) { w.JobCategory = nil }},
		{"kind", true, func(w *WorkHistory) { w.Kind = str("TEMP") }},
		{"startDate", true, func(w *WorkHistory) { w.StartDate = nil }},
		{"startDate", true, func(w *WorkHistory) { w.StartDate = d("2026-12-05") }},
		{"endDate", true, func(w *WorkHistory) { w.EndDate = d("2020-03-31") }},
		{"legalEntityNumber", true, func(w *WorkHistory) { w.LegalEntityNumber = str("1234567890123") }},
		{"taskTags", true, func(w *WorkHistory) { w.TaskTags = []string{""} }},
		{"tasks", true, func(w *WorkHistory) { w.Tasks = str(strings.Repeat("あ", MaxTasksRunes+1)) }},
	} {
		w := full()
		c.change(&w)
		if _, err := CheckWorkHistory(w, c.create, WorkHistory{}, today); field(err) != c.want {
			t.Errorf("want %s refused, got %v", c.want, err)
		}
	}
	// An update is checked against the entry as it is: a new end before the stored start fails;
	// clearing the end date (still working there) passes.
	current := WorkHistory{StartDate: d("2021-01-01"), EndDate: d("2022-01-01")}
	if _, err := CheckWorkHistory(WorkHistory{EndDate: d("2020-12-31")}, false, current, today); field(err) != "endDate" {
		t.Errorf("end before stored start: %v", err)
	}
	if _, err := CheckWorkHistory(WorkHistory{ClearEndDate: true}, false, current, today); err != nil {
		t.Errorf("clear end date: %v", err)
	}
	if _, err := CheckWorkHistory(WorkHistory{LegalEntityNumber: str("")}, false, current, today); err != nil {
		t.Errorf("clearing the legal entity number: %v", err)
	}
}

func TestRetentionOf(t *testing.T) {
	today := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	for _, c := range []struct {
		name    string
		lastEnd time.Time
		until   string // "" = nothing kept for the ledger
	}{
		{"never placed", time.Time{}, ""},
		{"ended 2 years ago", d("2024-12-31"), "2027-12-31"},
		{"ended exactly 3 years ago", d("2023-12-04"), ""},
		{"ended 3 years less a day ago", d("2023-12-05"), "2026-12-05"},
	} {
		got := RetentionOf(c.lastEnd, today)
		switch {
		case c.until == "" && got.RetainedUntil != nil:
			t.Errorf("%s: kept until %v", c.name, got.RetainedUntil)
		case c.until != "" && (got.RetainedUntil == nil || got.RetainedUntil.Format("2006-01-02") != c.until):
			t.Errorf("%s: kept until %v, want %s", c.name, got.RetainedUntil, c.until)
		case c.until != "" && !strings.Contains(strings.Join(got.Retained, " "), "37条"):
			t.Errorf("%s: the answer does not name the ledger: %v", c.name, got.Retained)
		}
		if len(got.Retained) == 0 {
			t.Errorf("%s: the consent records are always kept and must be named", c.name)
		}
	}
}

package compliance

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func datep(s string) *time.Time { t := date(s); return &t }

const client = "1234567890123"

// base is a clean proposal: fixed-term, 35 years old, six months at org unit 1, site notified well
// before the contract, no history. Each test case changes only what it is about.
func base() Proposal {
	return Proposal{
		Person:            Person{BirthDate: datep("1990-05-01"), Employment: FixedTerm},
		OrgUnitID:         1,
		SiteID:            10,
		ClientLegalEntity: client,
		Site:              Site{ConflictDate: datep("2030-01-01"), ConflictNotifiedAt: datep("2026-02-01")},
		Start:             date("2026-04-01"),
		End:               date("2026-09-30"),
		ContractSignedOn:  date("2026-03-01"),
		JobCategory:       "OFFICE_ADMIN",
		PostingType:       Dispatch,
	}
}

func rules(fs []Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+"/"+string(f.Severity))
	}
	return strings.Join(out, ",")
}

func TestPeriodEnd(t *testing.T) {
	for _, tc := range []struct {
		start         string
		years, months int
		want          string
	}{
		{"2026-04-01", 3, 0, "2029-03-31"},
		{"2026-04-02", 3, 0, "2029-04-01"},
		{"2024-02-29", 3, 0, "2027-02-28"}, // no 29 February in 2027
		{"2024-02-29", 4, 0, "2028-02-28"}, // corresponding day exists in 2028
		{"2026-04-01", 0, 3, "2026-06-30"},
		{"2026-03-31", 0, 3, "2026-06-30"}, // no 31 June
		{"2026-03-16", 0, 3, "2026-06-15"},
		{"2026-11-30", 0, 3, "2027-02-28"},
		{"2027-11-30", 0, 3, "2028-02-29"},
		{"2026-01-31", 0, 1, "2026-02-28"},
		{"2025-04-01", 1, 0, "2026-03-31"},
		{"2023-03-01", 1, 0, "2024-02-29"},
	} {
		if got := periodEnd(date(tc.start), tc.years, tc.months); !got.Equal(date(tc.want)) {
			t.Errorf("periodEnd(%s, %dy%dm) = %s, want %s", tc.start, tc.years, tc.months, fmtDate(got), tc.want)
		}
	}
}

func TestIndividualLimit(t *testing.T) {
	at := func(unit int, start, end string) Placement {
		return Placement{OrgUnitID: unit, SiteID: 10, ClientLegalEntity: client, Start: date(start), End: date(end)}
	}
	for _, tc := range []struct {
		name       string
		start, end string
		history    []Placement
		person     func(*Person)
		block      bool
		msg        string // substring of the message when blocked
	}{
		{name: "exactly 3 years", start: "2026-04-01", end: "2029-03-31"},
		{name: "3 years + 1 day", start: "2026-04-01", end: "2029-04-01", block: true,
			msg: "exceed the 3-year limit at this org unit on 2029-04-01"},
		{name: "from 29 Feb: exactly 3 years", start: "2024-02-29", end: "2027-02-28"},
		{name: "from 29 Feb: 3 years + 1 day", start: "2024-02-29", end: "2027-03-01", block: true},

		// Break after a 03-31 end: 04-01..06-30 is exactly 3 months.
		{name: "break of exactly 3 months is continuous", start: "2026-07-01", end: "2026-07-31",
			history: []Placement{at(1, "2023-07-01", "2026-03-31")}, block: true, msg: "counts from 2023-07-01"},
		{name: "break of 3 months + 1 day resets", start: "2026-07-02", end: "2026-07-31",
			history: []Placement{at(1, "2023-07-01", "2026-03-31")}},
		{name: "mid-month: break 03-16..06-15 is continuous", start: "2026-06-16", end: "2026-06-30",
			history: []Placement{at(1, "2023-06-16", "2026-03-15")}, block: true},
		{name: "mid-month: break 03-16..06-16 resets", start: "2026-06-17", end: "2026-06-30",
			history: []Placement{at(1, "2023-06-16", "2026-03-15")}},
		// From 11-30 the 3-month period ends 02-28 (Civil Code), not 03-02 as AddDate would say.
		{name: "month-end: break 11-30..02-28 is continuous", start: "2027-03-01", end: "2027-03-31",
			history: []Placement{at(1, "2023-12-01", "2026-11-29")}, block: true},
		{name: "month-end: break 11-30..03-01 resets", start: "2027-03-02", end: "2027-03-31",
			history: []Placement{at(1, "2023-12-01", "2026-11-29")}},

		{name: "other org unit does not count", start: "2026-07-01", end: "2026-07-31",
			history: []Placement{at(2, "2023-07-01", "2026-03-31")}},
		{name: "renewal right after the previous contract", start: "2026-04-01", end: "2026-06-30",
			history: []Placement{at(1, "2023-04-01", "2026-03-31")}, block: true, msg: "last allowed day is 2026-03-31"},
		{name: "chain of short breaks, history unsorted", start: "2026-03-01", end: "2026-06-30",
			history: []Placement{at(1, "2024-09-30", "2025-12-31"), at(1, "2023-01-01", "2024-06-30")},
			block:   true, msg: "counts from 2023-01-01"},
		{name: "placement nested in a longer one keeps the longer end", start: "2026-03-01", end: "2026-03-31",
			history: []Placement{at(1, "2023-01-01", "2025-12-31"), at(1, "2023-06-01", "2023-12-31")},
			block:   true, msg: "counts from 2023-01-01"},
		{name: "older run cooled off: exactly 3 years of the new run", start: "2026-04-01", end: "2026-05-31",
			history: []Placement{at(1, "2020-01-01", "2022-12-31"), at(1, "2023-06-01", "2026-03-31")}},
		{name: "older run cooled off: 3 years + 1 day of the new run", start: "2026-04-01", end: "2026-06-01",
			history: []Placement{at(1, "2020-01-01", "2022-12-31"), at(1, "2023-06-01", "2026-03-31")},
			block:   true, msg: "counts from 2023-06-01"},

		{name: "INDEFINITE is exempt", start: "2026-04-01", end: "2030-03-31",
			person: func(p *Person) { p.Employment = Indefinite }},
		{name: "60 on the start date (birthday) is exempt", start: "2026-04-01", end: "2030-03-31",
			person: func(p *Person) { p.BirthDate = datep("1966-04-01") }},
		{name: "60 one day after the start is not exempt", start: "2026-04-01", end: "2030-03-31",
			person: func(p *Person) { p.BirthDate = datep("1966-04-02") }, block: true},
		{name: "unknown birth date is not exempt", start: "2026-04-01", end: "2030-03-31",
			person: func(p *Person) { p.BirthDate = nil }, block: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			p.Start, p.End, p.History = date(tc.start), date(tc.end), tc.history
			if tc.person != nil {
				tc.person(&p.Person)
			}
			got := IndividualLimit(p)
			want := ""
			if tc.block {
				want = RuleIndividual3Y + "/BLOCK"
			}
			if rules(got) != want {
				t.Fatalf("IndividualLimit = %q, want %q (%v)", rules(got), want, got)
			}
			if tc.msg != "" && !strings.Contains(got[0].Text.EN, tc.msg) {
				t.Errorf("message %q does not mention %q", got[0].Text.EN, tc.msg)
			}
		})
	}
}

func TestSiteLimit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		conflict *time.Time
		notified *time.Time
		contract string // "" leaves the contract date zero
		end      string
		person   func(*Person)
		want     string
	}{
		{name: "ends the day before the conflict date", conflict: datep("2026-10-01"), notified: datep("2026-02-01"),
			contract: "2026-03-01", end: "2026-09-30"},
		{name: "ends on the conflict date", conflict: datep("2026-10-01"), notified: datep("2026-02-01"),
			contract: "2026-03-01", end: "2026-10-01", want: "SITE_CONFLICT_DATE/BLOCK"},
		{name: "starts after the conflict date", conflict: datep("2026-03-15"), notified: datep("2026-02-01"),
			contract: "2026-03-01", end: "2026-09-30", want: "SITE_CONFLICT_DATE/BLOCK"},
		{name: "no notice", conflict: datep("2026-10-01"), notified: nil,
			contract: "2026-03-01", end: "2026-09-30", want: "SITE_NOTICE_MISSING/BLOCK"},
		{name: "no conflict date", conflict: nil, notified: datep("2026-02-01"),
			contract: "2026-03-01", end: "2026-09-30", want: "SITE_NOTICE_MISSING/BLOCK"},
		{name: "notified on the contract date", conflict: datep("2026-10-01"), notified: datep("2026-03-01"),
			contract: "2026-03-01", end: "2026-09-30"},
		{name: "notified the day after the contract", conflict: datep("2026-10-01"), notified: datep("2026-03-02"),
			contract: "2026-03-01", end: "2026-09-30", want: "SITE_NOTICE_MISSING/BLOCK"},
		{name: "contract date missing", conflict: datep("2026-10-01"), notified: datep("2026-02-01"),
			contract: "", end: "2026-09-30", want: "SITE_NOTICE_MISSING/BLOCK"},
		// §6 names exemptions only for the individual limit; the site rule applies to everyone.
		{name: "INDEFINITE does not lift the site limit", conflict: datep("2026-10-01"), notified: datep("2026-02-01"),
			contract: "2026-03-01", end: "2026-10-01", person: func(p *Person) { p.Employment = Indefinite },
			want: "SITE_CONFLICT_DATE/BLOCK"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			p.Site = Site{ConflictDate: tc.conflict, ConflictNotifiedAt: tc.notified}
			p.End = date(tc.end)
			p.ContractSignedOn = time.Time{}
			if tc.contract != "" {
				p.ContractSignedOn = date(tc.contract)
			}
			if tc.person != nil {
				tc.person(&p.Person)
			}
			if got := SiteLimit(p); rules(got) != tc.want {
				t.Errorf("SiteLimit = %q, want %q (%v)", rules(got), tc.want, got)
			}
		})
	}
}

func TestFormerEmployee(t *testing.T) {
	left := func(entity, end string) []DirectEmployment {
		if end == "" {
			return []DirectEmployment{{LegalEntity: entity}}
		}
		return []DirectEmployment{{LegalEntity: entity, End: datep(end)}}
	}
	for _, tc := range []struct {
		name      string
		employed  []DirectEmployment
		client    string
		daysAfter int // start = End + daysAfter
		start     string
		person    func(*Person)
		want      string
	}{
		{name: "364 days after leaving", employed: left(client, "2025-03-31"), daysAfter: 364, want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "365 days after leaving", employed: left(client, "2025-03-31"), daysAfter: 365, want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "366 days after leaving", employed: left(client, "2025-03-31"), daysAfter: 366},
		{name: "leap year: 365 days", employed: left(client, "2023-03-31"), daysAfter: 365, want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "leap year: 366 days", employed: left(client, "2023-03-31"), daysAfter: 366, want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "leap year: 367 days", employed: left(client, "2023-03-31"), daysAfter: 367},
		{name: "left 28 Feb: 29 Feb next year is within the year", employed: left(client, "2023-02-28"), daysAfter: 366, want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "left 28 Feb: 1 Mar next year is free", employed: left(client, "2023-02-28"), daysAfter: 367},
		{name: "left 29 Feb: 28 Feb next year is within", employed: left(client, "2024-02-29"), daysAfter: 365, want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "left 29 Feb: 1 Mar next year is free", employed: left(client, "2024-02-29"), daysAfter: 366},
		{name: "still employed there", employed: left(client, ""), start: "2026-04-01", want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "other legal entity", employed: left("9999999999999", "2026-01-31"), start: "2026-04-01"},
		{name: "entity numbers compared without surrounding spaces", employed: left(" "+client+" ", "2026-01-31"),
			start: "2026-04-01", want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "retired at mandatory age and 60+", employed: left(client, "2026-03-31"), start: "2026-04-01",
			person: func(p *Person) { p.RetiredAtMandatoryAge, p.BirthDate = true, datep("1966-03-31") }},
		{name: "retired at mandatory age, 60 one day too late", employed: left(client, "2026-03-31"), start: "2026-04-01",
			person: func(p *Person) { p.RetiredAtMandatoryAge, p.BirthDate = true, datep("1966-04-02") },
			want:   "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "60+ but not retired at mandatory age", employed: left(client, "2026-03-31"), start: "2026-04-01",
			person: func(p *Person) { p.BirthDate = datep("1960-01-01") }, want: "FORMER_DIRECT_EMPLOYEE/BLOCK"},
		{name: "recent employer without entity number is flagged", employed: left("", "2026-01-31"), start: "2026-04-01",
			want: "FORMER_DIRECT_EMPLOYEE/WARN"},
		{name: "old employer without entity number is ignored", employed: left("", "2020-01-31"), start: "2026-04-01"},
		{name: "client without entity number is flagged", employed: left(client, "2026-01-31"), client: " ",
			start: "2026-04-01", want: "FORMER_DIRECT_EMPLOYEE/WARN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			p.DirectEmployments = tc.employed
			if tc.client != "" {
				p.ClientLegalEntity = tc.client
			}
			if tc.start != "" {
				p.Start = date(tc.start)
			} else {
				p.Start = tc.employed[0].End.AddDate(0, 0, tc.daysAfter)
			}
			p.End = p.Start.AddDate(0, 3, 0)
			if tc.person != nil {
				tc.person(&p.Person)
			}
			if got := FormerEmployee(p); rules(got) != tc.want {
				t.Errorf("FormerEmployee(start %s) = %q, want %q (%v)", fmtDate(p.Start), rules(got), tc.want, got)
			}
		})
	}
}

func TestDayLabour(t *testing.T) {
	exempt := map[string]bool{"INTERPRETER": true}
	for _, tc := range []struct {
		name       string
		start, end string
		person     func(*Person)
		category   string
		want       string
		because    []string // exemptions named in the WARN
	}{
		{name: "30 days", start: "2026-04-01", end: "2026-04-30", want: "DAY_LABOUR/BLOCK"},
		{name: "31 days", start: "2026-04-01", end: "2026-05-01"},
		{name: "1 day", start: "2026-04-01", end: "2026-04-01", want: "DAY_LABOUR/BLOCK"},
		{name: "30 days across February", start: "2027-02-01", end: "2027-03-02", want: "DAY_LABOUR/BLOCK"},
		{name: "31 days across February", start: "2027-02-01", end: "2027-03-03"},
		{name: "60 on the start date", start: "2026-04-01", end: "2026-04-30",
			person: func(p *Person) { p.BirthDate = datep("1966-04-01") }, want: "DAY_LABOUR_EXEMPT/WARN", because: []string{ExemptAge60Plus}},
		{name: "60 one day after the start", start: "2026-04-01", end: "2026-04-30",
			person: func(p *Person) { p.BirthDate = datep("1966-04-02") }, want: "DAY_LABOUR/BLOCK"},
		{name: "daytime student", start: "2026-04-01", end: "2026-04-30",
			person: func(p *Person) { p.DaytimeStudent = true }, want: "DAY_LABOUR_EXEMPT/WARN", because: []string{ExemptDaytimeStudent}},
		{name: "income exemption", start: "2026-04-01", end: "2026-04-30",
			person: func(p *Person) { p.IncomeExemption = true }, want: "DAY_LABOUR_EXEMPT/WARN", because: []string{ExemptIncome}},
		{name: "exempt job category", start: "2026-04-01", end: "2026-04-30", category: "INTERPRETER",
			want: "DAY_LABOUR_EXEMPT/WARN", because: []string{"exempt job category (INTERPRETER)"}},
		{name: "other job category", start: "2026-04-01", end: "2026-04-30", category: "WAREHOUSE", want: "DAY_LABOUR/BLOCK"},
		{name: "INDEFINITE is no day-labour exemption", start: "2026-04-01", end: "2026-04-30",
			person: func(p *Person) { p.Employment = Indefinite }, want: "DAY_LABOUR/BLOCK"},
		{name: "several exemptions are all named", start: "2026-04-01", end: "2026-04-10", category: "INTERPRETER",
			person:  func(p *Person) { p.DaytimeStudent, p.IncomeExemption = true, true },
			want:    "DAY_LABOUR_EXEMPT/WARN",
			because: []string{ExemptDaytimeStudent, ExemptIncome, "exempt job category (INTERPRETER)"}},
		{name: "exemption irrelevant for 31 days", start: "2026-04-01", end: "2026-05-01",
			person: func(p *Person) { p.DaytimeStudent = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			p.Start, p.End = date(tc.start), date(tc.end)
			if tc.category != "" {
				p.JobCategory = tc.category
			}
			if tc.person != nil {
				tc.person(&p.Person)
			}
			got := DayLabour(p, exempt)
			if rules(got) != tc.want {
				t.Fatalf("DayLabour = %q, want %q (%v)", rules(got), tc.want, got)
			}
			for _, b := range tc.because {
				if !strings.Contains(got[0].Text.EN, b) {
					t.Errorf("message %q does not name exemption %q", got[0].Text.EN, b)
				}
			}
		})
	}

	// Dates are calendar dates whatever zone they come in: JST midnights give the same 30 days.
	jst := time.FixedZone("JST", 9*60*60)
	p := base()
	p.Start, p.End = time.Date(2026, 4, 1, 0, 0, 0, 0, jst), time.Date(2026, 4, 30, 0, 0, 0, 0, jst)
	if got := rules(DayLabour(p, nil)); got != "DAY_LABOUR/BLOCK" {
		t.Errorf("JST dates: DayLabour = %q, want DAY_LABOUR/BLOCK", got)
	}
}

func TestPreSelection(t *testing.T) {
	for _, tc := range []struct {
		posting, stage string
		requested      bool
		block          bool
	}{
		{Dispatch, StageInterview, false, true},
		{Dispatch, StageInterview, true, true}, // asking for an interview does not make it legal
		{Dispatch, StageWorkplaceVisit, false, true},
		{Dispatch, StageWorkplaceVisit, true, false},
		{Dispatch, "SKILL_TEST", true, true},
		{TempToPerm, StageInterview, false, false},
		{TempToPerm, StageWorkplaceVisit, false, false},
		{TempToPerm, "SKILL_TEST", false, false},
		{"", StageInterview, false, true}, // unknown posting type is treated as dispatch
	} {
		got := PreSelection(tc.posting, tc.stage, tc.requested)
		want := ""
		if tc.block {
			want = RulePreSelection + "/BLOCK"
		}
		if rules(got) != want {
			t.Errorf("PreSelection(%q, %q, %v) = %q, want %q", tc.posting, tc.stage, tc.requested, rules(got), want)
		}
	}
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		birth, on string
		want      int
	}{
		{"1966-04-02", "2026-04-01", 59}, // the day before the 60th birthday
		{"1966-04-02", "2026-04-02", 60}, // the birthday
		{"1966-04-02", "2027-04-01", 60},
		{"2000-02-29", "2023-02-28", 22}, // common year: not yet
		{"2000-02-29", "2023-03-01", 23}, // common year: a year older on 1 March
		{"2000-02-29", "2024-02-28", 23},
		{"2000-02-29", "2024-02-29", 24}, // leap year: on the day
		{"1990-05-01", "1990-05-01", 0},
		{"1990-05-01", "1989-12-31", 0}, // before birth
		{"1990-12-31", "1991-12-30", 0},
		{"1990-12-31", "1991-12-31", 1},
	} {
		if got := Age(date(tc.birth), date(tc.on)); got != tc.want {
			t.Errorf("Age(%s, %s) = %d, want %d", tc.birth, tc.on, got, tc.want)
		}
	}
	if Is60Plus(nil, date("2100-01-01")) {
		t.Error("Is60Plus(nil) = true; an unknown birth date must never exempt")
	}
	if !Is60Plus(datep("1966-04-01"), date("2026-04-01")) || Is60Plus(datep("1966-04-02"), date("2026-04-01")) {
		t.Error("Is60Plus must switch on the 60th birthday")
	}
}

// ageOracle counts anniversaries on or before on, an anniversary of 29 February being 1 March in
// common years; it shares no code with Age.
func ageOracle(birth, on time.Time) int {
	n := 0
	for {
		y := birth.Year() + n + 1
		a := time.Date(y, birth.Month(), birth.Day(), 0, 0, 0, 0, time.UTC)
		if a.Day() != birth.Day() { // 29 February in a common year normalises to 1 March
			a = time.Date(y, time.March, 1, 0, 0, 0, 0, time.UTC)
		}
		if a.After(on) {
			return n
		}
		n++
	}
}

func checkAge(t *testing.T, birth, on time.Time) {
	t.Helper()
	a, next := Age(birth, on), Age(birth, on.AddDate(0, 0, 1))
	if next < a || next > a+1 {
		t.Fatalf("Age(%s) not monotonic: %d on %s, %d the next day", fmtDate(birth), a, fmtDate(on), next)
	}
	if !on.Before(birth) {
		if want := ageOracle(birth, on); a != want {
			t.Fatalf("Age(%s, %s) = %d, oracle %d", fmtDate(birth), fmtDate(on), a, want)
		}
	}
}

func TestAgeProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	epoch := date("1930-01-01")
	for i := 0; i < 20000; i++ {
		birth := epoch.AddDate(0, 0, rng.IntN(365*80))
		if i%10 == 0 {
			birth = time.Date(1932+4*rng.IntN(20), 2, 29, 0, 0, 0, 0, time.UTC)
		}
		checkAge(t, birth, birth.AddDate(0, 0, rng.IntN(365*90)-30))
	}
}

func FuzzAge(f *testing.F) {
	f.Add(int64(-1), int64(0))        // 1969-12-31
	f.Add(int64(11016), int64(8400))  // 2000-02-29, 23 years on
	f.Add(int64(-1370), int64(21915)) // 1966-04-02, 60 years on
	f.Fuzz(func(t *testing.T, birthDay, offset int64) {
		if birthDay < -40000 || birthDay > 40000 || offset < -1000 || offset > 40000 {
			t.Skip()
		}
		birth := time.Unix(birthDay*86400, 0).UTC()
		checkAge(t, birth, birth.AddDate(0, 0, int(offset)))
	})
}

func TestCheck(t *testing.T) {
	if r := Check(base(), nil); len(r.Findings) != 0 || !r.OK() {
		t.Fatalf("clean proposal: %v", r.Findings)
	}

	// A warning alone does not block.
	p := base()
	p.End = date("2026-04-20")
	p.Person.DaytimeStudent = true
	if r := Check(p, nil); !r.OK() || rules(r.Findings) != "DAY_LABOUR_EXEMPT/WARN" || len(r.Blocking()) != 0 {
		t.Errorf("exempt day labour: OK=%v findings=%q", r.OK(), rules(r.Findings))
	}

	// Everything wrong at once: all rules report, in rule order, and only blocks are Blocking.
	p = base()
	p.Start, p.End = date("2026-04-01"), date("2026-04-10")
	p.History = []Placement{{OrgUnitID: 1, Start: date("2023-01-01"), End: date("2026-03-31")}}
	p.Site.ConflictNotifiedAt = nil
	p.DirectEmployments = []DirectEmployment{{LegalEntity: client, End: datep("2025-12-31")}}
	r := Check(p, nil)
	want := "INDIVIDUAL_3Y/BLOCK,SITE_NOTICE_MISSING/BLOCK,FORMER_DIRECT_EMPLOYEE/BLOCK,DAY_LABOUR/BLOCK"
	if rules(r.Findings) != want || r.OK() || len(r.Blocking()) != 4 {
		t.Errorf("Check = %q (OK=%v), want %q", rules(r.Findings), r.OK(), want)
	}
	known := map[string]bool{RuleIndividual3Y: true, RuleSiteNoticeMissing: true, RuleSiteConflictDate: true,
		RuleFormerDirectEmployee: true, RuleDayLabour: true, RuleDayLabourExempt: true, RulePreSelection: true}
	for _, f := range r.Findings {
		if !known[f.Rule] || f.Text.EN == "" {
			t.Errorf("finding %+v has an unknown rule or no message", f)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Proposal)
		want   error
	}{
		{"valid", func(*Proposal) {}, nil},
		{"one-day assignment", func(p *Proposal) { p.End = p.Start }, nil},
		{"no start", func(p *Proposal) { p.Start = time.Time{} }, ErrMissingDates},
		{"end before start", func(p *Proposal) { p.End = p.Start.AddDate(0, 0, -1) }, ErrEndBeforeStart},
		{"no contract date", func(p *Proposal) { p.ContractSignedOn = time.Time{} }, ErrContractMissing},
		{"unknown employment", func(p *Proposal) { p.Person.Employment = "PART_TIME" }, ErrEmployment},
		{"unknown posting type", func(p *Proposal) { p.PostingType = "" }, ErrPostingType},
	} {
		p := base()
		tc.change(&p)
		if err := p.Validate(); !errors.Is(err, tc.want) {
			t.Errorf("%s: Validate() = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// personalFields walks a type and returns every field whose name looks like personal data.
func personalFields(t reflect.Type, path string) []string {
	forbidden := []string{"name", "age", "birth", "gender", "sex", "education", "school", "email", "phone",
		"mail", "address", "contact", "kana"}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return personalFields(t.Elem(), path)
	case reflect.Struct:
	default:
		return nil
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		lower := strings.ToLower(f.Name)
		for _, bad := range forbidden {
			if strings.Contains(lower, bad) {
				out = append(out, path+"."+f.Name)
			}
		}
		out = append(out, personalFields(f.Type, path+"."+f.Name)...)
	}
	return out
}

func TestSkillSheetHasNoPersonalFields(t *testing.T) {
	if got := personalFields(reflect.TypeFor[SkillSheet](), "SkillSheet"); len(got) != 0 {
		t.Errorf("client-facing skill sheet has personal fields: %v", got)
	}
	// The walker must catch nested fields, or the check above proves nothing.
	type leaky struct {
		Lines []struct{ FullName string }
		Age   int
	}
	if got := personalFields(reflect.TypeFor[leaky](), "leaky"); len(got) != 2 {
		t.Errorf("walker found %v, want leaky.Lines.FullName and leaky.Age", got)
	}
}

func TestAnonymousSkillSheet(t *testing.T) {
	skills := []SkillLine{{Skill: " Excel ", Level: 4, Years: 6}, {Skill: "  ", Level: 1}}
	history := []HistoryLine{
		{Industry: "Manufacturing", JobCategory: "OFFICE_ADMIN", Tasks: "order entry, invoicing", DurationMonths: 18},
		{},
	}
	s := AnonymousSkillSheet(skills, history)
	want := SkillSheet{
		Skills:  []SkillLine{{Skill: "Excel", Level: 4, Years: 6}},
		History: []HistoryLine{{Industry: "Manufacturing", JobCategory: "OFFICE_ADMIN", Tasks: "order entry, invoicing", DurationMonths: 18}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("AnonymousSkillSheet = %+v, want %+v", s, want)
	}
	skills[0].Skill, history[0].Tasks = "changed", "changed"
	if s.Skills[0].Skill != "Excel" || s.History[0].Tasks != "order entry, invoicing" {
		t.Error("sheet shares memory with its inputs")
	}
}

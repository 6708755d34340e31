package pipeline

import (
	"testing"
	"time"
)

func d(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func TestInsuranceContinuity(t *testing.T) {
	lead := 30 * 24 * time.Hour
	seven := 7
	for _, tc := range []struct {
		name       string
		employment string
		contracts  []Contract
		today      string
		gap        *int
		want       Continuity
	}{
		{"indefinite: not applicable", "INDEFINITE", []Contract{{d("2026-04-01"), d("2026-09-30")}}, "2026-09-20", nil, Continuity{}},
		{"no contracts", "FIXED_TERM", nil, "2026-09-20", nil, Continuity{}},
		{"ends in 10 days: at risk, deadline one month after", "FIXED_TERM", []Contract{{d("2026-04-01"), d("2026-09-30")}}, "2026-09-20", nil,
			Continuity{Applies: true, LastEnd: d("2026-09-30"), Deadline: d("2026-10-30"), AtRisk: true}},
		{"ends in 2 months: not yet", "FIXED_TERM", []Contract{{d("2026-04-01"), d("2026-11-30")}}, "2026-09-20", nil,
			Continuity{Applies: true, LastEnd: d("2026-11-30"), Deadline: d("2026-12-30")}},
		{"on the deadline: still at risk", "FIXED_TERM", []Contract{{d("2026-04-01"), d("2026-09-30")}}, "2026-10-30", nil,
			Continuity{Applies: true, LastEnd: d("2026-09-30"), Deadline: d("2026-10-30"), AtRisk: true}},
		{"day after the deadline: lost", "FIXED_TERM", []Contract{{d("2026-04-01"), d("2026-09-30")}}, "2026-10-31", nil,
			Continuity{Applies: true, LastEnd: d("2026-09-30"), Deadline: d("2026-10-30"), Lost: true}},
		{"next contract settled: deadline moves to it", "FIXED_TERM", []Contract{{d("2026-04-01"), d("2026-09-30")}, {d("2026-10-01"), d("2027-03-31")}}, "2026-09-20", nil,
			Continuity{Applies: true, LastEnd: d("2027-03-31"), Deadline: d("2027-04-30")}},
		{"agency gap of 7 days", "FIXED_TERM", []Contract{{d("2026-04-01"), d("2026-09-30")}}, "2026-10-05", &seven,
			Continuity{Applies: true, LastEnd: d("2026-09-30"), Deadline: d("2026-10-07"), AtRisk: true}},
		{"month end: Jan 31 + 1 month is Feb 28", "FIXED_TERM", []Contract{{d("2026-08-01"), d("2027-01-31")}}, "2027-02-10", nil,
			Continuity{Applies: true, LastEnd: d("2027-01-31"), Deadline: d("2027-02-28"), AtRisk: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := InsuranceContinuity(tc.employment, tc.contracts, d(tc.today), tc.gap, lead)
			if got != tc.want {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestIsLongEnough(t *testing.T) {
	for _, tc := range []struct {
		start, end string
		want       bool
	}{{"2026-04-01", "2026-04-30", true}, {"2026-04-01", "2026-04-29", false}, {"2026-01-31", "2026-02-27", true}, {"2026-02-01", "2026-02-28", true}} {
		if got := IsLongEnough(Contract{d(tc.start), d(tc.end)}); got != tc.want {
			t.Errorf("%s..%s: %v, want %v", tc.start, tc.end, got, tc.want)
		}
	}
}

package tenure

import (
	"testing"
	"time"
)

func TestMonths(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	p := func(s string) *time.Time { v := d(s); return &v }
	now := d("2026-11-20")
	for _, tc := range []struct {
		name  string
		start string
		end   *time.Time
		want  int
	}{
		{"one year", "2024-04-01", p("2025-04-01"), 11}, // 365 days / 30.44 = 11.99: whole months only
		{"one year and a day", "2024-04-01", p("2025-04-02"), 12},
		{"three years", "2020-04-01", p("2023-04-01"), 35},
		{"open-ended runs to now", "2026-05-20", nil, 6},
		{"less than a month", "2026-11-01", p("2026-11-20"), 0},
		{"ends before it starts", "2026-11-01", p("2026-10-01"), 0},
		{"starts in the future, open-ended", "2027-01-01", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Months(d(tc.start), tc.end, now); got != tc.want {
				t.Errorf("Months = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestWorked(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	now := d("2026-11-20")
	for _, tc := range []struct {
		name, start, end string
		want             int
	}{
		{"finished assignment", "2025-04-01", "2026-03-31", 11},
		{"running: counts to now, not to the contract's end", "2026-05-20", "2027-05-19", 6},
		{"scheduled, not started", "2026-12-01", "2027-05-31", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Worked(d(tc.start), d(tc.end), now); got != tc.want {
				t.Errorf("Worked = %d, want %d", got, tc.want)
			}
		})
	}
}

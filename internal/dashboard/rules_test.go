package dashboard

import (
	"testing"
	"time"
)

func TestSLAState(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	for _, c := range []struct {
		name           string
		due, escalated *time.Time
		want           string
	}{
		{"no deadline", nil, nil, OnTime},
		{"hours left", at(3 * time.Hour), nil, OnTime},
		{"31 minutes left", at(31 * time.Minute), nil, OnTime},
		{"30 minutes left", at(30 * time.Minute), nil, DueSoon},
		{"due now", at(0), nil, Overdue},
		{"past due", at(-time.Minute), nil, Overdue},
		{"escalated", at(time.Hour), at(-time.Hour), Overdue},
	} {
		if got := SLAState(c.due, c.escalated, now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestFillFigures(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	ptr := func(t time.Time) *time.Time { return &t }
	if FillRate(nil) != nil || MedianDaysToFill(nil) != nil {
		t.Fatal("figures without postings must be nil")
	}
	fs := []Fill{
		{Headcount: 2, Placed: 1, Opened: day(0), FirstFill: ptr(day(10))},
		{Headcount: 1, Placed: 3, Opened: day(0), FirstFill: ptr(day(4))}, // over-placed counts its headcount
		{Headcount: 1, Placed: 0, Opened: day(0)},
	}
	if r := *FillRate(fs); r != 0.5 {
		t.Errorf("fill rate %v, want 2/4", r)
	}
	if m := *MedianDaysToFill(fs); m != 7 {
		t.Errorf("median %v, want (4+10)/2", m)
	}
	fs = append(fs, Fill{Headcount: 1, Placed: 1, Opened: day(0), FirstFill: ptr(day(20))})
	if m := *MedianDaysToFill(fs); m != 10 {
		t.Errorf("odd median %v, want 10", m)
	}
}

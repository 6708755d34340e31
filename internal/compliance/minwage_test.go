package compliance

import (
	"testing"
	"time"
)

func TestMinimumWage(t *testing.T) {
	table := []WageFloor{
		{Prefecture: "東京都", HourlyWage: 1163, EffectiveFrom: date("2024-10-01")},
		{Prefecture: "東京都", HourlyWage: 1226, EffectiveFrom: date("2025-10-03")},
		{Prefecture: "大阪府", HourlyWage: 1114, EffectiveFrom: date("2024-10-01"), Sample: true},
	}
	for _, tc := range []struct {
		name  string
		wage  int
		pref  string
		on    []string
		block bool
	}{
		{"at the floor passes", 1226, "東京都", []string{"2025-11-01"}, false},
		{"a yen below blocks", 1225, "東京都", []string{"2025-11-01"}, true},
		{"before the raise the older floor applies", 1200, "東京都", []string{"2025-10-02"}, false},
		{"the raise applies from its first day", 1200, "東京都", []string{"2025-10-03"}, true},
		{"opened before the raise, starting after it", 1200, "東京都", []string{"2025-09-01", "2025-10-15"}, true},
		{"no floor known for the prefecture", 900, "沖縄県", []string{"2025-11-01"}, false},
		{"before any floor", 900, "東京都", []string{"2020-01-01"}, false},
		{"sample figures block too", 1100, "大阪府", []string{"2025-11-01"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dates := make([]time.Time, 0, len(tc.on))
			for _, s := range tc.on {
				dates = append(dates, date(s))
			}
			got := MinimumWage(tc.wage, tc.pref, table, dates...)
			if (len(got) > 0) != tc.block {
				t.Fatalf("MinimumWage(%d, %s, %v) = %v, want block=%v", tc.wage, tc.pref, tc.on, got, tc.block)
			}
			if tc.block && (got[0].Rule != RuleMinimumWage || got[0].Severity != Block) {
				t.Fatalf("finding %+v", got[0])
			}
		})
	}
}

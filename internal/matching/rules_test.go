package matching

import (
	"errors"
	"reflect"
	"testing"
)

func f(v float64) *float64 { return &v }

func TestApplyWeights(t *testing.T) {
	cfg := map[string]float64{ComponentWage: 3, ComponentTasks: 1}
	got, err := ApplyWeights(cfg, WeightChanges{Wage: f(0), Experience: f(100), History: nil})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{ComponentWage: 0, ComponentTasks: 1, ComponentExperience: 100}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if cfg[ComponentWage] != 3 || len(cfg) != 2 {
		t.Errorf("configuration changed in place: %v", cfg)
	}
	for _, c := range []struct {
		in   WeightChanges
		name string
	}{
		{WeightChanges{Skills: f(-0.01)}, ComponentSkills},
		{WeightChanges{Commute: f(100.5)}, ComponentCommute},
		// Several bad ones: the first in component order is reported, every time.
		{WeightChanges{History: f(-1), Experience: f(101), Compliance: f(200)}, ComponentExperience},
	} {
		_, err := ApplyWeights(cfg, c.in)
		var we *WeightError
		if !errors.Is(err, ErrInvalidWeight) || !errors.As(err, &we) || we.Component != c.name {
			t.Errorf("%+v: got %v, want the %s weight refused", c.in, err, c.name)
		}
		if want := "weight " + c.name + " must be between 0 and 100"; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	}
}

func TestExplanations(t *testing.T) {
	m := Match{Explanations: []Explanation{{Component: ComponentExperience}, {Component: ComponentCompliance},
		{Component: ComponentTasks}, {Component: ComponentHistory}, {Component: ComponentWage}}}
	names := func(es []*Explanation) (out []string) {
		for _, e := range es {
			out = append(out, e.Component)
		}
		return out
	}
	if got := names(Explanations(m, true)); len(got) != 5 {
		t.Errorf("staff see %v, want all five", got)
	}
	want := []string{ComponentExperience, ComponentTasks, ComponentWage}
	if got := names(Explanations(m, false)); !reflect.DeepEqual(got, want) {
		t.Errorf("registrants see %v, want %v (no compliance findings, no earlier rejections)", got, want)
	}
	if got := Explanations(Match{}, false); got == nil || len(got) != 0 {
		t.Errorf("no explanations: %#v, want an empty list", got)
	}
}

func TestWindowBounds(t *testing.T) {
	for _, c := range []struct {
		w           Window
		n, from, to int
	}{
		{Window{0, 20}, 5, 0, 5},
		{Window{3, 2}, 10, 3, 5},
		{Window{8, 5}, 10, 8, 10},
		{Window{12, 5}, 10, 10, 10}, // past the end: empty, positioned at the end
		{Window{-4, 3}, 10, 0, 3},
		{Window{2, 0}, 10, 2, 2},
		{Window{2, -1}, 10, 2, 2},
		{Window{0, 20}, 0, 0, 0},
	} {
		if from, to := c.w.Bounds(c.n); from != c.from || to != c.to {
			t.Errorf("%+v of %d: [%d,%d), want [%d,%d)", c.w, c.n, from, to, c.from, c.to)
		}
	}
}

func TestSignalsFor(t *testing.T) {
	market := []MarketPosting{
		{ID: 1, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1400},
		{ID: 2, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1600},
		{ID: 3, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1800},
		{ID: 4, JobCategory: "軽作業", Prefecture: "東京都", HourlyWage: 1000},
	}
	tenure := 1
	p := PostingFacts{ID: 1, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1400, BusRequired: true,
		PredecessorTenureMonths: &tenure, RepostCount: 2}
	s := SignalsFor(p, market)
	if s.AreaMedianWage != 1600 || s.WagePercentile != WagePercentile(MarketPosting{ID: 1, JobCategory: "経理事務",
		Prefecture: "東京都", HourlyWage: 1400}, market) {
		t.Errorf("wage signals %+v", s)
	}
	wantReasons := []string{string(RiskBelowMedianWage), string(RiskBusOnly), string(RiskShortPredecessorTenure), string(RiskReposted)}
	if s.RiskLevel != RiskHigh || !reflect.DeepEqual(s.RiskReasons, wantReasons) || len(s.RiskTexts) != len(wantReasons) {
		t.Errorf("risk %s %v %v", s.RiskLevel, s.RiskReasons, s.RiskTexts)
	}
	// Alone in its market: no median, mid percentile, no risk — and lists, not nils.
	s = SignalsFor(PostingFacts{ID: 9, JobCategory: "受付", Prefecture: "大阪府", HourlyWage: 1200}, market)
	if s.AreaMedianWage != 0 || s.WagePercentile != 50 || s.RiskLevel != RiskLow || s.RiskReasons == nil || s.RiskTexts == nil ||
		len(s.RiskReasons) != 0 {
		t.Errorf("posting alone in its market: %+v", s)
	}
}

func TestAreaWage(t *testing.T) {
	market := []MarketPosting{{ID: 1, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1500},
		{ID: 2, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1700}}
	if m, vs := AreaWage(MarketPosting{ID: 1, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1500}, market); m != 1600 || vs != -100 {
		t.Errorf("median %d, vs %d; want 1600, -100", m, vs)
	}
	if m, vs := AreaWage(MarketPosting{ID: 3, JobCategory: "受付", Prefecture: "東京都", HourlyWage: 1500}, market); m != 0 || vs != 0 {
		t.Errorf("no market: median %d, vs %d; want 0, 0", m, vs)
	}
}

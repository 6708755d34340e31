package matching

import (
	"reflect"
	"testing"
)

func mp(id int, cat, pref string, wage int) MarketPosting {
	return MarketPosting{ID: id, JobCategory: cat, Prefecture: pref, HourlyWage: wage}
}

func TestWagePercentile(t *testing.T) {
	const cat, pref = "経理事務", "東京都"
	four := []MarketPosting{mp(1, cat, pref, 1300), mp(2, cat, pref, 1400), mp(3, cat, pref, 1500), mp(4, cat, pref, 1600)}
	for _, tc := range []struct {
		name   string
		p      MarketPosting
		market []MarketPosting
		want   float64
	}{
		{"single posting, empty market", mp(1, cat, pref, 1500), nil, 50},
		{"single posting, market holds only itself", mp(1, cat, pref, 1500), []MarketPosting{mp(1, cat, pref, 1500)}, 50},
		{"lowest of 4", four[0], four, 12.5},
		{"second of 4", four[1], four, 37.5},
		{"highest of 4", four[3], four, 87.5},
		{"p not in market is added", mp(9, cat, pref, 1700), four, 90},
		{"all tied", mp(1, cat, pref, 1500), []MarketPosting{mp(2, cat, pref, 1500), mp(3, cat, pref, 1500)}, 50},
		// 1300 below; p and one other at 1500 share ranks 2–3; 1600 above: (1 + 2/2)/4.
		{"tie in the middle", mp(1, cat, pref, 1500), []MarketPosting{
			mp(2, cat, pref, 1300), mp(3, cat, pref, 1500), mp(4, cat, pref, 1600)}, 50},
		{"tie at the top", mp(1, cat, pref, 1600), []MarketPosting{
			mp(2, cat, pref, 1300), mp(3, cat, pref, 1600)}, (1 + 1.0) / 3 * 100},
		{"other categories and prefectures ignored", mp(1, cat, pref, 1500), []MarketPosting{
			mp(2, "営業事務", pref, 1000), mp(3, cat, "大阪府", 1000), mp(4, cat, pref, 1400)}, 75},
		{"postings without wage ignored", mp(1, cat, pref, 1500), []MarketPosting{mp(2, cat, pref, 0), mp(3, cat, pref, 1400)}, 75},
		{"p's stale market copy not counted twice", mp(1, cat, pref, 1500), []MarketPosting{
			mp(1, cat, pref, 1200), mp(2, cat, pref, 1400)}, 75},
		{"category compared like Score does", mp(1, "Office", pref, 1500), []MarketPosting{mp(2, " office ", pref, 1400)}, 75},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WagePercentile(tc.p, tc.market); !near(got, tc.want) {
				t.Errorf("WagePercentile = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAreaMedian(t *testing.T) {
	const cat, pref = "経理事務", "東京都"
	for _, tc := range []struct {
		name       string
		market     []MarketPosting
		wantMedian int
		wantN      int
	}{
		{"empty", nil, 0, 0},
		{"one", []MarketPosting{mp(1, cat, pref, 1500)}, 1500, 1},
		{"odd, unsorted", []MarketPosting{mp(1, cat, pref, 1600), mp(2, cat, pref, 1300), mp(3, cat, pref, 1450)}, 1450, 3},
		{"even: mean of the middle two", []MarketPosting{
			mp(1, cat, pref, 1300), mp(2, cat, pref, 1600), mp(3, cat, pref, 1400), mp(4, cat, pref, 1500)}, 1450, 4},
		{"even: half yen rounds up", []MarketPosting{mp(1, cat, pref, 1400), mp(2, cat, pref, 1401)}, 1401, 2},
		{"other areas and missing wages excluded", []MarketPosting{
			mp(1, cat, pref, 1400), mp(2, cat, "大阪府", 9000), mp(3, "軽作業", pref, 100), mp(4, cat, pref, 0)}, 1400, 1},
		{"no posting in the area", []MarketPosting{mp(1, cat, "大阪府", 1400)}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			median, n := AreaMedian(cat, pref, tc.market)
			if median != tc.wantMedian || n != tc.wantN {
				t.Errorf("AreaMedian = %d, %d; want %d, %d", median, n, tc.wantMedian, tc.wantN)
			}
		})
	}
}

func TestHardToFill(t *testing.T) {
	months := func(n int) *int { return &n }
	for _, tc := range []struct {
		name        string
		in          RiskInput
		wantLevel   string
		wantReasons []RiskReason
		wantTexts   []string
	}{
		{"nothing", RiskInput{HourlyWage: 1500, AreaMedianWage: 1450, PredecessorTenureMonths: months(12)},
			RiskLow, []RiskReason{}, []string{}},
		{"at the median is not below", RiskInput{HourlyWage: 1450, AreaMedianWage: 1450}, RiskLow, []RiskReason{}, []string{}},
		{"below median", RiskInput{HourlyWage: 1300, AreaMedianWage: 1450}, RiskMedium,
			[]RiskReason{RiskBelowMedianWage}, []string{"wage 1,300 is 150 below the area median 1,450"}},
		{"no median known", RiskInput{HourlyWage: 1300}, RiskLow, []RiskReason{}, []string{}},
		{"bus only", RiskInput{BusRequired: true}, RiskMedium, []RiskReason{RiskBusOnly}, []string{"reachable only by bus"}},
		{"predecessor left after 2 months", RiskInput{PredecessorTenureMonths: months(2)}, RiskMedium,
			[]RiskReason{RiskShortPredecessorTenure}, []string{"predecessor left after 2 months (under 3)"}},
		{"predecessor left within the first month", RiskInput{PredecessorTenureMonths: months(0)}, RiskMedium,
			[]RiskReason{RiskShortPredecessorTenure}, nil},
		{"predecessor stayed 3 months", RiskInput{PredecessorTenureMonths: months(3)}, RiskLow, []RiskReason{}, nil},
		{"tenure unknown", RiskInput{PredecessorTenureMonths: nil}, RiskLow, []RiskReason{}, nil},
		{"reposted once", RiskInput{RepostCount: 1}, RiskMedium, []RiskReason{RiskReposted}, []string{"reposted once"}},
		{"reposted twice counts heavier", RiskInput{RepostCount: 2}, RiskHigh, []RiskReason{RiskReposted},
			[]string{"reposted 2 times (counts double)"}},
		{"two reasons", RiskInput{HourlyWage: 1300, AreaMedianWage: 1450, BusRequired: true}, RiskHigh,
			[]RiskReason{RiskBelowMedianWage, RiskBusOnly}, nil},
		{"everything, fixed order", RiskInput{HourlyWage: 1300, AreaMedianWage: 1450, BusRequired: true,
			PredecessorTenureMonths: months(1), RepostCount: 3}, RiskHigh,
			[]RiskReason{RiskBelowMedianWage, RiskBusOnly, RiskShortPredecessorTenure, RiskReposted},
			[]string{"wage 1,300 is 150 below the area median 1,450", "reachable only by bus",
				"predecessor left after 1 month (under 3)", "reposted 3 times (counts double)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := HardToFill(tc.in)
			if got.Level != tc.wantLevel {
				t.Errorf("level %s, want %s", got.Level, tc.wantLevel)
			}
			if !reflect.DeepEqual(got.Reasons, tc.wantReasons) {
				t.Errorf("reasons %v, want %v", got.Reasons, tc.wantReasons)
			}
			if len(got.Texts) != len(got.Reasons) {
				t.Errorf("%d texts for %d reasons", len(got.Texts), len(got.Reasons))
			}
			en := make([]string, len(got.Texts))
			for i, x := range got.Texts {
				en[i] = x.EN
			}
			if tc.wantTexts != nil && !reflect.DeepEqual(en, tc.wantTexts) {
				t.Errorf("texts %q, want %q", en, tc.wantTexts)
			}
		})
	}
}

func TestRegistrantSignalFor(t *testing.T) {
	p := basePosting()
	p.HourlyWage, p.BusRequired, p.WalkMinutes, p.NearestStation = 1300, true, 12, "八王子"
	for _, tc := range []struct {
		name   string
		median int
		want   RegistrantSignal
	}{
		{"below median", 1450, RegistrantSignal{WageVsMedian: -150, AreaMedian: 1450, BusRequired: true, WalkMinutes: 12, NearestStation: "八王子"}},
		{"above median", 1200, RegistrantSignal{WageVsMedian: 100, AreaMedian: 1200, BusRequired: true, WalkMinutes: 12, NearestStation: "八王子"}},
		{"no median", 0, RegistrantSignal{BusRequired: true, WalkMinutes: 12, NearestStation: "八王子"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RegistrantSignalFor(p, tc.median); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// The registrant-facing signal must not be able to carry confidential posting data (§4).
func TestRegistrantSignalFields(t *testing.T) {
	want := []string{"WageVsMedian", "AreaMedian", "BusRequired", "WalkMinutes", "NearestStation"}
	typ := reflect.TypeFor[RegistrantSignal]()
	var got []string
	for i := range typ.NumField() {
		got = append(got, typ.Field(i).Name)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RegistrantSignal fields %v, want exactly %v: review any new field against §4 first", got, want)
	}
}

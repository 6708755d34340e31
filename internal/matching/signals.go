package matching

import (
	"fmt"
	"slices"

	"github.com/example/staffcrm/internal/lang"
)

// MarketPosting is one of the agency's open postings, as the wage signals need it.
type MarketPosting struct {
	ID                      int
	JobCategory, Prefecture string
	HourlyWage              int
}

// WagePercentile returns the percentile rank (0..100) of p.HourlyWage among the agency's open
// postings with the same job category and prefecture, p included.
//
// It uses mid-rank for ties: 100 × (below + equal/2) / n, where equal counts p itself. So a single
// posting, or a market where every wage is equal, is at 50, and no posting is ever at exactly 0 or
// 100 (with one posting, calling it the top or the bottom of its market would mislead).
// Entries with p's ID are p itself and are not counted twice, so market may or may not contain p.
// Entries with no wage (≤ 0) are unknown, not cheap, and are ignored.
func WagePercentile(p MarketPosting, market []MarketPosting) float64 {
	cat, pref := norm(p.JobCategory), norm(p.Prefecture)
	below, equal, n := 0, 1, 1
	for _, m := range market {
		if m.ID == p.ID || m.HourlyWage <= 0 || norm(m.JobCategory) != cat || norm(m.Prefecture) != pref {
			continue
		}
		n++
		switch {
		case m.HourlyWage < p.HourlyWage:
			below++
		case m.HourlyWage == p.HourlyWage:
			equal++
		}
	}
	return 100 * (float64(below) + float64(equal)/2) / float64(n)
}

// AreaMedian returns the median hourly wage of the postings in market with the given job category
// and prefecture, and how many there were. An even count takes the mean of the two middle wages,
// rounded half up to whole yen. No postings: (0, 0). Wages ≤ 0 are unknown and ignored.
func AreaMedian(jobCategory, prefecture string, market []MarketPosting) (median int, n int) {
	cat, pref := norm(jobCategory), norm(prefecture)
	var wages []int
	for _, m := range market {
		if m.HourlyWage > 0 && norm(m.JobCategory) == cat && norm(m.Prefecture) == pref {
			wages = append(wages, m.HourlyWage)
		}
	}
	n = len(wages)
	if n == 0 {
		return 0, 0
	}
	slices.Sort(wages)
	if n%2 == 1 {
		return wages[n/2], n
	}
	return (wages[n/2-1] + wages[n/2] + 1) / 2, n
}

// RiskReason is one reason a posting may be hard to fill.
type RiskReason string

const (
	RiskBelowMedianWage        RiskReason = "BELOW_MEDIAN_WAGE"
	RiskBusOnly                RiskReason = "BUS_ONLY"
	RiskShortPredecessorTenure RiskReason = "SHORT_PREDECESSOR_TENURE"
	RiskReposted               RiskReason = "REPOSTED"
)

// Risk levels.
const (
	RiskLow    = "LOW"
	RiskMedium = "MEDIUM"
	RiskHigh   = "HIGH"
)

// Risk is the hard-to-fill assessment of a posting, for staff only: it draws on confidential
// data (predecessor tenure). Texts[i] explains Reasons[i], in both languages.
type Risk struct {
	Level   string
	Reasons []RiskReason
	Texts   []lang.Text
}

// RiskInput holds the facts HardToFill weighs. PredecessorTenureMonths nil means unknown (or no
// predecessor); AreaMedianWage ≤ 0 means no market to compare with.
type RiskInput struct {
	HourlyWage, AreaMedianWage int
	BusRequired                bool
	PredecessorTenureMonths    *int
	RepostCount                int
}

// shortTenureMonths: a predecessor who left within this many months suggests a problem at the site.
const shortTenureMonths = 3

// HardToFill rates how hard a posting is likely to be to fill, from the signals staff know push
// postings onto the phone (§1): below-median wage, bus-only commute, a predecessor who left within
// 3 months, and reposting. Each counts one point, except reposting twice or more, which counts two:
// a posting that failed to fill repeatedly is hard to fill whatever the reason.
// Level: 0 points LOW, 1 MEDIUM, 2+ HIGH. Reasons come in a fixed order.
func HardToFill(in RiskInput) Risk {
	r := Risk{Reasons: []RiskReason{}, Texts: []lang.Text{}} // empty, not nil: callers render lists
	points := 0
	add := func(reason RiskReason, weight int, ja, en string) {
		r.Reasons = append(r.Reasons, reason)
		r.Texts = append(r.Texts, lang.Text{JA: ja, EN: en})
		points += weight
	}
	if in.AreaMedianWage > 0 && in.HourlyWage > 0 && in.HourlyWage < in.AreaMedianWage {
		add(RiskBelowMedianWage, 1,
			fmt.Sprintf("時給 %s円（エリアの中央値 %s円より%s円低い）",
				yen(in.HourlyWage), yen(in.AreaMedianWage), yen(in.AreaMedianWage-in.HourlyWage)),
			fmt.Sprintf("wage %s is %s below the area median %s",
				yen(in.HourlyWage), yen(in.AreaMedianWage-in.HourlyWage), yen(in.AreaMedianWage)))
	}
	if in.BusRequired {
		add(RiskBusOnly, 1, "通勤はバスのみ", "reachable only by bus")
	}
	if t := in.PredecessorTenureMonths; t != nil && *t >= 0 && *t < shortTenureMonths {
		add(RiskShortPredecessorTenure, 1,
			fmt.Sprintf("前任者が%dか月で退職（%dか月未満）", *t, shortTenureMonths),
			fmt.Sprintf("predecessor left after %s (under %d)", plural(*t, "month"), shortTenureMonths))
	}
	switch {
	case in.RepostCount >= 2:
		add(RiskReposted, 2, fmt.Sprintf("再掲載 %d回（2点として計上）", in.RepostCount),
			fmt.Sprintf("reposted %s (counts double)", plural(in.RepostCount, "time")))
	case in.RepostCount == 1:
		add(RiskReposted, 1, "再掲載 1回", "reposted once")
	}
	switch {
	case points == 0:
		r.Level = RiskLow
	case points == 1:
		r.Level = RiskMedium
	default:
		r.Level = RiskHigh
	}
	return r
}

// RegistrantSignal is all a registrant may see about a posting's market position: wage versus the
// area median and commute facts. It has no field for anything confidential (§4).
type RegistrantSignal struct {
	WageVsMedian   int // yen above (+) or below (−) the area median; 0 also when AreaMedian is 0
	AreaMedian     int // 0 = no market to compare with
	BusRequired    bool
	WalkMinutes    int
	NearestStation string
}

// RegistrantSignalFor builds the registrant-facing signal for p from public posting fields only.
// areaMedian comes from AreaMedian; pass 0 when unknown.
func RegistrantSignalFor(p Posting, areaMedian int) RegistrantSignal {
	s := RegistrantSignal{
		BusRequired:    p.BusRequired,
		WalkMinutes:    max(p.WalkMinutes, 0),
		NearestStation: p.NearestStation,
	}
	if areaMedian > 0 && p.HourlyWage > 0 {
		s.AreaMedian = areaMedian
		s.WageVsMedian = p.HourlyWage - areaMedian
	}
	return s
}

// PostingFacts are the posting fields the staff signals are computed from.
type PostingFacts struct {
	ID                      int
	JobCategory, Prefecture string
	HourlyWage              int
	BusRequired             bool
	PredecessorTenureMonths *int
	RepostCount             int
}

// Signals are a posting's staff-facing signals (§8): its wage against the agency's open postings of
// the same job category and prefecture, and its hard-to-fill risk. RiskTexts[i] explains
// RiskReasons[i] in both languages; both are empty, not nil, when there is no risk.
type Signals struct {
	WagePercentile float64
	AreaMedianWage int // 0 = no market to compare with
	RiskLevel      string
	RiskReasons    []string
	RiskTexts      []lang.Text
}

// SignalsFor assembles the staff signals of p from market (the agency's open postings, see
// MarketPosting; p may or may not be among them).
func SignalsFor(p PostingFacts, market []MarketPosting) Signals {
	mp := MarketPosting{ID: p.ID, JobCategory: p.JobCategory, Prefecture: p.Prefecture, HourlyWage: p.HourlyWage}
	median, _ := AreaMedian(p.JobCategory, p.Prefecture, market)
	risk := HardToFill(RiskInput{HourlyWage: p.HourlyWage, AreaMedianWage: median, BusRequired: p.BusRequired,
		PredecessorTenureMonths: p.PredecessorTenureMonths, RepostCount: p.RepostCount})
	reasons := make([]string, len(risk.Reasons))
	for i, x := range risk.Reasons {
		reasons[i] = string(x)
	}
	return Signals{WagePercentile: WagePercentile(mp, market), AreaMedianWage: median,
		RiskLevel: risk.Level, RiskReasons: reasons, RiskTexts: risk.Texts}
}

// AreaWage is what a registrant may see of a posting's wage against its market: the area median
// and the wage's difference from it, both 0 when there is no market to compare with.
func AreaWage(p MarketPosting, market []MarketPosting) (median, vsMedian int) {
	median, _ = AreaMedian(p.JobCategory, p.Prefecture, market)
	return median, RegistrantSignalFor(Posting{HourlyWage: p.HourlyWage}, median).WageVsMedian
}

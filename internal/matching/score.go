// Package matching scores how well a registrant fits a posting and derives the posting signals
// shown to staff and registrants (DESIGN.md §8). It is pure: callers load the records, run the
// compliance checks and look up history, then pass plain values in.
//
// Two rules from practice are built into the types rather than left to discipline:
//   - Matching is age-blind. Registrant has no birth date, gender or education field, so no formula
//     can read them; a test walks the types to keep it that way.
//   - Industry and company name never carry a match. Coordinators who matched on them sent people
//     to interviews they failed (§1), so Score reads only job category, months and task tags from
//     Experience; Industry and Company are there for display by callers.
package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/lang"
)

// Experience is one work-history row; Months is computed by the caller.
type Experience struct {
	JobCategory, Industry, Company string
	TaskTags                       []string
	Months                         int
}

// Skill is one registrant skill: Level 1 basic … 5 expert, Years of use.
type Skill struct {
	Name  string
	Level int
	Years float64
}

// Registrant is what matching may know about a registrant. It deliberately has no birth date,
// gender or education (§8): what is not here cannot leak into a score.
type Registrant struct {
	ID                               int
	Prefecture, City, NearestStation string
	MaxCommuteMinutes                int // 0 = not stated
	AcceptsBus                       bool
	DesiredHourlyWage                int        // 0 = not stated
	DesiredCategories                []string   // for callers' filters; fit is judged on experience, not wishes
	AvailableFrom                    *time.Time // nil = available now
	Skills                           []Skill
	Experience                       []Experience
}

// Posting is what matching needs about a posting. Industry is not scored (see the package comment).
type Posting struct {
	ID                                                      int
	JobCategory, Industry, Prefecture, City, NearestStation string
	TaskTags, RequiredSkills                                []string
	HourlyWage                                              int // 0 = not stated
	WalkMinutes                                             int // from the nearest station
	BusRequired                                             bool
	StartDate                                               *time.Time // nil = no fixed start
	ClientLegalEntity                                       string     // callers derive Context from it
}

// Context holds facts about the pair computed elsewhere.
type Context struct {
	Compliance             []compliance.Finding // from internal/compliance for this pair
	RejectedAtClientBefore bool                 // an earlier application at the same client was rejected
	Now                    time.Time            // zero: do not move past start dates to today
}

// Weights sets how much each component counts. Only ratios matter: Score divides by their sum.
// Negative or non-finite weights count as 0; all-zero weights fall back to DefaultWeights.
type Weights struct {
	Experience, Tasks, Skills, Wage, Commute, Availability, Compliance, History float64
}

// DefaultWeights sums to 1. Experience in the category and actual tasks dominate because they
// predict whether the registrant passes the client meeting and stays; wage and commute come next
// because they decide whether the registrant accepts at all.
func DefaultWeights() Weights {
	return Weights{
		Experience:   0.25,
		Tasks:        0.25,
		Skills:       0.15,
		Wage:         0.10,
		Commute:      0.10,
		Availability: 0.05,
		Compliance:   0.05,
		History:      0.05,
	}
}

// Component names, in the order Score reports them.
const (
	ComponentExperience   = "EXPERIENCE"
	ComponentTasks        = "TASKS"
	ComponentSkills       = "SKILLS"
	ComponentWage         = "WAGE"
	ComponentCommute      = "COMMUTE"
	ComponentAvailability = "AVAILABILITY"
	ComponentCompliance   = "COMPLIANCE"
	ComponentHistory      = "HISTORY"
)

// Components lists the component names in report order.
var Components = []string{
	ComponentExperience, ComponentTasks, ComponentSkills, ComponentWage,
	ComponentCommute, ComponentAvailability, ComponentCompliance, ComponentHistory,
}

// Explanation is one component of a score. Value is in [0,1];
// Contribution = Weight*Value/sum(weights), so the contributions add up to Match.Score.
// Text says it in both languages (the edge picks one). Matched and Missing list, for the TASKS and
// SKILLS components, the posting's task tags or required skills the registrant has and lacks, in
// the posting's spelling and in its order, all of them (Text names at most five); for the other
// components, and when the posting lists none, both are empty, never nil.
type Explanation struct {
	Component                   string
	Weight, Value, Contribution float64
	Text                        lang.Text
	Matched, Missing            []string
}

// Match is the score of one pair. A blocked pair keeps its score so staff can see why it would
// otherwise fit, but Rank puts it last.
type Match struct {
	Score        float64 // [0,1]
	Blocked      bool    // a BLOCK compliance finding applies
	Explanations []Explanation
}

// Tuning constants; see the component functions for how they are used.
const (
	neutral = 0.5 // value when the input needed to judge is missing: neither for nor against

	experienceFullMonths = 36   // three years in the category counts as fully experienced
	wageZeroShortfall    = 0.30 // 30% below the desired wage scores 0
	availabilityZeroDays = 60   // available 60+ days after the start scores 0

	skillCoveredBase = 0.8 // a covered skill earns 0.8; level and years add up to 0.2
	skillFullLevel   = 5
	skillFullYears   = 3.0

	commuteSamePrefecture    = 0.6
	commuteUnknownPrefecture = 0.4
	commuteOtherPrefecture   = 0.2 // cross-prefecture commutes are common (埼玉→東京), so not 0
	commuteSameStation       = 0.4
	commuteSameCity          = 0.2
	commuteWalkPenalty       = 0.5 // walking the whole max commute halves the value

	listMax = 5 // items named in a text before "…" (Matched and Missing list them all)
)

// Score rates how well r fits p. Each component yields a value in [0,1] and an explanation;
// Score = Σ weight·value / Σ weight, clamped to [0,1].
func Score(r Registrant, p Posting, c Context, w Weights) Match {
	w = w.sanitized()
	comp, blocked := complianceValue(c.Compliance)
	parts := [...]struct {
		name   string
		weight float64
		part
	}{
		{ComponentExperience, w.Experience, experienceValue(r, p)},
		{ComponentTasks, w.Tasks, tasksValue(r, p)},
		{ComponentSkills, w.Skills, skillsValue(r, p)},
		{ComponentWage, w.Wage, wageValue(r, p)},
		{ComponentCommute, w.Commute, commuteValue(r, p)},
		{ComponentAvailability, w.Availability, availabilityValue(r, p, c.Now)},
		{ComponentCompliance, w.Compliance, comp},
		{ComponentHistory, w.History, historyValue(c.RejectedAtClientBefore)},
	}

	// Divide by the largest weight first so that huge weights cannot overflow the sum.
	var top float64
	for _, pt := range parts {
		top = max(top, pt.weight)
	}
	var total float64
	for _, pt := range parts {
		total += pt.weight / top
	}

	m := Match{Blocked: blocked, Explanations: make([]Explanation, 0, len(parts))}
	var score float64
	for _, pt := range parts {
		v := clamp01(pt.value)
		contrib := (pt.weight / top) * v / total
		score += contrib
		m.Explanations = append(m.Explanations, Explanation{
			Component: pt.name, Weight: pt.weight, Value: v, Contribution: contrib, Text: pt.text,
			Matched: orEmpty(pt.matched), Missing: orEmpty(pt.missing),
		})
	}
	m.Score = clamp01(score)
	return m
}

// sanitized zeroes weights that are negative or not finite, and falls back to the defaults when
// nothing is left, so a bad configuration cannot produce NaN or scores outside [0,1].
func (w Weights) sanitized() Weights {
	fs := []*float64{&w.Experience, &w.Tasks, &w.Skills, &w.Wage, &w.Commute, &w.Availability, &w.Compliance, &w.History}
	positive := false
	for _, f := range fs {
		if math.IsNaN(*f) || math.IsInf(*f, 0) || *f < 0 {
			*f = 0
		}
		positive = positive || *f > 0
	}
	if !positive {
		return DefaultWeights()
	}
	return w
}

// Ranked is one scored candidate (a posting or a registrant, by ID).
type Ranked struct {
	ID    int
	Match Match
}

// Rank returns a sorted copy of items: not blocked first, then score descending, then ID ascending,
// so equal inputs in any order give the same list. Blocked candidates stay in the list, last.
func Rank(items []Ranked) []Ranked {
	out := slices.Clone(items)
	slices.SortStableFunc(out, compareRanked)
	return out
}

func compareRanked(a, b Ranked) int {
	if a.Match.Blocked != b.Match.Blocked {
		if a.Match.Blocked {
			return 1
		}
		return -1
	}
	// cmp.Compare orders NaN first, so with b, a reversed a NaN score sorts last.
	if c := cmp.Compare(b.Match.Score, a.Match.Score); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// part is one component's value (before clamping), its explanation text and, for tasks and
// skills, what of the posting's list the registrant has and lacks.
type part struct {
	value            float64
	text             lang.Text
	matched, missing []string
}

// say is a part with only a value and a text.
func say(value float64, ja, en string) part {
	return part{value: value, text: lang.Text{JA: ja, EN: en}}
}

// experienceValue: months in the posting's job category, min(months, 36)/36. Rows in other
// categories count for nothing, however close their industry or company.
func experienceValue(r Registrant, p Posting) part {
	cat := norm(p.JobCategory)
	if cat == "" {
		return say(neutral, "求人に職種の指定がありません（中立）", "posting has no job category (neutral)")
	}
	months := 0
	for _, e := range r.Experience {
		if e.Months > 0 && norm(e.JobCategory) == cat {
			months += e.Months
		}
	}
	if months == 0 {
		return say(0, p.JobCategory+"の経験なし", "no experience as "+p.JobCategory)
	}
	return say(float64(min(months, experienceFullMonths))/experienceFullMonths,
		fmt.Sprintf("%sの経験 %dか月", p.JobCategory, months),
		plural(months, "month")+" as "+p.JobCategory)
}

// tasksValue: |posting tags ∩ registrant tags| / |posting tags|, where the registrant's tags are the
// union over all work-history rows. Tags from a row in another job category do count: a tag is a
// task actually done, which is the evidence §8 asks for; the row's industry and company do not.
func tasksValue(r Registrant, p Posting) part {
	want := uniq(p.TaskTags)
	if len(want) == 0 {
		return say(neutral, "求人にタスクの指定がありません（中立）", "posting lists no task tags (neutral)")
	}
	have := make(map[string]bool)
	for _, e := range r.Experience {
		for _, t := range e.TaskTags {
			have[norm(t)] = true
		}
	}
	hit, miss := []string{}, []string{}
	for _, t := range want {
		if have[norm(t)] {
			hit = append(hit, t)
		} else {
			miss = append(miss, t)
		}
	}
	text := listed(hit, miss,
		fmt.Sprintf("タスク %d件中%d件が一致", len(want), len(hit)),
		fmt.Sprintf("%d of %d task tags match", len(hit), len(want)))
	return part{float64(len(hit)) / float64(len(want)), text, hit, miss}
}

// skillsValue: mean credit over the required skills. A missing skill earns 0; a covered one
// (name match ignoring case and full-width letters) earns 0.8 + 0.2·strength, where strength is the
// mean of level/5 and years/3 (each capped at 1). Coverage decides; depth only breaks near-ties.
func skillsValue(r Registrant, p Posting) part {
	req := uniq(p.RequiredSkills)
	if len(req) == 0 {
		return say(neutral, "求人に必須スキルの指定がありません（中立）", "posting lists no required skills (neutral)")
	}
	best := make(map[string]float64, len(r.Skills))
	for _, s := range r.Skills {
		k := norm(s.Name)
		if k == "" {
			continue
		}
		st := (clamp01(float64(s.Level)/skillFullLevel) + clamp01(s.Years/skillFullYears)) / 2
		if cur, ok := best[k]; !ok || st > cur {
			best[k] = st
		}
	}
	var sum float64
	hit, miss := []string{}, []string{}
	for _, name := range req {
		if st, ok := best[norm(name)]; ok {
			sum += skillCoveredBase + (1-skillCoveredBase)*st
			hit = append(hit, name)
		} else {
			miss = append(miss, name)
		}
	}
	text := listed(hit, miss,
		fmt.Sprintf("必須スキル %d件中%d件あり", len(req), len(hit)),
		fmt.Sprintf("%d of %d required skills", len(hit), len(req)))
	return part{sum / float64(len(req)), text, hit, miss}
}

// wageValue: 1 at or above the desired wage, falling linearly to 0 at 30% below it:
// 1 − ((desired − wage)/desired)/0.3. An unstated wage on either side is neutral.
func wageValue(r Registrant, p Posting) part {
	d, wg := r.DesiredHourlyWage, p.HourlyWage
	switch {
	case d <= 0:
		return say(neutral, "希望時給の登録なし（中立）", "no desired wage stated (neutral)")
	case wg <= 0:
		return say(neutral, "求人の時給が未設定（中立）", "posting wage not stated (neutral)")
	case wg == d:
		return say(1, fmt.Sprintf("時給 %s円（希望どおり）", yen(wg)),
			fmt.Sprintf("wage %s equals desired %s", yen(wg), yen(d)))
	case wg > d:
		return say(1, fmt.Sprintf("時給 %s円（希望 %s円より%s円高い）", yen(wg), yen(d), yen(wg-d)),
			fmt.Sprintf("wage %s is %s above desired %s", yen(wg), yen(wg-d), yen(d)))
	}
	shortfall := float64(d-wg) / float64(d)
	return say(1-shortfall/wageZeroShortfall,
		fmt.Sprintf("時給 %s円（希望 %s円より%s円低い）", yen(wg), yen(d), yen(d-wg)),
		fmt.Sprintf("wage %s is %s below desired %s", yen(wg), yen(d-wg), yen(d)))
}

// commuteValue:
//
//	0 if a bus is required and the registrant does not accept one,
//	0 if the walk from the station exceeds the registrant's max commute (when stated);
//	otherwise (base + bonus) × walk factor, clamped to [0,1], where
//	  base  = 0.6 same prefecture, 0.4 either prefecture unknown, 0.2 other prefecture;
//	  bonus = +0.4 same nearest station, else +0.2 same city (only when the prefectures do not
//	          differ, since station and city names repeat across prefectures);
//	  walk factor = 1 − 0.5·walk/max (1 when max is not stated).
//
// Same prefecture and station with no walk is 1; walking the whole max commute halves the value.
// Without routing data this is a proxy for travel time, not a measurement of it.
func commuteValue(r Registrant, p Posting) part {
	walk := max(p.WalkMinutes, 0)
	if p.BusRequired && !r.AcceptsBus {
		return say(0, "バス通勤が必要ですが、登録者はバス通勤を希望していません", "bus required but registrant does not accept bus")
	}
	if r.MaxCommuteMinutes > 0 && walk > r.MaxCommuteMinutes {
		return say(0, fmt.Sprintf("駅から徒歩%d分で、希望の通勤時間（最大%d分）を超えています", walk, r.MaxCommuteMinutes),
			fmt.Sprintf("walk %d minutes from the station exceeds max commute %d minutes", walk, r.MaxCommuteMinutes))
	}
	var ja, en []string
	note := func(j, e string) { ja, en = append(ja, j), append(en, e) }
	var v float64
	rp, pp := norm(r.Prefecture), norm(p.Prefecture)
	switch {
	case rp == "" || pp == "":
		v = commuteUnknownPrefecture
		note("都道府県不明", "prefecture unknown")
	case rp == pp:
		v = commuteSamePrefecture
		note("同じ都道府県（"+p.Prefecture+"）", "same prefecture "+p.Prefecture)
	default:
		v = commuteOtherPrefecture
		note(fmt.Sprintf("他の都道府県（%s→%s）", r.Prefecture, p.Prefecture),
			fmt.Sprintf("other prefecture (%s → %s)", r.Prefecture, p.Prefecture))
	}
	if rp == "" || pp == "" || rp == pp {
		if st := station(p.NearestStation); st != "" && st == station(r.NearestStation) {
			v += commuteSameStation
			note("最寄駅が同じ（"+p.NearestStation+"）", "same nearest station "+p.NearestStation)
		} else if c := norm(p.City); c != "" && c == norm(r.City) {
			v += commuteSameCity
			note("同じ市区町村（"+p.City+"）", "same city "+p.City)
		}
	}
	switch {
	case r.MaxCommuteMinutes > 0:
		v *= 1 - commuteWalkPenalty*float64(walk)/float64(r.MaxCommuteMinutes)
		note(fmt.Sprintf("駅から徒歩%d分（希望の通勤時間は最大%d分）", walk, r.MaxCommuteMinutes),
			fmt.Sprintf("walk %d of max %d minutes", walk, r.MaxCommuteMinutes))
	case walk > 0:
		note(fmt.Sprintf("駅から徒歩%d分（希望の通勤時間の登録なし）", walk),
			fmt.Sprintf("walk %d minutes (no max commute stated)", walk))
	}
	if p.BusRequired {
		note("バス通勤あり（登録者はバス通勤可）", "bus required, registrant accepts bus")
	}
	return part{value: v, text: lang.Text{JA: strings.Join(ja, "、"), EN: strings.Join(en, "; ")}}
}

// availabilityValue: 1 when the registrant is available by the start, then 1 − daysLate/60.
// A start already past (Now after it) counts from Now: the posting is still open and would start
// as soon as possible, so lateness is measured from today.
func availabilityValue(r Registrant, p Posting, now time.Time) part {
	if r.AvailableFrom == nil {
		return say(1, "すぐに就業可能", "available now")
	}
	if p.StartDate == nil {
		return say(1, "求人に就業開始日の指定なし", "posting has no fixed start date")
	}
	from, start := day(*r.AvailableFrom), day(*p.StartDate)
	label, labelJA := "start "+start.Format(time.DateOnly), "就業開始日 "+jaDate(start)
	if !now.IsZero() && day(now).After(start) {
		start = day(now)
		label = "today " + start.Format(time.DateOnly) + " (start date passed)"
		labelJA = "就業開始日経過のため本日 " + jaDate(start)
	}
	late := int(from.Sub(start).Hours() / 24)
	if late <= 0 {
		return say(1, fmt.Sprintf("%sから就業可能（%sに間に合う）", jaDate(from), labelJA),
			fmt.Sprintf("available from %s, by %s", from.Format(time.DateOnly), label))
	}
	return say(1-float64(late)/availabilityZeroDays,
		fmt.Sprintf("%sから就業可能（%sより%d日遅い）", jaDate(from), labelJA, late),
		fmt.Sprintf("available from %s, %s after %s", from.Format(time.DateOnly), plural(late, "day"), label))
}

// complianceValue: 1 with no findings, 0.5 with warnings only, 0 and blocked with any BLOCK.
// A finding of unknown severity counts as a warning: it should not vanish, nor block on a typo.
func complianceValue(fs []compliance.Finding) (part, bool) {
	if len(fs) == 0 {
		return say(1, "コンプライアンス上の指摘なし", "no compliance findings"), false
	}
	var blocks, warns, blocksJA, warnsJA []string
	for _, f := range fs {
		if f.Severity == compliance.Block {
			blocks, blocksJA = append(blocks, f.Rule), append(blocksJA, compliance.RuleName(f.Rule))
		} else {
			warns, warnsJA = append(warns, f.Rule), append(warnsJA, compliance.RuleName(f.Rule))
		}
	}
	if len(blocks) > 0 {
		ja, en := "コンプライアンス上の理由で不可: "+strings.Join(blocksJA, "、"), "blocked by compliance: "+strings.Join(blocks, ", ")
		if len(warns) > 0 {
			ja += "; 注意: " + strings.Join(warnsJA, "、")
			en += "; warnings: " + strings.Join(warns, ", ")
		}
		return say(0, ja, en), true
	}
	return say(neutral, "コンプライアンス上の注意: "+strings.Join(warnsJA, "、"),
		"compliance warnings: "+strings.Join(warns, ", ")), false
}

func historyValue(rejected bool) part {
	if rejected {
		return say(0, "この派遣先で過去に不採用あり", "rejected at this client before")
	}
	return say(1, "この派遣先での過去の不採用なし", "no earlier rejection at this client")
}

// norm makes names comparable: trimmed, inner spaces collapsed, full-width ASCII (Ｅｘｃｅｌ) folded
// to half-width and lower-cased. Japanese data mixes widths freely, so exact matching would miss.
func norm(s string) string {
	s = strings.Map(foldWidth, strings.TrimSpace(s)) // allocates only if something folds
	if hasSpaceRun(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	return strings.ToLower(s) // allocates only if something changes
}

func foldWidth(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	return r
}

// hasSpaceRun reports whether s has whitespace other than single ASCII spaces.
func hasSpaceRun(s string) bool {
	prev := false
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (r != ' ' || prev) {
			return true
		}
		prev = sp
	}
	return false
}

// station compares station names with or without the 駅 suffix.
func station(s string) string { return strings.TrimSuffix(norm(s), "駅") }

// uniq drops blank and repeated names (after norm), keeping the first spelling and the order.
func uniq(xs []string) []string {
	out := make([]string, 0, len(xs))
	seen := make(map[string]bool, len(xs))
	for _, x := range xs {
		k := norm(x)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, strings.TrimSpace(x))
	}
	return out
}

// listed is the text of a list component: the count, then what matched and what is missing, each
// named up to listMax.
func listed(hit, miss []string, ja, en string) lang.Text {
	if len(hit) > 0 {
		ja += ": " + list(hit, "、")
		en += ": " + list(hit, ", ")
	}
	if len(miss) > 0 {
		ja += "; 不足: " + list(miss, "、")
		en += "; missing: " + list(miss, ", ")
	}
	return lang.Text{JA: ja, EN: en}
}

func list(xs []string, sep string) string {
	if len(xs) > listMax {
		return strings.Join(xs[:listMax], sep) + sep + "…"
	}
	return strings.Join(xs, sep)
}

// orEmpty is xs, or an empty list for nil: the API renders lists, never null.
func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// yen formats an amount with thousands separators: 1400 → "1,400".
func yen(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// jaDate writes a date the Japanese way, as internal/compliance does: 2026年4月1日.
func jaDate(t time.Time) string {
	y, m, d := t.Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}

// day reduces t to its calendar date at midnight UTC, as internal/compliance does.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// clamp01 also maps NaN to 0, so a bad input cannot poison a sum.
func clamp01(x float64) float64 {
	switch {
	case x > 1:
		return 1
	case x >= 0:
		return x
	default:
		return 0
	}
}

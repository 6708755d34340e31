// Package compliance checks proposed dispatch assignments against the Worker Dispatching Act
// (労働者派遣法) as described in DESIGN.md §6. The checks are pure functions over dates and records:
// callers load the registrant, site and history, and map a blocking Result to COMPLIANCE_VIOLATION.
//
// Dates are calendar dates. They are passed as time.Time (the API uses midnight UTC) and only their
// year, month and day are used, so a value at midnight in another zone still means that local date.
// Periods of months and years follow Civil Code art. 143 (see periodEnd), which is how the
// authorities count them, rather than time.AddDate, which overflows at month ends.
package compliance

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/example/staffcrm/internal/lang"
)

// Severity says whether a finding rejects the action or is returned alongside it.
type Severity string

const (
	Block Severity = "BLOCK"
	Warn  Severity = "WARN"
)

// Rule codes. Each Finding carries exactly one of these.
const (
	RuleIndividual3Y         = "INDIVIDUAL_3Y"
	RuleSiteNoticeMissing    = "SITE_NOTICE_MISSING"
	RuleSiteConflictDate     = "SITE_CONFLICT_DATE"
	RuleFormerDirectEmployee = "FORMER_DIRECT_EMPLOYEE"
	RuleDayLabour            = "DAY_LABOUR"
	RuleDayLabourExempt      = "DAY_LABOUR_EXEMPT"
	RulePreSelection         = "PRE_SELECTION"
)

// ruleNamesJA are the rules as Japanese staff name them.
var ruleNamesJA = map[string]string{
	RuleIndividual3Y:         "個人単位の期間制限",
	RuleSiteNoticeMissing:    "抵触日の通知未了",
	RuleSiteConflictDate:     "事業所単位の期間制限",
	RuleFormerDirectEmployee: "離職後1年以内の労働者派遣の禁止",
	RuleDayLabour:            "日雇派遣の原則禁止",
	RuleDayLabourExempt:      "日雇派遣（例外に該当）",
	RulePreSelection:         "事前面接の禁止",
	RuleMinimumWage:          "最低賃金",
}

// RuleName is the rule's name for a Japanese text that lists rules (a match's compliance
// component); a rule code of another package is named by its code.
func RuleName(rule string) string {
	if n, ok := ruleNamesJA[rule]; ok {
		return n
	}
	return rule
}

// Employment kinds of the registrant's contract with the agency.
const (
	FixedTerm  = "FIXED_TERM"
	Indefinite = "INDEFINITE" // 無期雇用: exempt from the individual period limit
)

// Posting types.
const (
	Dispatch   = "DISPATCH"
	TempToPerm = "TEMP_TO_PERM" // 紹介予定派遣: client interviews are allowed
)

// Client-meeting stages for PreSelection.
const (
	StageInterview      = "INTERVIEW"
	StageWorkplaceVisit = "WORKPLACE_VISIT"
)

// Proposal input errors, for callers that validate before checking (BAD_USER_INPUT rather than a
// compliance finding).
var (
	ErrMissingDates    = errors.New("compliance: start and end dates are required")
	ErrEndBeforeStart  = errors.New("compliance: end date is before start date")
	ErrEmployment      = errors.New("compliance: employment must be FIXED_TERM or INDEFINITE")
	ErrPostingType     = errors.New("compliance: posting type must be DISPATCH or TEMP_TO_PERM")
	ErrContractMissing = errors.New("compliance: contract date is required")
)

// Finding is one rule outcome. Text says it to staff in both languages (the edge picks one); the
// English is also what errors carrying the finding say.
type Finding struct {
	Rule     string
	Severity Severity
	Text     lang.Text
}

// Result collects the findings of Check and the dates they were judged against.
type Result struct {
	Findings []Finding
	Dates    Dates
}

// Dates are the limits a proposal is checked against, for staff to plan with (not only to be told
// no): the individual limit's last day at the org unit, whether the proposed start continues a run
// there or starts a fresh count, and the site's conflict date.
type Dates struct {
	// RunStart is the first day of the continuous run at the org unit that contains the proposal:
	// the day the 3-year individual limit counts from.
	RunStart time.Time
	// ContinuesRun: the proposed start continues an earlier placement at the org unit (a break of 3
	// months or less), so the count runs on from RunStart; false means a fresh count from Start.
	ContinuesRun bool
	// IndividualLastDay is the last day the registrant may work at the org unit under the 3-year
	// limit; nil when IndividualExempt (INDEFINITE employment, or 60+ at the start).
	IndividualLastDay *time.Time
	IndividualExempt  bool
	// SiteConflictDate is the site's notified conflict date (抵触日) and SiteLastDay the day before
	// it, the last day any dispatch there may run; both nil when no conflict date is notified.
	SiteConflictDate, SiteLastDay *time.Time
}

// DatesOf computes the Dates of a proposal.
func DatesOf(p Proposal) Dates {
	d := Dates{RunStart: runStart(p)}
	d.ContinuesRun = d.RunStart.Before(day(p.Start))
	if p.Person.Employment == Indefinite || Is60Plus(p.Person.BirthDate, p.Start) {
		d.IndividualExempt = true
	} else {
		last := periodEnd(d.RunStart, 3, 0)
		d.IndividualLastDay = &last
	}
	if p.Site.ConflictDate != nil && p.Site.ConflictNotifiedAt != nil {
		c := day(*p.Site.ConflictDate)
		last := c.AddDate(0, 0, -1)
		d.SiteConflictDate, d.SiteLastDay = &c, &last
	}
	return d
}

// Blocking returns the findings that reject the action.
func (r Result) Blocking() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == Block {
			out = append(out, f)
		}
	}
	return out
}

// OK reports whether nothing blocks; warnings may remain.
func (r Result) OK() bool { return len(r.Blocking()) == 0 }

// Person holds what the rules need about the registrant. Age enters only through Is60Plus.
type Person struct {
	BirthDate             *time.Time // nil: unknown, so no age exemption
	Employment            string     // FixedTerm or Indefinite; anything else counts as fixed-term
	DaytimeStudent        bool       // 昼間学生
	IncomeExemption       bool       // e.g. household income ≥ 5M JPY, or a side job with main income ≥ 5M JPY
	RetiredAtMandatoryAge bool       // 定年退職
}

// Placement is one past or planned assignment of the registrant (End inclusive).
type Placement struct {
	OrgUnitID, SiteID int
	ClientLegalEntity string
	Start, End        time.Time
}

// Site is the client establishment's conflict date (抵触日) and when the client notified it.
type Site struct {
	ConflictDate       *time.Time
	ConflictNotifiedAt *time.Time
}

// DirectEmployment is a DIRECT_EMPLOYMENT work-history entry; End nil means still employed.
type DirectEmployment struct {
	LegalEntity string // 法人番号
	End         *time.Time
}

// Proposal is a planned assignment to check.
type Proposal struct {
	Person            Person
	OrgUnitID, SiteID int
	ClientLegalEntity string
	Site              Site
	Start, End        time.Time // planned assignment, End inclusive
	ContractSignedOn  time.Time // the dispatch contract date; the conflict date must be notified by then
	JobCategory       string
	PostingType       string
	History           []Placement // earlier assignments, any client
	DirectEmployments []DirectEmployment
}

// Validate reports malformed input. Check still runs on an invalid proposal (and tends to block),
// but callers should answer bad input as such rather than as a compliance violation.
func (p Proposal) Validate() error {
	switch {
	case p.Start.IsZero() || p.End.IsZero():
		return ErrMissingDates
	case day(p.End).Before(day(p.Start)):
		return ErrEndBeforeStart
	case p.ContractSignedOn.IsZero():
		return ErrContractMissing
	case p.Person.Employment != FixedTerm && p.Person.Employment != Indefinite:
		return fmt.Errorf("%q: %w", p.Person.Employment, ErrEmployment)
	case p.PostingType != Dispatch && p.PostingType != TempToPerm:
		return fmt.Errorf("%q: %w", p.PostingType, ErrPostingType)
	}
	return nil
}

// Check runs every assignment rule (1–4 of §6). Pre-selection depends on the meeting stage, not the
// assignment, so callers run PreSelection separately when scheduling a client meeting.
func Check(p Proposal, exemptCategories map[string]bool) Result {
	r := Result{Dates: DatesOf(p)}
	r.Findings = append(r.Findings, IndividualLimit(p)...)
	r.Findings = append(r.Findings, SiteLimit(p)...)
	r.Findings = append(r.Findings, FormerEmployee(p)...)
	r.Findings = append(r.Findings, DayLabour(p, exemptCategories)...)
	return r
}

// IndividualLimit enforces the 3-year limit for one registrant at one org unit (個人単位の期間制限).
//
// The limit runs from the start of the continuous run: the proposal plus every earlier placement at
// the same org unit linked to it by gaps of 3 months or less (see continuous). The last allowed day
// is the end of a 3-year period from the run start: from 2026-04-01 that is 2029-03-31; from a
// 29 February it is 28 February three years later. Exempt: INDEFINITE employment or 60+ at Start.
func IndividualLimit(p Proposal) []Finding {
	if p.Person.Employment == Indefinite || Is60Plus(p.Person.BirthDate, p.Start) {
		return nil
	}
	since := runStart(p)
	last := periodEnd(since, 3, 0)
	if !day(p.End).After(last) {
		return nil
	}
	first := last.AddDate(0, 0, 1)
	return []Finding{{
		Rule:     RuleIndividual3Y,
		Severity: Block,
		Text: lang.Text{
			JA: fmt.Sprintf("個人単位の期間制限（3年）に抵触します。この組織単位での就業は%sから継続しているため、"+
				"就業できるのは%sまでで、%s以降は就業できません（3か月を超える空白期間があった場合のみ期間の通算がリセットされます）。",
				jaDate(since), jaDate(last), jaDate(first)),
			EN: fmt.Sprintf("assignment would exceed the 3-year limit at this org unit on %s: "+
				"the registrant's continuous run there counts from %s, so the last allowed day is %s "+
				"(only a break of more than 3 months resets the count)",
				fmtDate(first), fmtDate(since), fmtDate(last)),
		},
	}}
}

type span struct {
	start, end time.Time
	proposal   bool
}

// runStart returns the first day of the continuous run at p.OrgUnitID that contains the proposal.
func runStart(p Proposal) time.Time {
	spans := []span{{start: day(p.Start), end: day(p.End), proposal: true}}
	for _, h := range p.History {
		if h.OrgUnitID != p.OrgUnitID || h.Start.IsZero() || h.End.IsZero() || day(h.End).Before(day(h.Start)) {
			continue
		}
		spans = append(spans, span{start: day(h.Start), end: day(h.End)})
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })

	start, end := spans[0].start, spans[0].end
	for i, s := range spans {
		if i > 0 {
			if continuous(end, s.start) {
				if s.end.After(end) {
					end = s.end
				}
			} else {
				start, end = s.start, s.end
			}
		}
		if s.proposal {
			return start
		}
	}
	return day(p.Start) // unreachable: the proposal is always among the spans
}

// continuous reports whether an assignment starting on next continues one that ended on prevEnd.
//
// The break (空白期間) runs from prevEnd+1 to next−1. It is "3 months or less" when it fits in a
// 3-month period starting on prevEnd+1, i.e. next ≤ periodEnd(prevEnd+1, 3 months) + 1 day.
// End 2026-03-31: break 04-01..06-30 is exactly 3 months, so a 07-01 start is continuous and 07-02
// resets. End 2026-11-29: the 3-month period from 11-30 ends 2027-02-28 (no 30 February), so
// 2027-03-01 is continuous and 2027-03-02 resets. Overlaps and back-to-back starts are continuous.
//
// This differs from prevEnd.AddDate(0, 3, 0)+1 day only where AddDate overflows a month end
// (03-31 + 3 months = 07-01 in Go), where it would call a break of 3 months and 1 day continuous.
func continuous(prevEnd, next time.Time) bool {
	first := prevEnd.AddDate(0, 0, 1)
	return !next.After(periodEnd(first, 0, 3).AddDate(0, 0, 1))
}

// SiteLimit enforces the site-level limit (事業所単位の期間制限): the client must have notified the
// site's conflict date (抵触日) no later than the day the dispatch contract is concluded, and the
// assignment must end before that date.
func SiteLimit(p Proposal) []Finding {
	s := p.Site
	switch {
	case s.ConflictDate == nil || s.ConflictNotifiedAt == nil:
		return []Finding{{Rule: RuleSiteNoticeMissing, Severity: Block, Text: lang.Text{
			JA: "派遣先からこの事業所の抵触日の通知を受けていません。通知を受けるまで労働者派遣契約は締結できません。",
			EN: "the client has not notified this site's conflict date (抵触日); a dispatch contract " +
				"cannot be concluded until it does"}}}
	case p.ContractSignedOn.IsZero():
		return []Finding{{Rule: RuleSiteNoticeMissing, Severity: Block, Text: lang.Text{
			JA: "労働者派遣契約の締結日が入力されていないため、抵触日の通知が契約の締結までに行われたことを確認できません。",
			EN: "the dispatch contract date is missing, so the site's conflict-date notice cannot be " +
				"shown to precede it"}}}
	case day(*s.ConflictNotifiedAt).After(day(p.ContractSignedOn)):
		return []Finding{{Rule: RuleSiteNoticeMissing, Severity: Block, Text: lang.Text{
			JA: fmt.Sprintf("抵触日の通知日（%s）が労働者派遣契約の締結日（%s）より後になっています。"+
				"抵触日の通知は契約の締結までに受けなければなりません。",
				jaDate(*s.ConflictNotifiedAt), jaDate(p.ContractSignedOn)),
			EN: fmt.Sprintf("the site's conflict date was notified on %s, after the dispatch contract "+
				"date %s; it must be notified before the contract is concluded",
				fmtDate(*s.ConflictNotifiedAt), fmtDate(p.ContractSignedOn))}}}
	}
	conflict := day(*s.ConflictDate)
	if day(p.End).Before(conflict) {
		return nil
	}
	last := conflict.AddDate(0, 0, -1)
	return []Finding{{Rule: RuleSiteConflictDate, Severity: Block, Text: lang.Text{
		JA: fmt.Sprintf("事業所単位の期間制限に抵触します。派遣期間の終了日（%s）が事業所の抵触日（%s）以降にかかっており、"+
			"この事業所に派遣できるのは%sまでです。", jaDate(p.End), jaDate(conflict), jaDate(last)),
		EN: fmt.Sprintf("assignment ending %s would run on or past the site's conflict date %s; "+
			"the last allowed day is %s", fmtDate(p.End), fmtDate(conflict), fmtDate(last))}}}
}

// FormerEmployee bars dispatch to a client legal entity (any site) that employed the registrant
// directly within the last year (離職後1年以内の労働者派遣の禁止).
//
// "Within one year" is counted from the day after leaving: the bar lasts through
// periodEnd(End+1, 1 year) and the first allowed start is the day after. Left 2025-03-31: barred
// through 2026-03-31, allowed from 2026-04-01 (366 days later); left 2023-03-31: allowed from
// 2024-04-01 (367 days, 2024 being a leap year); left 2023-02-28: barred through 2024-02-29.
// A current direct employment (End nil) always bars. When a recent direct employment cannot be
// compared because either side lacks a legal entity number, a WARN asks staff to verify by hand
// rather than passing silently. Exception: retired at mandatory age and 60+ at Start.
func FormerEmployee(p Proposal) []Finding {
	if p.Person.RetiredAtMandatoryAge && Is60Plus(p.Person.BirthDate, p.Start) {
		return nil
	}
	client := strings.TrimSpace(p.ClientLegalEntity)
	start := day(p.Start)
	unchecked := false
	for _, e := range p.DirectEmployments {
		var barredThrough time.Time
		if e.End != nil {
			barredThrough = periodEnd(day(*e.End).AddDate(0, 0, 1), 1, 0)
			if start.After(barredThrough) {
				continue
			}
		}
		entity := strings.TrimSpace(e.LegalEntity)
		if entity == "" || client == "" {
			unchecked = true
			continue
		}
		if entity != client {
			continue
		}
		if e.End == nil {
			return []Finding{{Rule: RuleFormerDirectEmployee, Severity: Block, Text: lang.Text{
				JA: "この登録者は派遣先と同一の法人に現在直接雇用されているため、その法人のいずれの事業所にも派遣できません。",
				EN: "the registrant is currently directly employed by this client's legal entity; " +
					"they cannot be dispatched to any of its sites"}}}
		}
		earliest := barredThrough.AddDate(0, 0, 1)
		return []Finding{{Rule: RuleFormerDirectEmployee, Severity: Block, Text: lang.Text{
			JA: fmt.Sprintf("離職後1年以内の労働者派遣の禁止に該当します。この登録者は%sに派遣先と同一の法人を離職しているため、"+
				"%sまではその法人のいずれの事業所にも派遣できません（派遣開始は%s以降）。",
				jaDate(*e.End), jaDate(barredThrough), jaDate(earliest)),
			EN: fmt.Sprintf("the registrant left direct employment at this client's legal entity on %s; "+
				"dispatch to any of its sites is barred for one year, through %s (earliest start %s)",
				fmtDate(*e.End), fmtDate(barredThrough), fmtDate(earliest))}}}
	}
	if unchecked {
		return []Finding{{Rule: RuleFormerDirectEmployee, Severity: Warn, Text: lang.Text{
			JA: "1年以内に離職した直接雇用の勤務先がありますが、職歴または派遣先の法人番号が登録されていないため、" +
				"離職後1年以内の労働者派遣の禁止に該当するかを確認できませんでした。個別に確認してください。",
			EN: "the registrant left a direct employer within the last year, but a legal entity number " +
				"is missing on the work history or the client, so the one-year bar could not be checked; " +
				"verify by hand"}}}
	}
	return nil
}

// Day-labour exemptions as named in DAY_LABOUR_EXEMPT messages, in the order they are reported.
const (
	ExemptAge60Plus      = "age 60+"
	ExemptDaytimeStudent = "daytime student"
	ExemptIncome         = "income"
	ExemptJobCategory    = "exempt job category"
)

const dayLabourMaxDays = 30

// DayLabour blocks employment of 30 days or less (日雇派遣, End−Start+1 ≤ 30 calendar days) unless
// an exemption applies: 60+ at Start, daytime student, income exemption, or a job category in
// exemptCategories. An exempted case returns a WARN naming every exemption that applies, so the
// caller records it. 31 days is not day labour.
func DayLabour(p Proposal, exemptCategories map[string]bool) []Finding {
	days := int(day(p.End).Sub(day(p.Start)).Hours()/24) + 1
	if days > dayLabourMaxDays {
		return nil
	}
	var why, whyJA []string
	if Is60Plus(p.Person.BirthDate, p.Start) {
		why, whyJA = append(why, ExemptAge60Plus), append(whyJA, "60歳以上")
	}
	if p.Person.DaytimeStudent {
		why, whyJA = append(why, ExemptDaytimeStudent), append(whyJA, "昼間学生")
	}
	if p.Person.IncomeExemption {
		why, whyJA = append(why, ExemptIncome), append(whyJA, "収入要件")
	}
	if p.JobCategory != "" && exemptCategories[p.JobCategory] {
		why = append(why, fmt.Sprintf("%s (%s)", ExemptJobCategory, p.JobCategory))
		whyJA = append(whyJA, fmt.Sprintf("日雇派遣が認められる業務（%s）", p.JobCategory))
	}
	if len(why) == 0 {
		return []Finding{{Rule: RuleDayLabour, Severity: Block, Text: lang.Text{
			JA: fmt.Sprintf("派遣期間%d日は日雇派遣（30日以内）に該当し、例外（60歳以上、昼間学生、収入要件、"+
				"日雇派遣が認められる業務）のいずれにも当たらないため、派遣できません。", days),
			EN: fmt.Sprintf("assignment of %d days is day labour (30 days or less) and no exemption "+
				"applies (60+, daytime student, income, or exempt job category)", days)}}}
	}
	return []Finding{{Rule: RuleDayLabourExempt, Severity: Warn, Text: lang.Text{
		JA: fmt.Sprintf("派遣期間%d日は日雇派遣（30日以内）に該当しますが、例外として認められます（%s）。"+
			"例外に該当することを記録してください。", days, strings.Join(whyJA, "、")),
		EN: fmt.Sprintf("assignment of %d days is day labour (30 days or less); allowed under the "+
			"exemption: %s (record it)", days, strings.Join(why, "; "))}}}
}

// PreSelection enforces the ban on client pre-selection (事前面接の禁止): a client interview exists
// only for TEMP_TO_PERM; on DISPATCH the only client meeting is a workplace visit the registrant
// asked for. Any other stage on DISPATCH, and an unknown posting type, is treated as DISPATCH and
// blocked, since allowing an unrecognised meeting could be pre-selection.
func PreSelection(postingType, stage string, requestedByRegistrant bool) []Finding {
	if postingType == TempToPerm {
		return nil
	}
	switch stage {
	case StageWorkplaceVisit:
		if requestedByRegistrant {
			return nil
		}
		return []Finding{{Rule: RulePreSelection, Severity: Block, Text: lang.Text{
			JA: "事前面接の禁止により、紹介予定派遣以外の求人での職場見学は、登録者本人が希望した場合に限り実施できます。",
			EN: "a workplace visit for a dispatch posting is allowed only when the registrant asks for it"}}}
	case StageInterview:
		return []Finding{{Rule: RulePreSelection, Severity: Block, Text: lang.Text{
			JA: "派遣先による面接は紹介予定派遣に限り認められます。通常の派遣では、派遣先が派遣労働者を特定することは" +
				"禁止されています（事前面接の禁止）。",
			EN: "client interviews are allowed only for temp-to-perm postings; a dispatch client may not " +
				"select the worker"}}}
	default:
		return []Finding{{Rule: RulePreSelection, Severity: Block, Text: lang.Text{
			JA: fmt.Sprintf("派遣先との面談区分「%s」は通常の派遣では認められません。認められるのは登録者本人が"+
				"希望した職場見学のみです（事前面接の禁止）。", stage),
			EN: fmt.Sprintf("client meeting stage %q is not allowed for a dispatch posting; only a "+
				"workplace visit the registrant asked for is", stage)}}}
	}
}

// Age returns completed years on the date on (0 before birth).
//
// Convention (Act on Calculation of Age, Civil Code art. 143): a year of age is completed at the end
// of the day before the anniversary, so the person is the new age for the whole anniversary date,
// and a person born on 29 February, whose period ends with 28 February in a common year, is a year
// older from 1 March. Born 1966-04-02: 59 on 2026-04-01, 60 on 2026-04-02. Born 2000-02-29: 22 on
// 2023-02-28, 23 on 2023-03-01 and 24 on 2024-02-29. (The administrative "date of reaching" an
// age, 達した日, is the day before; we evaluate whole dates from their start, so it is not used.)
func Age(birth time.Time, on time.Time) int {
	by, bm, bd := birth.Date()
	oy, om, od := on.Date()
	age := oy - by
	if om < bm || (om == bm && od < bd) {
		age--
	}
	if age < 0 {
		return 0
	}
	return age
}

// Is60Plus reports whether the 60+ exemption applies on the date on; unknown birth dates never do.
// This boolean is the only form in which age leaves the package's callers (§6).
func Is60Plus(birth *time.Time, on time.Time) bool {
	return birth != nil && Age(*birth, on) >= 60
}

// day reduces t to its calendar date at midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// periodEnd returns the last day of a period of years and months that starts on (and counts) the
// date start, per Civil Code art. 143: the day before the corresponding date, or the last day of
// the final month when that month has no corresponding date. From 2026-04-01, 3 years ends
// 2029-03-31; from 2024-02-29 it ends 2027-02-28; from 2026-11-30, 3 months ends 2027-02-28.
func periodEnd(start time.Time, years, months int) time.Time {
	y, m, d := start.Date()
	first := time.Date(y+years, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	lastDay := first.AddDate(0, 1, -1).Day()
	if d > lastDay {
		return first.AddDate(0, 0, lastDay-1)
	}
	return first.AddDate(0, 0, d-2)
}

func fmtDate(t time.Time) string { return t.Format(time.DateOnly) }

// jaDate writes a date the Japanese way, as in every Japanese finding: 2026年4月1日.
func jaDate(t time.Time) string {
	y, m, d := t.Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}

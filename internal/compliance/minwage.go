package compliance

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/example/staffcrm/internal/lang"
)

// RuleMinimumWage: a posting's hourly wage is below the prefecture's minimum wage (最低賃金法 4条).
const RuleMinimumWage = "MINIMUM_WAGE"

// WageFloor is a prefecture's minimum hourly wage from a date on.
type WageFloor struct {
	Prefecture    string
	HourlyWage    int
	EffectiveFrom time.Time
	Sample        bool // demonstration data, not the official figure
}

// FloorOn returns the floor in effect in prefecture on the date on: the one with the latest
// EffectiveFrom not after on. ok is false when the table has none.
func FloorOn(floors []WageFloor, prefecture string, on time.Time) (WageFloor, bool) {
	var best WageFloor
	found := false
	for _, f := range floors {
		if f.Prefecture != prefecture || day(f.EffectiveFrom).After(day(on)) {
			continue
		}
		if !found || f.EffectiveFrom.After(best.EffectiveFrom) {
			best, found = f, true
		}
	}
	return best, found
}

// MinimumWage blocks an hourly wage below the prefecture's minimum in effect on each of the dates
// (the day the posting opens and the day work starts: a raise effective in between applies). No
// floor in the table for the prefecture: nothing to check.
func MinimumWage(wage int, prefecture string, floors []WageFloor, on ...time.Time) []Finding {
	for _, d := range on {
		f, ok := FloorOn(floors, prefecture, d)
		if !ok || wage >= f.HourlyWage {
			continue
		}
		note, noteJA := "", ""
		if f.Sample {
			note, noteJA = " (sample figure, not the official table)", "（サンプル値・公式の数値ではありません）"
		}
		return []Finding{{Rule: RuleMinimumWage, Severity: Block, Text: lang.Text{
			JA: fmt.Sprintf("時給%s円は、%sから適用される%sの最低賃金%s円%sを下回っています。",
				jaYen(wage), jaDate(f.EffectiveFrom), prefecture, jaYen(f.HourlyWage), noteJA),
			EN: fmt.Sprintf("hourly wage %d yen is below the minimum wage of %s, %d yen from %s%s",
				wage, prefecture, f.HourlyWage, fmtDate(f.EffectiveFrom), note)}}}
	}
	return nil
}

// ViolationError is a blocking result outside the pipeline (a posting opened below the minimum
// wage): COMPLIANCE_VIOLATION at the edge, with the rules.
type ViolationError struct{ Findings []Finding }

func (e *ViolationError) Error() string {
	if len(e.Findings) == 0 {
		return "compliance violation"
	}
	return "compliance violation: " + e.Findings[0].Text.EN
}

// jaYen writes an amount with thousands separators, as Japanese texts show yen: 1163 → "1,163".
func jaYen(n int) string {
	if n < 0 {
		return "-" + jaYen(-n)
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

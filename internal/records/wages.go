package records

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/lang"
)

// Rule codes of the records' checks, alongside compliance's.
const (
	RuleEqualPayGeneralWage = "EQUAL_PAY_GENERAL_WAGE"     // 法30条の4: wage below the general wage
	RuleEqualPayNoTable     = "EQUAL_PAY_NO_WAGE_TABLE"    // no general-wage row for the year, category, prefecture
	RuleEqualPayUndecided   = "EQUAL_PAY_COVERAGE_UNKNOWN" // 協定対象 or not is not recorded
)

// GeneralWage is one row of the official general wage table (一般賃金, 法30条の4第1項第2号イ):
// 職種別基準値 × 能力・経験調整指数 × 地域指数 for a fiscal year. Indices are kept in tenths of a
// percent (112.1 % → 1121) so the product is exact.
type GeneralWage struct {
	FiscalYear      int
	JobCategory     string
	ExperienceYears int // the row applies from this many years of experience (0, 1, 2, 3, 5, 10, 20)
	Prefecture      string
	BaseWage        int // 職種別基準値, yen per hour
	ExperienceIndex int // 能力・経験調整指数, tenths of a percent
	AreaIndex       int // 地域指数, tenths of a percent
	Sample          bool
}

// Hourly is the general wage in yen per hour, rounded up to the yen: a wage must reach it, so the
// rounding never lowers what the worker is owed.
func (g GeneralWage) Hourly() int {
	n := g.BaseWage * g.ExperienceIndex * g.AreaIndex
	const scale = 1000 * 1000
	return (n + scale - 1) / scale
}

// ExperiencePercent and AreaPercent are the indices as the official tables print them (112.1).
func (g GeneralWage) ExperiencePercent() float64 { return float64(g.ExperienceIndex) / 10 }
func (g GeneralWage) AreaPercent() float64       { return float64(g.AreaIndex) / 10 }

// FiscalYear is the Japanese fiscal year (April to March) of t.
func FiscalYear(t time.Time) int {
	if t.Month() < time.April {
		return t.Year() - 1
	}
	return t.Year()
}

// WageTable finds the general wage that applies to a worker.
type WageTable []GeneralWage

// Lookup returns the row for the fiscal year, job category and prefecture with the most years of
// experience not above years; ok=false when the table has none.
func (t WageTable) Lookup(fiscalYear int, jobCategory, prefecture string, years int) (GeneralWage, bool) {
	var best GeneralWage
	found := false
	for _, g := range t {
		if g.FiscalYear != fiscalYear || g.JobCategory != jobCategory || g.Prefecture != prefecture || g.ExperienceYears > years {
			continue
		}
		if !found || g.ExperienceYears > best.ExperienceYears {
			best, found = g, true
		}
	}
	return best, found
}

// WageProposal is a wage to check at offer, placement or renewal.
type WageProposal struct {
	Worker          Worker
	HourlyWage      int
	JobCategory     string
	Prefecture      string
	ExperienceYears int
	Start           time.Time // the fiscal year of the start selects the table
}

// EqualPay checks a wage under the labour-management agreement method (労使協定方式): for a
// 協定対象 worker an hourly wage below the applicable general wage blocks; exactly the general wage
// passes. Workers outside the agreement are not checked here. A year without a table, or a worker
// whose coverage is not recorded, is a warning.
func EqualPay(p WageProposal, table WageTable) []compliance.Finding {
	switch {
	case p.Worker.AgreementCovered == nil:
		return []compliance.Finding{{Rule: RuleEqualPayUndecided, Severity: compliance.Warn, Text: lang.Text{
			JA: "協定対象派遣労働者か否かが未登録のため、一般賃金との比較を行っていません",
			EN: "whether the worker is covered by the labour-management agreement is not recorded, so the wage " +
				"was not compared with the general wage"}}}
	case !*p.Worker.AgreementCovered:
		return nil
	}
	fy := FiscalYear(p.Start)
	g, ok := table.Lookup(fy, p.JobCategory, p.Prefecture, p.ExperienceYears)
	if !ok {
		return []compliance.Finding{{Rule: RuleEqualPayNoTable, Severity: compliance.Warn, Text: lang.Text{
			JA: fmt.Sprintf("%d年度の一般賃金（%s・%s）が登録されていません", fy, p.JobCategory, p.Prefecture),
			EN: fmt.Sprintf("no general wage is registered for fiscal year %d (%s, %s)", fy, p.JobCategory, p.Prefecture)}}}
	}
	if min := g.Hourly(); p.HourlyWage < min {
		return []compliance.Finding{{Rule: RuleEqualPayGeneralWage, Severity: compliance.Block, Text: lang.Text{
			JA: fmt.Sprintf("時給%sは%d年度の一般賃金%s（%s・%s・経験%d年）を下回っています（法30条の4）",
				yen(p.HourlyWage), fy, yen(min), p.JobCategory, p.Prefecture, g.ExperienceYears),
			EN: fmt.Sprintf("hourly wage %s yen is below the general wage of %s yen for fiscal year %d (%s, %s, "+
				"%d years of experience; Art. 30-4)", thousands(p.HourlyWage), thousands(min), fy, p.JobCategory,
				p.Prefecture, g.ExperienceYears)}}}
	}
	return nil
}

// LineError is one bad line of an import.
type LineError struct {
	Line   int
	Reason string
}

// ImportError lists every bad line of an import; nothing of it is imported.
type ImportError struct{ Lines []LineError }

func (e *ImportError) Error() string {
	parts := make([]string, 0, len(e.Lines))
	for _, l := range e.Lines {
		parts = append(parts, fmt.Sprintf("line %d: %s", l.Line, l.Reason))
	}
	return fmt.Sprintf("%d bad lines: %s", len(e.Lines), strings.Join(parts, "; "))
}

// ErrNoRows is an import without data lines.
var ErrNoRows = errors.New("the file has no data lines")

// generalWageHeader is the CSV layout admins upload (UTF-8, a BOM allowed, header line required).
var generalWageHeader = []string{"fiscal_year", "job_category", "experience_years", "prefecture",
	"base_wage", "experience_index", "area_index"}

// ParseGeneralWages reads a general-wage CSV. It reads every line and returns all the bad ones in one
// ImportError, so the file is accepted whole or not at all. Duplicate keys are bad lines too.
func ParseGeneralWages(r io.Reader) (WageTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if strings.Join(header, ",") != strings.Join(generalWageHeader, ",") {
		return nil, &ImportError{Lines: []LineError{{Line: 1, Reason: "header must be " + strings.Join(generalWageHeader, ",")}}}
	}
	var (
		table WageTable
		bad   []LineError
		seen  = map[string]int{}
	)
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad = append(bad, LineError{Line: line, Reason: "not valid CSV"})
			continue
		}
		g, reason := parseWageLine(rec)
		if reason == "" {
			key := fmt.Sprint(g.FiscalYear, "|", g.JobCategory, "|", g.ExperienceYears, "|", g.Prefecture)
			if first, dup := seen[key]; dup {
				reason = fmt.Sprintf("same year, category, experience and prefecture as line %d", first)
			} else {
				seen[key] = line
			}
		}
		if reason != "" {
			bad = append(bad, LineError{Line: line, Reason: reason})
			continue
		}
		table = append(table, g)
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Line < bad[j].Line })
		return nil, &ImportError{Lines: bad}
	}
	if len(table) == 0 {
		return nil, ErrNoRows
	}
	return table, nil
}

func parseWageLine(rec []string) (GeneralWage, string) {
	if len(rec) != len(generalWageHeader) {
		return GeneralWage{}, fmt.Sprintf("%d fields, want %d", len(rec), len(generalWageHeader))
	}
	var g GeneralWage
	var ok bool
	if g.FiscalYear, ok = intIn(rec[0], 2000, 2100); !ok {
		return g, "fiscal_year must be a year"
	}
	if g.JobCategory = strings.TrimSpace(rec[1]); g.JobCategory == "" {
		return g, "job_category is empty"
	}
	if g.ExperienceYears, ok = intIn(rec[2], 0, 50); !ok {
		return g, "experience_years must be 0 to 50"
	}
	if g.Prefecture = strings.TrimSpace(rec[3]); g.Prefecture == "" {
		return g, "prefecture is empty"
	}
	if g.BaseWage, ok = intIn(rec[4], 1, 100000); !ok {
		return g, "base_wage must be yen per hour"
	}
	if g.ExperienceIndex, ok = tenths(rec[5]); !ok {
		return g, "experience_index must be a percentage like 112.1"
	}
	if g.AreaIndex, ok = tenths(rec[6]); !ok {
		return g, "area_index must be a percentage like 114.1"
	}
	return g, ""
}

func intIn(s string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= lo && n <= hi
}

// tenths parses a percentage with at most one decimal into tenths (112.1 → 1121).
func tenths(s string) (int, bool) {
	s = strings.TrimSpace(s)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && len(frac) != 1 {
		return 0, false
	}
	if !hasFrac {
		frac = "0"
	}
	w, err1 := strconv.Atoi(whole)
	f, err2 := strconv.Atoi(frac)
	n := w*10 + f
	return n, err1 == nil && err2 == nil && w >= 0 && n > 0 && n <= 10000
}

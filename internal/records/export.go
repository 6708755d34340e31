package records

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/internal/audit"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/invalid"
)

// The CSV exports of the records an agency keeps as lists (DESIGN §11): the agency ledger (法37条),
// the employment-stability duties (法30条) and the margin disclosure (法23条5項).
const (
	ExportLedger    = "ledger.csv"
	ExportStability = "stability.csv"
	ExportMargin    = "margin.csv"
)

// ParseEncoding reads an export's encoding parameter: empty, utf-8 or utf8_bom for UTF-8 with a
// BOM; shift_jis or sjis for Shift_JIS.
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(strings.ReplaceAll(s, "-", "_")) {
	case "", "utf_8", "utf8", "utf8_bom":
		return UTF8BOM, nil
	case "shift_jis", "sjis":
		return ShiftJIS, nil
	}
	return "", invalid.Field("encoding", "utf-8 or shift_jis, not %q", s)
}

// ExportRequest names an export: the file, the fiscal year (April–March; the margin disclosure
// needs one, the ledger takes 0 for every entry) and the encoding.
type ExportRequest struct {
	File       string
	FiscalYear int
	Encoding   Encoding
}

// Export streams a CSV export to w for the viewer and returns its row count. Nothing is written
// before the request is known to be allowed, so an error with no bytes written is the whole answer.
func (s *Service) Export(ctx context.Context, req ExportRequest, w io.Writer) (int, error) {
	switch req.File {
	case ExportLedger:
		return s.exportLedger(ctx, req, w)
	case ExportStability:
		return s.exportStability(ctx, req, w)
	case ExportMargin:
		return s.exportMargin(ctx, req, w)
	}
	return 0, ErrNotFound
}

// inFiscalYear: p ran in fiscal year fy (April–March; 0: every year).
func inFiscalYear(fy int, p Placement) bool {
	return fy == 0 || (!p.End.Before(time.Date(fy, time.April, 1, 0, 0, 0, 0, time.UTC)) &&
		!p.Start.After(time.Date(fy+1, time.March, 31, 0, 0, 0, 0, time.UTC)))
}

func checkYear(fy int, required bool) error {
	if (required || fy != 0) && (fy < 2000 || fy > 2100) {
		return invalid.Field("fiscalYear", "a fiscal year like 2026 (April 2026 – March 2027)")
	}
	return nil
}

// exportLedger: every ledger entry of the viewer's scope (staff), of one fiscal year or all, every
// read audited before the first byte.
func (s *Service) exportLedger(ctx context.Context, req ExportRequest, w io.Writer) (int, error) {
	v, err := viewer(ctx, true)
	if err != nil {
		return 0, err
	}
	if err := checkYear(req.FiscalYear, false); err != nil {
		return 0, err
	}
	if v == nil {
		return 0, fmt.Errorf("ledger export: %w", ErrStaffOnly) // a job names the agency through a viewer
	}
	// Every placement of the scope: earlier runs decide an entry's individual limit date.
	all, err := s.placements(ctx, assignment.AgencyID(v.AgencyID))
	if err != nil {
		return 0, fmt.Errorf("ledger export: %w", err)
	}
	var ids []int
	for _, p := range all {
		if inFiscalYear(req.FiscalYear, p) {
			ids = append(ids, p.AssignmentID)
		}
	}
	reads := audit.NewReads()
	for _, id := range ids {
		reads.Record("Assignment", "ledgerExport", id)
	}
	if err := reads.Flush(ctx, s.Client); err != nil {
		return 0, fmt.Errorf("ledger export: %w", err)
	}
	out, err := NewCSVWriter(w, req.Encoding, LedgerCSVHeader())
	if err != nil {
		return 0, fmt.Errorf("ledger export: %w", err)
	}
	err = s.assembleAll(ctx, v.AgencyID, ids, all, true, func(a Assignment) error {
		return out.Write(LedgerCSVRow(a.ID, LedgerEntry(a, a.complaints, a.training, a.stability)))
	})
	if err != nil {
		return 0, fmt.Errorf("ledger export: %w", err)
	}
	return out.Close()
}

// StabilityCSVHeader is the stability export's header.
var StabilityCSVHeader = []string{"派遣労働者氏名", "組織単位", "継続就業の開始日", "予定終了日", "区分", "到達日", "雇用安定措置"}

func (s *Service) exportStability(ctx context.Context, req ExportRequest, w io.Writer) (int, error) {
	cases, err := s.StabilityDuties(ctx)
	if err != nil {
		return 0, err
	}
	out, err := NewCSVWriter(w, req.Encoding, StabilityCSVHeader)
	if err != nil {
		return 0, fmt.Errorf("stability export: %w", err)
	}
	for _, c := range cases {
		duty := "努力義務（1年見込み）"
		if c.Duty == DutyMeasures {
			duty = "義務（3年見込み）"
		}
		if err := out.Write([]string{c.WorkerName, c.OrgUnit, date(c.RunStart), date(c.PlannedEnd), duty, date(c.Reaches),
			listOrNone(c.Measures)}); err != nil {
			return 0, fmt.Errorf("stability export: %w", err)
		}
	}
	return out.Close()
}

// MarginCSVHeader is the margin export's header.
var MarginCSVHeader = []string{"事業所", "派遣労働者数", "派遣料金の平均額（時間額・円）", "賃金の平均額（時間額・円）", "マージン率（%）", "派遣料金未記録の派遣"}

func (s *Service) exportMargin(ctx context.Context, req ExportRequest, w io.Writer) (int, error) {
	if v, _ := auth.ViewerFrom(ctx); v != nil && !v.Role.IsStaff() {
		return 0, ErrStaffOnly
	}
	if err := checkYear(req.FiscalYear, true); err != nil {
		return 0, err
	}
	ms, err := s.MarginDisclosure(ctx, req.FiscalYear)
	if err != nil {
		return 0, err
	}
	out, err := NewCSVWriter(w, req.Encoding, MarginCSVHeader)
	if err != nil {
		return 0, fmt.Errorf("margin export: %w", err)
	}
	for _, m := range ms {
		if err := out.Write([]string{m.SiteName, strconv.Itoa(m.Workers), strconv.Itoa(m.AverageBill), strconv.Itoa(m.AverageWage),
			strconv.FormatFloat(m.MarginRate, 'f', 1, 64), strconv.Itoa(m.WithoutBill)}); err != nil {
			return 0, fmt.Errorf("margin export: %w", err)
		}
	}
	return out.Close()
}

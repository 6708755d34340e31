package records

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"

	"codeberg.org/go-pdf/fpdf"
)

// IPAexGothic (IPA Font License v1.0, fonts/): a redistributable Japanese font, embedded so the
// records render on a fresh machine with no fonts installed.
//
//go:embed fonts/ipaexg.ttf
var ipaexGothic []byte

// WritePDF renders r as an A4 PDF: title, then one row per item (label and value), then the gaps
// that keep it from being complete, so a handed-over sheet never hides a missing legal item.
func WritePDF(w io.Writer, r Record, issuer string) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(r.Title, true)
	pdf.SetCreator(issuer, true)
	pdf.AddUTF8FontFromBytes("ipaexg", "", ipaexGothic)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AddPage()
	pdf.SetFont("ipaexg", "", 16)
	pdf.CellFormat(0, 10, r.Title, "", 1, "C", false, 0, "")
	pdf.Ln(2)
	pdf.SetFont("ipaexg", "", 9)
	const labelW, valueW, lineH = 60.0, 120.0, 6.0
	for _, it := range r.Items {
		value := it.Value
		if value == "" {
			value = "（未登録：記載が必要です）"
		}
		// Both columns take the taller of the two as their height.
		lines := max(len(pdf.SplitText(it.Label, labelW-2)), len(pdf.SplitText(value, valueW-2)), 1)
		h := float64(lines) * lineH
		if pdf.GetY()+h > 282 {
			pdf.AddPage()
		}
		x, y := pdf.GetX(), pdf.GetY()
		pdf.Rect(x, y, labelW, h, "D")
		pdf.Rect(x+labelW, y, valueW, h, "D")
		pdf.MultiCell(labelW, lineH, it.Label, "", "L", false)
		pdf.SetXY(x+labelW, y)
		pdf.MultiCell(valueW, lineH, value, "", "L", false)
		pdf.SetXY(x, y+h)
	}
	if len(r.Gaps) > 0 {
		pdf.Ln(4)
		pdf.SetFont("ipaexg", "", 10)
		pdf.MultiCell(0, lineH, fmt.Sprintf("未記載の法定記載事項（%d件）:", len(r.Gaps)), "", "L", false)
		for _, g := range r.Gaps {
			pdf.MultiCell(0, lineH, "・"+g.String(), "", "L", false)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("render %s: %w", r.Title, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

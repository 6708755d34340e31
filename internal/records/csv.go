package records

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// Encoding of a CSV export: UTF-8 with a BOM (Excel opens it as UTF-8) or Shift_JIS for older tools.
type Encoding string

const (
	UTF8BOM  Encoding = "UTF8_BOM"
	ShiftJIS Encoding = "SHIFT_JIS"
)

// ErrUnencodable is a value Shift_JIS cannot hold (the export is refused, not silently mangled).
var ErrUnencodable = errors.New("a value cannot be written in Shift_JIS; export as UTF-8")

// CSVWriter streams rows to w in an encoding and counts them.
type CSVWriter struct {
	csv  *csv.Writer
	sjis *transform.Writer
	rows int
}

// NewCSVWriter writes the header at once; rows follow with Write.
func NewCSVWriter(w io.Writer, enc Encoding, header []string) (*CSVWriter, error) {
	cw := &CSVWriter{}
	switch enc {
	case UTF8BOM, "":
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	case ShiftJIS:
		cw.sjis = transform.NewWriter(w, japanese.ShiftJIS.NewEncoder())
		w = cw.sjis
	default:
		return nil, fmt.Errorf("unknown encoding %q", enc)
	}
	cw.csv = csv.NewWriter(w)
	cw.csv.UseCRLF = true // what Excel and the labour bureau's tools expect
	if err := cw.csv.Write(header); err != nil {
		return nil, cw.wrap(err)
	}
	return cw, nil
}

// cp932 maps the JIS characters Unicode spells differently from Windows (〜 WAVE DASH and friends)
// to the code points x/text's Shift_JIS (the Windows-31J repertoire) encodes.
var cp932 = strings.NewReplacer("\u301c", "\uff5e", "\u2016", "\u2225", "\u2212", "\uff0d",
	"\u00a2", "\uffe0", "\u00a3", "\uffe1", "\u00ac", "\uffe2", "\u2014", "\u2015")

// Write adds one row.
func (c *CSVWriter) Write(row []string) error {
	if c.sjis != nil {
		mapped := make([]string, len(row))
		for i, v := range row {
			mapped[i] = cp932.Replace(v)
		}
		row = mapped
	}
	if err := c.csv.Write(row); err != nil {
		return c.wrap(err)
	}
	c.rows++
	return nil
}

// Close flushes and returns the number of data rows written.
func (c *CSVWriter) Close() (int, error) {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return c.rows, c.wrap(err)
	}
	if c.sjis != nil {
		if err := c.sjis.Close(); err != nil {
			return c.rows, c.wrap(err)
		}
	}
	return c.rows, nil
}

// wrap names the Shift_JIS refusal: x/text reports a rune outside the repertoire with an error that
// has a Replacement method (internal.RepertoireError, not exported).
func (c *CSVWriter) wrap(err error) error {
	var rep interface{ Replacement() byte }
	if c.sjis != nil && errors.As(err, &rep) {
		return fmt.Errorf("%w: %w", ErrUnencodable, err)
	}
	return err
}

// ledgerLabels are the 37条 items of a ledger entry in order (one layout for every row; a
// TEMP_TO_PERM entry's extra item is carried by the PDF and the API, not the CSV).
var ledgerLabels = func() []string {
	l := LedgerEntry(Assignment{}, nil, nil, nil)
	out := make([]string, len(l.Items))
	for i, it := range l.Items {
		out[i] = it.Label
	}
	return out
}()

// LedgerCSVHeader is the ledger export's header: the assignment id, the 37条 items, the retention date.
func LedgerCSVHeader() []string {
	return append(append([]string{"派遣ID"}, ledgerLabels...), "保存期限")
}

// LedgerCSVRow is one ledger entry as a row of LedgerCSVHeader.
func LedgerCSVRow(id int, l Ledger) []string {
	row := make([]string, 0, len(ledgerLabels)+2)
	row = append(row, strconv.Itoa(id))
	for _, label := range ledgerLabels {
		row = append(row, l.Value(label))
	}
	return append(row, date(l.RetainUntil))
}

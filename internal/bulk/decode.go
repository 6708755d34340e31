package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/example/staffcrm/internal/bulk/report"
	"github.com/example/staffcrm/internal/invalid"
)

// Encoding names how an import reads a file that is neither marked with a UTF-8 BOM nor valid
// UTF-8 (a BOM or valid UTF-8 always reads as UTF-8), and how an export writes one. Its values are
// the GraphQL enum CsvEncoding's.
type Encoding string

const (
	// EncodingDefault reads such a file as Shift_JIS and writes UTF-8 with a BOM.
	EncodingDefault Encoding = ""
	// EncodingUTF8 refuses a file that is not valid UTF-8; an export writes UTF-8 with a BOM.
	EncodingUTF8 Encoding = "UTF8"
	// EncodingShiftJIS is Shift_JIS as Excel writes it in Japan (Windows-31J / CP932: x/text's
	// japanese.ShiftJIS). An export replaces characters it lacks with "?".
	EncodingShiftJIS Encoding = "SHIFT_JIS"
)

// ParseEncoding reads an encoding's name as a URL or a command line gives it: utf8, utf-8,
// shift_jis, sjis, cp932 (any case); "" is the default.
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return EncodingDefault, nil
	case "utf8", "utf-8":
		return EncodingUTF8, nil
	case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j":
		return EncodingShiftJIS, nil
	}
	return "", invalid.Field("encoding", "utf-8 or shift_jis")
}

// MarshalGQL writes the GraphQL enum value.
func (e Encoding) MarshalGQL(w io.Writer) { fmt.Fprintf(w, "%q", string(e)) }

// UnmarshalGQL reads the GraphQL enum value.
func (e *Encoding) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok || (Encoding(s) != EncodingUTF8 && Encoding(s) != EncodingShiftJIS) {
		return fmt.Errorf("%v is not a valid CsvEncoding", v)
	}
	*e = Encoding(s)
	return nil
}

// What Decode reports as a file's encoding (ImportJob.encoding).
const (
	readUTF8    = "UTF-8"
	readUTF8BOM = "UTF-8 (BOM)"
	readSJIS    = "Shift_JIS"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// DecodeError is a file that does not read as text, with the line where it stops reading.
type DecodeError struct {
	Line   int
	Reason string
}

func (e *DecodeError) Error() string { return e.Reason }

func decodeErr(line int, format string, args ...any) error {
	return &DecodeError{Line: line, Reason: fmt.Sprintf(format, args...)}
}

// Decode turns a file into text: a UTF-8 BOM means UTF-8 (the BOM dropped); valid UTF-8 is UTF-8;
// anything else is read as enc says (Shift_JIS unless EncodingUTF8, which refuses it). It returns
// the text and the encoding it was read in; an error is a report line for the file as a whole.
func Decode(data []byte, enc Encoding) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, bom):
		data = data[len(bom):]
		if !utf8.Valid(data) {
			l := badUTF8Line(data)
			return "", "", decodeErr(l, "the file starts with a UTF-8 byte order mark but is not valid UTF-8 (line %d)", l)
		}
		return checkText(string(data), readUTF8BOM)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "", "", decodeErr(1, "the file is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" or \"CSV\" (Shift_JIS)")
	case utf8.Valid(data):
		return checkText(string(data), readUTF8)
	case enc == EncodingUTF8:
		l := badUTF8Line(data)
		return "", "", decodeErr(l, "the file is not valid UTF-8 (line %d): upload it as Shift_JIS or save it as \"CSV UTF-8\"", l)
	}
	out, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		line := 1
		if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 {
			line += bytes.Count(out[:i], []byte{'\n'})
		}
		return "", "", decodeErr(line, "the file is neither UTF-8 nor Shift_JIS (line %d)", line)
	}
	return checkText(string(out), readSJIS)
}

func checkText(s, enc string) (string, string, error) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		l := 1 + strings.Count(s[:i], "\n")
		return "", "", decodeErr(l, "the file contains a NUL character (line %d): it is not a CSV text file", l)
	}
	return s, enc, nil
}

func badUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[n:]
	}
	return line
}

// record is one data row of a file: its cells (trimmed) and the line it starts on.
type record struct {
	line  int
	cells []string
}

// table is a parsed file: the header's column names (lower-cased, trimmed) and the data rows. Rows
// that could not be read as CSV are in bad (one report line each); the others in rows.
type table struct {
	header []string
	rows   []record
	bad    []report.Line
}

// readCSV splits text into a header and rows. A row whose number of cells differs from the header's
// is refused, as is one CSV cannot read (a stray quote); an empty file or one with only a header
// refuses the file (err, a report line of its own).
func readCSV(text string, maxRows int) (*table, *report.Line) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	t := &table{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if t.header == nil {
				return nil, &report.Line{Line: pe.StartLine, Reason: "the header row is not valid CSV: " + pe.Err.Error()}
			}
			t.bad = append(t.bad, report.Line{Line: pe.StartLine, Reason: "not valid CSV: " + pe.Err.Error()})
			continue
		}
		if err != nil {
			return nil, &report.Line{Line: line, Reason: "the file could not be read: " + err.Error()}
		}
		if t.header == nil {
			for _, c := range rec {
				t.header = append(t.header, strings.ToLower(strings.TrimSpace(c)))
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a line of blanks
		}
		if len(rec) != len(t.header) {
			t.bad = append(t.bad, report.Line{Line: line,
				Reason: fmt.Sprintf("has %d cells, the header %d", len(rec), len(t.header))})
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		t.rows = append(t.rows, record{line: line, cells: rec})
		if len(t.rows)+len(t.bad) > maxRows {
			return nil, &report.Line{Line: line, Reason: fmt.Sprintf("more than %d rows: split the file", maxRows)}
		}
	}
	if t.header == nil {
		return nil, &report.Line{Line: 1, Reason: "the file is empty: it needs a header row naming the columns"}
	}
	if len(t.rows)+len(t.bad) == 0 {
		return nil, &report.Line{Line: 2, Reason: "the file has a header but no rows"}
	}
	return t, nil
}

// sjisFold is what a text becomes written to Shift_JIS by an export and read back: CP932 reads some
// characters back as their full-width look-alikes (〜 as ～, − as －) and the export writes "?" for
// those it lacks. A Shift_JIS file's cell equal to the folded stored value is the stored value as
// that export wrote it, not a change: importing such a file back does not rewrite those fields.
func sjisFold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	enc, _, err := transform.String(questionMarks{japanese.ShiftJIS.NewEncoder()}, s)
	if err != nil {
		return s
	}
	dec, _, err := transform.String(japanese.ShiftJIS.NewDecoder(), enc)
	if err != nil {
		return s
	}
	return dec
}

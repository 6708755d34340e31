package records

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// TestTermsSheetPDF: the rendered PDF really holds the Japanese text (the worker's name and the
// conflict date), read back with pdftotext (poppler-utils; .ci/run installs it), and lists its gaps.
func TestTermsSheetPDF(t *testing.T) {
	a := fixture()
	a.Supervisor = Contact{} // one gap, printed at the end
	var buf bytes.Buffer
	if err := WritePDF(&buf, TermsSheet(a), "staffcrm"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:16])
	}
	if buf.Len() > 400<<10 {
		t.Errorf("PDF is %d KiB: the font should be subset", buf.Len()>>10)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("STAFFCRM_REQUIRE_TOOLS") != "" {
			t.Fatal("pdftotext not installed and STAFFCRM_REQUIRE_TOOLS is set")
		}
		t.Skip("SKIPPING TOOL TEST: the PDF text check needs pdftotext (Debian poppler-utils), which is not installed; .ci/run installs it")
	}
	path := filepath.Join(t.TempDir(), "terms.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"就業条件明示書", "山田花子", "2028年4月1日", "事業所単位の抵触日", "未記載の法定記載事項", "指揮命令者（法34条1項3号）"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, out)
		}
	}
}

func TestLedgerCSV(t *testing.T) {
	l := LedgerEntry(fixture(), nil, nil, nil)
	for _, tc := range []struct {
		enc     Encoding
		decoded func([]byte) string
	}{
		{UTF8BOM, func(b []byte) string {
			if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
				t.Error("no BOM")
			}
			return string(b[3:])
		}},
		{ShiftJIS, func(b []byte) string {
			out, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}},
	} {
		var buf bytes.Buffer
		w, err := NewCSVWriter(&buf, tc.enc, LedgerCSVHeader())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if err := w.Write(LedgerCSVRow(7+i, l)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := w.Close()
		if err != nil || n != 3 {
			t.Fatalf("%s: %d rows, %v", tc.enc, n, err)
		}
		text := tc.decoded(buf.Bytes())
		lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "派遣ID,派遣労働者氏名,") || !strings.Contains(lines[1], "山田 花子") ||
			!strings.HasSuffix(lines[1], "2029年9月30日") {
			t.Errorf("%s:\n%s", tc.enc, text)
		}
	}
	// A character outside Shift_JIS is refused, not replaced.
	a := fixture()
	a.Worker.Name = "𠮷田 花子" // 𠮷 (U+20BB7) is not in Shift_JIS
	var buf bytes.Buffer
	w, _ := NewCSVWriter(&buf, ShiftJIS, LedgerCSVHeader())
	err := w.Write(LedgerCSVRow(1, LedgerEntry(a, nil, nil, nil)))
	if err == nil {
		_, err = w.Close()
	}
	if !errors.Is(err, ErrUnencodable) {
		t.Errorf("unencodable name: %v", err)
	}
}

package clients

import (
	"errors"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/invalid"
)

func ptr[T any](v T) *T { return &v }

func field(err error) string {
	var ie *invalid.Error
	if errors.As(err, &ie) {
		return ie.Field
	}
	return ""
}

func TestLegalEntityNumber(t *testing.T) {
	for _, tc := range []struct {
		n  string
		ok bool
	}{
		{"7000012050002", true},  // 国税庁
		{"1180301018771", true},  // a published number (check digit 1)
		{"2000012050002", false}, // wrong check digit
		{"1234567890123", false}, // check digit should be 9
		{"9234567890123", true},
		{"700001205000", false},   // 12 digits
		{"70000120500021", false}, // 14 digits
		{"7000-12050002", false},
		{"７０００１２０５０００２", false}, // full-width digits
		{"", false},
	} {
		err := CheckLegalEntityNumber("legalEntityNumber", tc.n)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v, want ok=%v", tc.n, err, tc.ok)
		}
		if err != nil && field(err) != "legalEntityNumber" {
			t.Errorf("%q: error %v does not name the field", tc.n, err)
		}
	}
}

func TestInputRules(t *testing.T) {
	long := func(n int) string {
		b := make([]rune, n)
		for i := range b {
			b[i] = 'あ'
		}
		return string(b)
	}
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, tc := range []struct {
		name, field string
		err         error
	}{
		{"client name empty", "name", func() error { _, err := CheckNewClient(NewClient{Name: "  ", Industry: "製造業"}); return err }()},
		{"client name too long", "name", func() error { _, err := CheckNewClient(NewClient{Name: long(201), Industry: "製造業"}); return err }()},
		{"client industry empty", "industry", func() error { _, err := CheckNewClient(NewClient{Name: "A社", Industry: ""}); return err }()},
		{"client bad number", "legalEntityNumber", func() error {
			_, err := CheckNewClient(NewClient{Name: "A社", Industry: "製造業", LegalEntityNumber: ptr("1234567890123")})
			return err
		}()},
		{"edit name blank", "name", func() error { _, err := CheckClientChanges(ClientChanges{Name: ptr("")}); return err }()},
		{"edit number and clear", "legalEntityNumber", func() error {
			_, err := CheckClientChanges(ClientChanges{LegalEntityNumber: ptr("7000012050002"), ClearLegalEntityNumber: true})
			return err
		}()},
		{"site prefecture", "prefecture", func() error {
			_, err := CheckNewSite(NewSite{Name: "本社", Address: "港区1-1", Prefecture: "Tokyo"})
			return err
		}()},
		{"site address empty", "address", func() error {
			_, err := CheckNewSite(NewSite{Name: "本社", Address: " ", Prefecture: "東京都"})
			return err
		}()},
		{"site address too long", "address", func() error {
			_, err := CheckSiteChanges(SiteChanges{Address: ptr(long(301))})
			return err
		}()},
		{"site edit prefecture", "prefecture", func() error { _, err := CheckSiteChanges(SiteChanges{Prefecture: ptr("東京")}); return err }()},
		{"notice in the future", "notifiedOn", CheckNotice(Notice{ConflictDate: d("2029-04-01"), NotifiedOn: d("2026-12-04")}, today)},
		{"conflict date not after notice", "conflictDate", CheckNotice(Notice{ConflictDate: d("2026-01-05"), NotifiedOn: d("2026-01-05")}, today)},
		{"conflict date far ahead", "conflictDate", CheckNotice(Notice{ConflictDate: d("2035-01-05"), NotifiedOn: d("2026-01-05")}, today)},
		{"org unit name", "name", func() error { _, err := CheckOrgUnitName(""); return err }()},
	} {
		if got := field(tc.err); got != tc.field {
			t.Errorf("%s: err = %v, want an invalid %s", tc.name, tc.err, tc.field)
		}
	}
	if _, err := CheckNewClient(NewClient{Name: " A社 ", Industry: "製造業", LegalEntityNumber: ptr("7000012050002")}); err != nil {
		t.Errorf("valid client refused: %v", err)
	}
	if err := CheckNotice(Notice{ConflictDate: d("2029-04-01"), NotifiedOn: d("2026-12-03")}, today); err != nil {
		t.Errorf("notice given today refused: %v", err)
	}
}

// Package clients owns the client master (§3, §10): clients (派遣先) with their 法人番号, sites
// with their address, prefecture and 抵触日 notices (every notice kept), and org units. Who may
// write which row is the ent privacy policy (admins all; sales reps the clients they serve); Service
// checks the parent row under the viewer's privacy before adding a child. The input rules here are
// plain Go over plain values.
package clients

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/region"
)

// Limits (characters).
const (
	MaxNameRunes     = 200
	MaxIndustryRunes = 100
	MaxAddressRunes  = 300
)

// LegalEntityCheckDigit returns the check digit of a 法人番号's 12-digit base (国税庁 法人番号の
// 指定等に関する省令 第2条): 9 − (Σ Pn × Qn mod 9), Pn the n-th digit from the right, Qn 1 for odd n
// and 2 for even n.
func LegalEntityCheckDigit(base string) int {
	sum := 0
	for n := 1; n <= 12; n++ {
		d := int(base[12-n] - '0')
		if n%2 == 0 {
			d *= 2
		}
		sum += d
	}
	return 9 - sum%9
}

// CheckLegalEntityNumber validates a 13-digit 法人番号: ASCII digits, first digit the check digit.
func CheckLegalEntityNumber(field, s string) error {
	if len(s) != 13 || strings.Trim(s, "0123456789") != "" {
		return invalid.Field(field, "a 法人番号 is 13 digits (0–9), got %q", s)
	}
	if want := LegalEntityCheckDigit(s[1:]); int(s[0]-'0') != want {
		return invalid.Field(field, "%s is not a valid 法人番号: its check digit (the first digit) should be %d", s, want)
	}
	return nil
}

func text(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > max {
		return "", invalid.Field(field, "1 to %d characters", max)
	}
	return s, nil
}

func optText(field string, s *string, max int) (*string, error) {
	if s == nil {
		return nil, nil
	}
	t, err := text(field, *s, max)
	return &t, err
}

// NewClient is a client to create.
type NewClient struct {
	Name              string
	Industry          string
	LegalEntityNumber *string
	ServiceRepID      *int
}

// CheckNewClient validates and trims a new client.
func CheckNewClient(c NewClient) (NewClient, error) {
	var err error
	if c.Name, err = text("name", c.Name, MaxNameRunes); err != nil {
		return NewClient{}, err
	}
	if c.Industry, err = text("industry", c.Industry, MaxIndustryRunes); err != nil {
		return NewClient{}, err
	}
	if c.LegalEntityNumber != nil {
		if err := CheckLegalEntityNumber("legalEntityNumber", *c.LegalEntityNumber); err != nil {
			return NewClient{}, err
		}
	}
	return c, nil
}

// ClientChanges are edits of a client; nil fields stay.
type ClientChanges struct {
	Name                   *string
	Industry               *string
	LegalEntityNumber      *string
	ClearLegalEntityNumber bool
	ServiceRepID           *int
}

// CheckClientChanges validates and trims client edits.
func CheckClientChanges(c ClientChanges) (ClientChanges, error) {
	var err error
	if c.Name, err = optText("name", c.Name, MaxNameRunes); err != nil {
		return ClientChanges{}, err
	}
	if c.Industry, err = optText("industry", c.Industry, MaxIndustryRunes); err != nil {
		return ClientChanges{}, err
	}
	if c.LegalEntityNumber != nil {
		if c.ClearLegalEntityNumber {
			return ClientChanges{}, invalid.Field("legalEntityNumber", "give a number or clearLegalEntityNumber, not both")
		}
		if err := CheckLegalEntityNumber("legalEntityNumber", *c.LegalEntityNumber); err != nil {
			return ClientChanges{}, err
		}
	}
	return c, nil
}

// NewSite is a site to add to a client.
type NewSite struct {
	ClientID   int
	Name       string
	Address    string
	Prefecture string
}

// SiteChanges are edits of a site; nil fields stay.
type SiteChanges struct {
	Name       *string
	Address    *string
	Prefecture *string
}

func checkPrefecture(p string) error {
	if !region.IsPrefecture(p) {
		return invalid.Field("prefecture", "%q is not one of the 47 prefectures (e.g. 東京都)", p)
	}
	return nil
}

// CheckNewSite validates and trims a new site.
func CheckNewSite(s NewSite) (NewSite, error) {
	var err error
	if s.Name, err = text("name", s.Name, MaxNameRunes); err != nil {
		return NewSite{}, err
	}
	if s.Address, err = text("address", s.Address, MaxAddressRunes); err != nil {
		return NewSite{}, err
	}
	if err := checkPrefecture(s.Prefecture); err != nil {
		return NewSite{}, err
	}
	return s, nil
}

// CheckSiteChanges validates and trims site edits.
func CheckSiteChanges(s SiteChanges) (SiteChanges, error) {
	var err error
	if s.Name, err = optText("name", s.Name, MaxNameRunes); err != nil {
		return SiteChanges{}, err
	}
	if s.Address, err = optText("address", s.Address, MaxAddressRunes); err != nil {
		return SiteChanges{}, err
	}
	if s.Prefecture != nil {
		if err := checkPrefecture(*s.Prefecture); err != nil {
			return SiteChanges{}, err
		}
	}
	return s, nil
}

// Notice is a client's notice of a site's conflict date (抵触日), as calendar dates.
type Notice struct {
	SiteID       int
	ConflictDate time.Time
	NotifiedOn   time.Time
}

// CheckNotice: the notice was given by today (agency-local date) and before the conflict date.
func CheckNotice(n Notice, today time.Time) error {
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	if day(n.NotifiedOn) > day(today) {
		return invalid.Field("notifiedOn", "%s is in the future: record a notice once the client has given it", day(n.NotifiedOn))
	}
	if day(n.ConflictDate) <= day(n.NotifiedOn) {
		return invalid.Field("conflictDate", "%s must be after the notice date %s", day(n.ConflictDate), day(n.NotifiedOn))
	}
	if n.ConflictDate.Year() > n.NotifiedOn.Year()+4 {
		return invalid.Field("conflictDate", "%s is more than three years ahead of the notice (the site limit is 3 years)", day(n.ConflictDate))
	}
	return nil
}

// CheckOrgUnitName validates and trims an org unit's name.
func CheckOrgUnitName(name string) (string, error) { return text("name", name, MaxNameRunes) }

package signup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/region"
)

// Registration is what a registrant gives when she signs up in the app.
type Registration struct {
	AgencySlug string
	Email      string
	Password   string
	Name       string
	Kana       string
	Phone      string // optional
	Prefecture string
	// The consents she gave, each with the version of the text she was shown; both must be the
	// current version (an app showing an older text must show the new one first).
	PrivacyPolicyVersion       string
	SkillSheetProvisionVersion string
}

const (
	maxNameRunes = 100
	minPhoneDigs = 10
	maxPhoneDigs = 15
)

// CheckRegistration validates a sign-up against the current consent version and returns it
// normalised (e-mail lower-cased, text trimmed).
func CheckRegistration(in Registration, currentVersion string) (Registration, error) {
	in.AgencySlug = strings.TrimSpace(in.AgencySlug)
	if in.AgencySlug == "" {
		return in, invalid.Field("agencySlug", "required")
	}
	email, err := auth.NormalizeEmail(in.Email)
	if err != nil {
		return in, err
	}
	in.Email = email
	if err := auth.CheckNewPassword(in.Password); err != nil {
		return in, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > maxNameRunes {
		return in, invalid.Field("name", "1 to %d characters", maxNameRunes)
	}
	in.Kana = strings.TrimSpace(in.Kana)
	if in.Kana == "" || utf8.RuneCountInString(in.Kana) > maxNameRunes || !isKana(in.Kana) {
		return in, invalid.Field("kana", "1 to %d characters of hiragana or katakana", maxNameRunes)
	}
	in.Phone = strings.TrimSpace(in.Phone)
	if in.Phone != "" && !isPhone(in.Phone) {
		return in, invalid.Field("phone", "%d to %d digits (hyphens, spaces and a leading + allowed)", minPhoneDigs, maxPhoneDigs)
	}
	in.Prefecture = strings.TrimSpace(in.Prefecture)
	if !region.IsPrefecture(in.Prefecture) {
		return in, invalid.Field("prefecture", "not a Japanese prefecture (e.g. 東京都)")
	}
	if in.PrivacyPolicyVersion != currentVersion {
		return in, invalid.Field("privacyPolicyVersion", "consent to the current privacy policy (version %s) is required", currentVersion)
	}
	if in.SkillSheetProvisionVersion != currentVersion {
		return in, invalid.Field("skillSheetProvisionVersion", "consent to the current terms for providing your anonymous skill sheet to clients (version %s) is required", currentVersion)
	}
	return in, nil
}

// isKana: hiragana, katakana (with the long-vowel mark and middle dot) and spaces — the reading of
// a name as the agency sorts and searches it.
func isKana(s string) bool {
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Hiragana, unicode.Katakana), r == 'ー', r == '・', r == ' ', r == '\u3000':
		default:
			return false
		}
	}
	return true
}

func isPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ' || (r == '+' && i == 0):
		default:
			return false
		}
	}
	return digits >= minPhoneDigs && digits <= maxPhoneDigs
}

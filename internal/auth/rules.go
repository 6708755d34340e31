package auth

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/example/staffcrm/internal/invalid"
)

// Rules for the credentials people choose, shared by staff invitations, sign-up and password resets.
const (
	MinPasswordRunes = 12
	MaxPasswordBytes = 1024
	MaxEmailBytes    = 254
)

var emailRE = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

// CheckNewPassword validates a password someone chooses (field "password").
func CheckNewPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordRunes {
		return invalid.Field("password", "at least %d characters", MinPasswordRunes)
	}
	if len(p) > MaxPasswordBytes {
		return invalid.Field("password", "at most %d bytes", MaxPasswordBytes)
	}
	return nil
}

// NormalizeEmail lower-cases and trims an address (accounts compare e-mails case-insensitively)
// and validates it (field "email").
func NormalizeEmail(e string) (string, error) {
	e = strings.ToLower(strings.TrimSpace(e))
	if len(e) > MaxEmailBytes || !emailRE.MatchString(e) {
		return "", invalid.Field("email", "not an e-mail address")
	}
	return e, nil
}

package records

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/example/staffcrm/internal/invalid"
)

// Contact roles (DispatchContact.role) and where each one sits.
const (
	RoleAgencyResponsible = "AGENCY_RESPONSIBLE" // 派遣元責任者, one per agency
	RoleAgencyComplaint   = "AGENCY_COMPLAINT"   // 苦情の申出先（派遣元）, one per agency
	RoleClientResponsible = "CLIENT_RESPONSIBLE" // 派遣先責任者, per site
	RoleClientComplaint   = "CLIENT_COMPLAINT"   // 苦情の申出先（派遣先）, per site
	RoleSupervisor        = "SUPERVISOR"         // 指揮命令者, per org unit
)

// ScopeAgency is the scope key of the agency's own contacts ("site:N" and "unit:N" the others').
const ScopeAgency = "agency"

// ScopeOf is the scope key of a contact's place: the site, the org unit, or (neither) the agency.
func ScopeOf(siteID, orgUnitID *int) string {
	switch {
	case siteID != nil:
		return "site:" + strconv.Itoa(*siteID)
	case orgUnitID != nil:
		return "unit:" + strconv.Itoa(*orgUnitID)
	}
	return ScopeAgency
}

// ContactInput is a contact as entered.
type ContactInput struct {
	Role              string
	SiteID, OrgUnitID *int
	Name, Department  string
	Phone             string
}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9\-() ]{5,28}$`)

// CheckContact validates c and returns it trimmed with its scope key ("agency", "site:N" or
// "unit:N"): agency roles name no place, client roles a site, the supervisor an org unit.
func CheckContact(c ContactInput) (ContactInput, string, error) {
	c.Name, c.Department, c.Phone = strings.TrimSpace(c.Name), strings.TrimSpace(c.Department), strings.TrimSpace(c.Phone)
	var scope string
	switch c.Role {
	case RoleAgencyResponsible, RoleAgencyComplaint:
		if c.SiteID != nil || c.OrgUnitID != nil {
			return c, "", invalid.Field("siteId", "the agency's own contacts name no site or org unit")
		}
		scope = ScopeOf(nil, nil)
	case RoleClientResponsible, RoleClientComplaint:
		if c.SiteID == nil || c.OrgUnitID != nil {
			return c, "", invalid.Field("siteId", "%s names a client site (and no org unit)", c.Role)
		}
		scope = ScopeOf(c.SiteID, nil)
	case RoleSupervisor:
		if c.OrgUnitID == nil || c.SiteID != nil {
			return c, "", invalid.Field("orgUnitId", "SUPERVISOR names an org unit (and no site)")
		}
		scope = ScopeOf(nil, c.OrgUnitID)
	default:
		return c, "", invalid.Field("role", "unknown role %q", c.Role)
	}
	switch {
	case c.Name == "" || utf8.RuneCountInString(c.Name) > 100:
		return c, "", invalid.Field("name", "1 to 100 characters")
	case utf8.RuneCountInString(c.Department) > 100:
		return c, "", invalid.Field("department", "at most 100 characters")
	case !phoneRE.MatchString(c.Phone):
		return c, "", invalid.Field("phone", "a phone number (digits, -, +, parentheses), 6 to 30 characters")
	}
	return c, scope, nil
}

// Ledger log kinds (LedgerLog.kind).
const (
	LogComplaint        = "COMPLAINT"
	LogTraining         = "TRAINING"
	LogCareerConsulting = "CAREER_CONSULTING"
	LogStabilityMeasure = "STABILITY_MEASURE"
)

// MaxLogRunes bounds a log's content and handling.
const MaxLogRunes = 2000

// LogInput is a ledger log as entered.
type LogInput struct {
	Kind         string
	RegistrantID int
	AssignmentID *int
	OccurredOn   time.Time
	Content      string
	Handling     *string
}

// CheckLog validates a new log against today (the agency's local date): not in the future, content
// required, both texts bounded.
func CheckLog(l LogInput, today time.Time) (LogInput, error) {
	switch l.Kind {
	case LogComplaint, LogTraining, LogCareerConsulting, LogStabilityMeasure:
	default:
		return l, invalid.Field("kind", "unknown kind %q", l.Kind)
	}
	if day(l.OccurredOn).After(day(today)) {
		return l, invalid.Field("occurredOn", "%s is in the future", day(l.OccurredOn).Format(time.DateOnly))
	}
	content, handling, err := CheckLogTexts(&l.Content, l.Handling)
	if err != nil {
		return l, err
	}
	if content == nil || *content == "" {
		return l, invalid.Field("content", "required")
	}
	l.Content, l.Handling = *content, handling
	return l, nil
}

// CheckLogTexts trims and bounds a log's content and handling (nil: not given; content, when
// given, may not be empty).
func CheckLogTexts(content, handling *string) (*string, *string, error) {
	if content != nil {
		c := strings.TrimSpace(*content)
		if c == "" || utf8.RuneCountInString(c) > MaxLogRunes {
			return nil, nil, invalid.Field("content", "1 to %d characters", MaxLogRunes)
		}
		content = &c
	}
	if handling != nil {
		h := strings.TrimSpace(*handling)
		if utf8.RuneCountInString(h) > MaxLogRunes {
			return nil, nil, invalid.Field("handling", "at most %d characters", MaxLogRunes)
		}
		handling = &h
		if h == "" {
			handling = nil
		}
	}
	return content, handling, nil
}

// InsuranceInput is a registrant's insurance enrollment as recorded (nil: unchanged).
type InsuranceInput struct {
	RegistrantID                int
	Health, Pension, Employment *bool
	ReasonNotEnrolled           *string
}

// CheckInsuranceReason trims and bounds the reason given for not enrolling.
func CheckInsuranceReason(in InsuranceInput) (InsuranceInput, error) {
	if in.ReasonNotEnrolled != nil {
		r := strings.TrimSpace(*in.ReasonNotEnrolled)
		if utf8.RuneCountInString(r) > 500 {
			return in, invalid.Field("reasonNotEnrolled", "at most 500 characters")
		}
		in.ReasonNotEnrolled = &r
	}
	return in, nil
}

// CheckInsurance checks the enrollment as it stands after a change: any insurance not enrolled
// needs the reason the client notice states.
func CheckInsurance(enrolled [3]*bool, reason *string) error {
	for _, b := range enrolled {
		if b != nil && !*b && (reason == nil || *reason == "") {
			return invalid.Field("reasonNotEnrolled", "required while an insurance is not enrolled (the client notice states the reason)")
		}
	}
	return nil
}

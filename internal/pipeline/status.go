// Package pipeline holds the application pipeline rules (DESIGN.md §7).
package pipeline

// Registrant-facing simplified statuses (§7.1).
const (
	InReview    = "IN_REVIEW"
	Meeting     = "MEETING"
	Offered     = "OFFERED"
	Placed      = "PLACED"
	NotSelected = "NOT_SELECTED"
	Withdrawn   = "WITHDRAWN"
)

// RegistrantStatus maps an internal application status to what the registrant sees: internal
// screening steps and rejection reasons stay internal.
func RegistrantStatus(status string) string {
	switch status {
	case "CLIENT_MEETING":
		return Meeting
	case "OFFERED", "ACCEPTED":
		return Offered
	case "PLACED":
		return Placed
	case "SCREENING_REJECTED", "CLIENT_REJECTED":
		return NotSelected
	case "WITHDRAWN", "DECLINED":
		return Withdrawn
	default: // APPLIED, SCREENING, SCREENING_PASSED
		return InReview
	}
}

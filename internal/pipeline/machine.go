package pipeline

import (
	"errors"
	"fmt"
	"slices"
)

// Application statuses (§7.1).
const (
	Applied           = "APPLIED"
	Screening         = "SCREENING"
	ScreeningPassed   = "SCREENING_PASSED"
	ScreeningRejected = "SCREENING_REJECTED"
	ClientMeeting     = "CLIENT_MEETING"
	OfferedStatus     = "OFFERED"
	Accepted          = "ACCEPTED"
	PlacedStatus      = "PLACED"
	WithdrawnStatus   = "WITHDRAWN"
	Declined          = "DECLINED"
	ClientRejected    = "CLIENT_REJECTED"
)

// Statuses lists every application status.
var Statuses = []string{Applied, Screening, ScreeningPassed, ScreeningRejected, ClientMeeting, OfferedStatus,
	Accepted, PlacedStatus, WithdrawnStatus, Declined, ClientRejected}

// Actor is who asks for a transition.
type Actor string

const (
	ByStaff      Actor = "STAFF"
	ByRegistrant Actor = "REGISTRANT"
)

// ErrInvalidTransition is returned for a move outside the graph (INVALID_TRANSITION at the edge).
var ErrInvalidTransition = errors.New("invalid application transition")

// staffMoves is the staff side of the graph. A workplace visit (CLIENT_MEETING) may be skipped; the
// client interview it stands for on TEMP_TO_PERM postings is checked by compliance rule 5.
var staffMoves = map[string][]string{
	Applied:         {Screening},
	Screening:       {ScreeningPassed, ScreeningRejected},
	ScreeningPassed: {ClientMeeting, OfferedStatus},
	ClientMeeting:   {OfferedStatus, ClientRejected},
	OfferedStatus:   {Accepted},
	Accepted:        {PlacedStatus},
}

// CanTransition reports whether actor may move an application from one status to another.
// Registrants withdraw at any time before PLACED and accept or decline an offer (staff may record
// her acceptance too); everything else is staff's.
func CanTransition(from, to string, actor Actor) error {
	ok := false
	switch actor {
	case ByRegistrant:
		ok = (to == WithdrawnStatus && IsActive(from) && from != PlacedStatus) ||
			(from == OfferedStatus && (to == Declined || to == Accepted))
	case ByStaff:
		ok = slices.Contains(staffMoves[from], to)
	}
	if !ok {
		return fmt.Errorf("%w: %s → %s by %s", ErrInvalidTransition, from, to, actor)
	}
	return nil
}

// Next lists where actor may move an application from status.
func Next(from string, actor Actor) []string {
	var out []string
	for _, to := range Statuses {
		if CanTransition(from, to, actor) == nil {
			out = append(out, to)
		}
	}
	return out
}

// IsActive reports whether an application still occupies its registrant × posting pair.
func IsActive(s string) bool {
	switch s {
	case ScreeningRejected, WithdrawnStatus, Declined, ClientRejected:
		return false
	}
	return slices.Contains(Statuses, s)
}

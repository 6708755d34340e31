// Package webhooks tells an agency's other systems what happened: outbound webhooks (issue 18).
//
// A change that an endpoint subscribed to is written to an outbox (webhook_events, one
// webhook_deliveries row per endpoint) by ent hooks, in the transaction of the change itself, so a
// crash can neither lose an event nor report one that did not commit. A Worker in any number of
// server processes claims due deliveries, POSTs the payload signed the Standard Webhooks way
// (sign.go), and retries with exponential backoff and jitter for at least a day before giving up
// and disabling the endpoint. Payloads carry ids and statuses only, never personal data or
// confidential fields: a receiver reads more through the API, under its own credentials.
package webhooks

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Event types an endpoint can subscribe to.
const (
	InquiryAssigned          = "inquiry.assigned"
	InquiryHandedOff         = "inquiry.handed_off"
	InquiryResolved          = "inquiry.resolved"
	ApplicationStatusChanged = "application.status_changed"
	AssignmentCreated        = "assignment.created"
	AssignmentRenewed        = "assignment.renewed"
	AssignmentEnding         = "assignment.ending"
	AssignmentTerminated     = "assignment.terminated"
	PostingOpened            = "posting.opened"
	PostingClosed            = "posting.closed"
	ComplianceReminder       = "compliance.reminder"
)

// EventTypes lists every type, in documentation order.
var EventTypes = []string{
	InquiryAssigned, InquiryHandedOff, InquiryResolved, ApplicationStatusChanged,
	AssignmentCreated, AssignmentRenewed, AssignmentEnding, AssignmentTerminated,
	PostingOpened, PostingClosed, ComplianceReminder,
}

// KnownType reports whether t is one of EventTypes.
func KnownType(t string) bool { return slices.Contains(EventTypes, t) }

// Refs are the ids and statuses an event names. IDs are the API's ids (decimal strings), so a
// receiver can read the rows through GraphQL; empty ones are left out of the JSON.
type Refs struct {
	InquiryID     string `json:"inquiryId,omitempty"`
	ApplicationID string `json:"applicationId,omitempty"`
	AssignmentID  string `json:"assignmentId,omitempty"`
	RenewalOfID   string `json:"renewalOfId,omitempty"`
	PostingID     string `json:"postingId,omitempty"`
	RegistrantID  string `json:"registrantId,omitempty"`
	CoordinatorID string `json:"coordinatorId,omitempty"`
	SalesRepID    string `json:"salesRepId,omitempty"`
	SiteID        string `json:"siteId,omitempty"`
	OrgUnitID     string `json:"orgUnitId,omitempty"`
	Status        string `json:"status,omitempty"`
	// Rule and Due name a compliance reminder: what falls due and when (YYYY-MM-DD).
	Rule string `json:"rule,omitempty"`
	Due  string `json:"due,omitempty"`
}

// Event is one thing that happened, as the outbox stores it and the receiver gets it.
type Event struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	AgencyID  string    `json:"agencyId"`
	Data      Refs      `json:"data"`
	// DedupeKey makes a job's event happen once (see the outbox's dedupe_key); not sent.
	DedupeKey string `json:"-"`
	agency    int    // AgencyID as the outbox stores it
}

// NewEvent stamps an event with a fresh id (the receivers' dedupe key) and the time.
func NewEvent(typ string, agencyID int, at time.Time, data Refs) Event {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return Event{ID: "evt_" + hex.EncodeToString(b[:]), Type: typ, Timestamp: at.UTC().Truncate(time.Second),
		AgencyID: strconv.Itoa(agencyID), Data: data, agency: agencyID}
}

// Payload is the JSON body sent to receivers.
func (e Event) Payload() ([]byte, error) { return json.Marshal(e) }

// ID formats an id the way the API does.
func ID(id int) string { return strconv.Itoa(id) }

// OptID formats an optional id; nil is left out.
func OptID(id *int) string {
	if id == nil {
		return ""
	}
	return ID(*id)
}

// InquiryState is what the inquiry events are derived from: the row after the write, and whether
// the write created it or set its status.
type InquiryState struct {
	Created, StatusSet bool
	Status             string
	Kind, Origin       string
	IdempotencyKey     string
}

// nextJobKeyPrefix is internal/pipeline.NextJobKey's: the SYSTEM NEXT_JOB inquiry of an assignment
// that ends soon or was terminated (a test holds the two together).
const nextJobKeyPrefix = "next-job:"

// InquiryEvents: assigned and handed off when routing gives the inquiry to someone, resolved when it
// is resolved; the SYSTEM next-job inquiry of an assignment opening is that assignment ending.
func InquiryEvents(s InquiryState) (types []string, assignmentID string) {
	if s.StatusSet {
		switch s.Status {
		case "ASSIGNED":
			types = append(types, InquiryAssigned)
		case "HANDED_OFF":
			types = append(types, InquiryHandedOff)
		case "RESOLVED":
			types = append(types, InquiryResolved)
		}
	}
	if s.Created && s.Kind == "NEXT_JOB" && s.Origin == "SYSTEM" {
		if id, ok := strings.CutPrefix(s.IdempotencyKey, nextJobKeyPrefix); ok {
			if _, err := strconv.Atoi(id); err == nil {
				types = append(types, AssignmentEnding)
				assignmentID = id
			}
		}
	}
	return types, assignmentID
}

// ApplicationEvents: every status change (a created application is APPLIED: that is a change too).
func ApplicationEvents(created, statusSet bool) []string {
	if created || statusSet {
		return []string{ApplicationStatusChanged}
	}
	return nil
}

// AssignmentEvents: created or renewed on creation, terminated when the status becomes TERMINATED.
func AssignmentEvents(created, renewal, statusSet bool, status string) []string {
	switch {
	case created && renewal:
		return []string{AssignmentRenewed}
	case created:
		return []string{AssignmentCreated}
	case statusSet && status == "TERMINATED":
		return []string{AssignmentTerminated}
	}
	return nil
}

// PostingEvents: opened when a posting becomes OPEN, closed when an open posting stops taking
// applicants (PAUSED, FILLED or CLOSED: the status says which). old is "" for a new posting.
// Writing the status it already has reports nothing.
func PostingEvents(old, status string) []string {
	switch {
	case old == status:
		return nil
	case status == "OPEN":
		return []string{PostingOpened}
	case old == "OPEN":
		return []string{PostingClosed}
	}
	return nil
}

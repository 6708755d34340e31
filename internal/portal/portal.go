// Package portal holds the registrant-facing GraphQL types. They are built by copying only public
// fields out of ent entities, so a confidential value is never even in memory behind these types.
package portal

import (
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/consent"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/pipeline"
)

// PublicPosting is a posting without its confidential fields.
type PublicPosting struct {
	ID                      int
	CreatedAt               time.Time
	Type                    posting.Type
	Title                   string
	Description             string
	JobCategory             string
	RequiredSkills          []string
	HourlyWage              int
	Prefecture              string
	City                    string
	NearestStation          string
	WalkMinutes             int
	BusRequired             bool
	WorkingHours            string
	AvgMonthlyOvertimeHours int
	StartDate               *time.Time
	ExpectedDurationMonths  *int
	Headcount               int
	ClientName              *string
	SiteAddress             *string
	Introduced              bool
}

func (PublicPosting) IsNode() {}

// Workplace is a posting's client name and site address, for when a registrant may know them.
type Workplace struct{ ClientName, SiteAddress string }

// NewPublicPosting copies the public fields of p. wp is nil unless the registrant may see where it is.
func NewPublicPosting(p *ent.Posting, wp *Workplace) *PublicPosting {
	out := &PublicPosting{
		ID: p.ID, CreatedAt: p.CreatedAt, Type: p.Type, Title: p.Title, Description: p.Description,
		JobCategory: p.JobCategory, RequiredSkills: p.RequiredSkills, HourlyWage: p.HourlyWage,
		Prefecture: p.Prefecture, City: p.City, NearestStation: p.NearestStation, WalkMinutes: p.WalkMinutes,
		BusRequired: p.BusRequired, WorkingHours: p.WorkingHours, AvgMonthlyOvertimeHours: p.AvgMonthlyOvertimeHours,
		StartDate: p.StartDate, ExpectedDurationMonths: p.ExpectedDurationMonths, Headcount: p.Headcount,
		Introduced: p.Visibility == posting.VisibilityNON_PUBLIC,
	}
	if wp != nil {
		out.ClientName, out.SiteAddress = &wp.ClientName, &wp.SiteAddress
	}
	return out
}

// MyApplication is an application with its simplified status.
type MyApplication struct {
	ID        int
	CreatedAt time.Time
	UpdatedAt time.Time
	Status    string
	PostingID int
	Meeting   *MyMeeting
	// Accepted: she accepted the offer (the simplified status stays OFFERED until she is placed).
	Accepted bool
}

func (MyApplication) IsNode() {}

// MyMeeting is the client meeting or workplace visit staff scheduled for her application.
type MyMeeting struct {
	At        time.Time
	Place     string
	Attendees []string
	Note      *string
}

// NewMyApplication maps an application; its posting is resolved separately.
func NewMyApplication(a *ent.Application) *MyApplication {
	out := &MyApplication{ID: a.ID, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		Status: pipeline.RegistrantStatus(a.Status.String()), PostingID: a.PostingID,
		Accepted: a.Status.String() == pipeline.Accepted}
	if a.MeetingAt != nil {
		out.Meeting = &MyMeeting{At: *a.MeetingAt, Place: deref(a.MeetingPlace), Attendees: a.MeetingAttendees, Note: a.MeetingNote}
		if out.Meeting.Attendees == nil {
			out.Meeting.Attendees = []string{}
		}
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// MyInquiry is an inquiry without routing internals.
type MyInquiry struct {
	ID           int
	CreatedAt    time.Time
	Kind         inquiry.Kind
	Channel      inquiry.Channel
	Status       inquiry.Status
	Message      string
	PostingID    *int
	AssigneeName *string
}

func (MyInquiry) IsNode() {}

// NewMyInquiry maps an inquiry; assigneeName is the handler's display name, if any.
func NewMyInquiry(q *ent.Inquiry, assigneeName *string) *MyInquiry {
	return &MyInquiry{ID: q.ID, CreatedAt: q.CreatedAt, Kind: q.Kind, Channel: q.Channel, Status: q.Status,
		Message: q.Message, PostingID: q.PostingID, AssigneeName: assigneeName}
}

// MyAssignment is a placement without its bill rate.
type MyAssignment struct {
	ID          int
	StartDate   time.Time
	EndDate     time.Time
	HourlyWage  int
	Status      assignment.Status
	PostingID   int
	ClientName  string
	SiteAddress string
}

func (MyAssignment) IsNode() {}

// NewMyAssignment maps an assignment at the given workplace.
func NewMyAssignment(a *ent.Assignment, wp Workplace) *MyAssignment {
	return &MyAssignment{ID: a.ID, StartDate: a.StartDate, EndDate: a.EndDate, HourlyWage: a.HourlyWage,
		Status: a.Status, PostingID: a.PostingID, ClientName: wp.ClientName, SiteAddress: wp.SiteAddress}
}

// MySkill and MyWorkHistory are a registrant's own skill and work history.
type MySkill struct {
	Name  string
	Level int
	Years float64
}

type MyWorkHistory struct {
	ID          int
	Company     string
	Industry    string
	JobCategory string
	Tasks       string
	TaskTags    []string
	StartDate   time.Time
	EndDate     *time.Time
	Kind        workhistory.Kind
}

func (MyWorkHistory) IsNode() {}

// NewMyWorkHistory maps one entry of her work history.
func NewMyWorkHistory(w *ent.WorkHistory) *MyWorkHistory {
	return &MyWorkHistory{ID: w.ID, Company: w.Company, Industry: w.Industry, JobCategory: w.JobCategory,
		Tasks: w.Tasks, TaskTags: w.TaskTags, StartDate: w.StartDate, EndDate: w.EndDate, Kind: w.Kind}
}

// MyProfile is the registrant's own profile.
type MyProfile struct {
	ID                    int
	Name                  string
	Kana                  string
	Phone                 *string
	Email                 *string
	PreferredContactHours string
	Prefecture            string
	City                  string
	NearestStation        string
	MaxCommuteMinutes     int
	AcceptsBus            bool
	DesiredHourlyWage     *int
	DesiredJobCategories  []string
	AvailableFrom         *time.Time
	Employment            registrant.Employment
	RegisteredAt          time.Time
	BirthDate             *time.Time
	Education             *string
	Skills                []*MySkill
	WorkHistories         []*MyWorkHistory
	Consents              []*MyConsent
}

// MyConsent is a consent she gave, with the version of the text and when.
type MyConsent struct {
	Kind      consent.Kind
	Version   string
	GrantedAt time.Time
}

func (MyProfile) IsNode() {}

// NewMyProfile maps a registrant loaded with skills and work histories.
func NewMyProfile(r *ent.Registrant) *MyProfile {
	p := &MyProfile{ID: r.ID, Name: r.Name, Kana: r.Kana, Phone: r.Phone, Email: r.Email,
		PreferredContactHours: r.PreferredContactHours, Prefecture: r.Prefecture, City: r.City,
		NearestStation: r.NearestStation, MaxCommuteMinutes: r.MaxCommuteMinutes, AcceptsBus: r.AcceptsBus,
		DesiredHourlyWage: r.DesiredHourlyWage, DesiredJobCategories: r.DesiredJobCategories,
		AvailableFrom: r.AvailableFrom, Employment: r.Employment, RegisteredAt: r.RegisteredAt,
		BirthDate: r.BirthDate, Education: r.Education}
	for _, c := range r.Edges.Consents {
		p.Consents = append(p.Consents, &MyConsent{Kind: c.Kind, Version: c.Version, GrantedAt: c.GrantedAt})
	}
	for _, s := range r.Edges.Skills {
		p.Skills = append(p.Skills, &MySkill{Name: s.Name, Level: s.Level, Years: s.Years})
	}
	for _, w := range r.Edges.WorkHistories {
		p.WorkHistories = append(p.WorkHistories, NewMyWorkHistory(w))
	}
	return p
}

// MyContactLog is a contact without the staff's internal note.
type MyContactLog struct {
	ID            int
	Channel       contactlog.Channel
	Direction     contactlog.Direction
	Outcome       contactlog.Outcome
	OccurredAt    time.Time
	CallbackDueAt *time.Time
}

func (MyContactLog) IsNode() {}

// NewMyContactLog maps a contact log, leaving out the staff note and who handled it.
func NewMyContactLog(c *ent.ContactLog) *MyContactLog {
	return &MyContactLog{ID: c.ID, Channel: c.Channel, Direction: c.Direction, Outcome: c.Outcome,
		OccurredAt: c.OccurredAt, CallbackDueAt: c.CallbackDueAt}
}

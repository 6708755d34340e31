package registrants

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/audit"
)

// Export is the copy of a registrant's data she may ask for (保有個人データの開示, 個人情報保護法
// 33条), as one JSON document an app can save. Staff's internal notes about her are left out (the
// exception of 33条2項: they would hinder the agency's business), and so are other people's data
// (clients' confidential posting details, staff beyond a display name).
type Export struct {
	GeneratedAt   time.Time       `json:"generatedAt"`
	Agency        string          `json:"agency"`
	Account       exportAccount   `json:"account"`
	Profile       exportProfile   `json:"profile"`
	Skills        []exportSkill   `json:"skills"`
	WorkHistories []exportHistory `json:"workHistories"`
	Consents      []exportConsent `json:"consents"`
	Applications  []exportApp     `json:"applications"`
	Inquiries     []exportInquiry `json:"inquiries"`
	Assignments   []exportAssign  `json:"assignments"`
	Contacts      []exportContact `json:"contacts"`
	Excluded      []string        `json:"excluded"`
}

type exportAccount struct {
	Email       string     `json:"email"`
	CreatedAt   time.Time  `json:"createdAt"`
	LastLoginAt *time.Time `json:"lastLoginAt"`
}

type exportProfile struct {
	Name                  string     `json:"name"`
	Kana                  string     `json:"kana"`
	Phone                 *string    `json:"phone"`
	Email                 *string    `json:"email"`
	PreferredContactHours string     `json:"preferredContactHours"`
	Prefecture            string     `json:"prefecture"`
	City                  string     `json:"city"`
	NearestStation        string     `json:"nearestStation"`
	MaxCommuteMinutes     int        `json:"maxCommuteMinutes"`
	DesiredHourlyWage     *int       `json:"desiredHourlyWage"`
	DesiredJobCategories  []string   `json:"desiredJobCategories"`
	AvailableFrom         *time.Time `json:"availableFrom"`
	Employment            string     `json:"employment"`
	BirthDate             *time.Time `json:"birthDate"`
	Education             *string    `json:"education"`
	Gender                *string    `json:"gender"`
	RegisteredAt          time.Time  `json:"registeredAt"`
}

type exportSkill struct {
	Name  string  `json:"name"`
	Level int     `json:"level"`
	Years float64 `json:"years"`
}

type exportHistory struct {
	Company     string     `json:"company"`
	Industry    string     `json:"industry"`
	JobCategory string     `json:"jobCategory"`
	Tasks       string     `json:"tasks"`
	TaskTags    []string   `json:"taskTags"`
	StartDate   time.Time  `json:"startDate"`
	EndDate     *time.Time `json:"endDate"`
	Kind        string     `json:"kind"`
}

type exportConsent struct {
	Kind      string    `json:"kind"`
	Version   string    `json:"version"`
	GrantedAt time.Time `json:"grantedAt"`
}

type exportApp struct {
	Posting   string    `json:"posting"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
}

type exportInquiry struct {
	Kind      string    `json:"kind"`
	Channel   string    `json:"channel"`
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"createdAt"`
}

type exportAssign struct {
	Posting    string    `json:"posting"`
	StartDate  time.Time `json:"startDate"`
	EndDate    time.Time `json:"endDate"`
	HourlyWage int       `json:"hourlyWage"`
	Status     string    `json:"status"`
}

type exportContact struct {
	Channel    string    `json:"channel"`
	Direction  string    `json:"direction"`
	Outcome    string    `json:"outcome"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Export assembles the signed-in registrant's data under her own privacy (she gets exactly what
// she may read) and records the disclosure in the audit trail.
func (s *Service) Export(ctx context.Context) ([]byte, time.Time, error) {
	v, err := self(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("export my data: %w", err)
	}
	acc, err := s.Client.Account.Query().Where(account.ID(v.AccountID)).WithAgency().Only(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("export my data: %w", err)
	}
	r, err := s.Client.Registrant.Query().Where(registrant.ID(v.ProfileID)).
		WithSkills().WithWorkHistories().WithConsents().
		WithApplications(func(q *ent.ApplicationQuery) { q.WithPosting() }).
		WithInquiries().
		WithAssignments(func(q *ent.AssignmentQuery) { q.WithPosting() }).
		WithContactLogs().Only(ctx)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("export my data: %w", err)
	}
	out := exportOf(acc, r, s.now())
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("export my data: %w", err)
	}
	if err := audit.RecordRead(ctx, s.Client, "Registrant", r.ID, "dataExport"); err != nil {
		return nil, time.Time{}, fmt.Errorf("export my data: %w", err)
	}
	return b, out.GeneratedAt, nil
}

func exportOf(acc *ent.Account, r *ent.Registrant, now time.Time) Export {
	out := Export{GeneratedAt: now.UTC(),
		Account: exportAccount{Email: acc.Email, CreatedAt: acc.CreatedAt, LastLoginAt: acc.LastLoginAt},
		Profile: exportProfile{Name: r.Name, Kana: r.Kana, Phone: r.Phone, Email: r.Email,
			PreferredContactHours: r.PreferredContactHours, Prefecture: r.Prefecture, City: r.City,
			NearestStation: r.NearestStation, MaxCommuteMinutes: r.MaxCommuteMinutes,
			DesiredHourlyWage: r.DesiredHourlyWage, DesiredJobCategories: r.DesiredJobCategories,
			AvailableFrom: r.AvailableFrom, Employment: string(r.Employment), BirthDate: r.BirthDate,
			Education: r.Education, RegisteredAt: r.RegisteredAt},
		Skills: []exportSkill{}, WorkHistories: []exportHistory{}, Consents: []exportConsent{},
		Applications: []exportApp{}, Inquiries: []exportInquiry{}, Assignments: []exportAssign{}, Contacts: []exportContact{},
		Excluded: []string{"担当者の社内メモ(個人情報保護法33条2項2号により開示の対象外)", "派遣先の非公開の求人情報"},
	}
	if acc.Edges.Agency != nil {
		out.Agency = acc.Edges.Agency.Name
	}
	if r.Gender != nil {
		g := string(*r.Gender)
		out.Profile.Gender = &g
	}
	for _, k := range r.Edges.Skills {
		out.Skills = append(out.Skills, exportSkill{Name: k.Name, Level: k.Level, Years: k.Years})
	}
	for _, w := range r.Edges.WorkHistories {
		out.WorkHistories = append(out.WorkHistories, exportHistory{Company: w.Company, Industry: w.Industry,
			JobCategory: w.JobCategory, Tasks: w.Tasks, TaskTags: w.TaskTags, StartDate: w.StartDate, EndDate: w.EndDate, Kind: string(w.Kind)})
	}
	for _, c := range r.Edges.Consents {
		out.Consents = append(out.Consents, exportConsent{Kind: string(c.Kind), Version: c.Version, GrantedAt: c.GrantedAt})
	}
	for _, a := range r.Edges.Applications {
		out.Applications = append(out.Applications, exportApp{Posting: title(a.Edges.Posting), Status: string(a.Status), CreatedAt: a.CreatedAt})
	}
	for _, q := range r.Edges.Inquiries {
		out.Inquiries = append(out.Inquiries, exportInquiry{Kind: string(q.Kind), Channel: string(q.Channel),
			Status: string(q.Status), Message: q.Message, CreatedAt: q.CreatedAt})
	}
	for _, a := range r.Edges.Assignments {
		out.Assignments = append(out.Assignments, exportAssign{Posting: title(a.Edges.Posting), StartDate: a.StartDate,
			EndDate: a.EndDate, HourlyWage: a.HourlyWage, Status: string(a.Status)})
	}
	for _, c := range r.Edges.ContactLogs {
		out.Contacts = append(out.Contacts, exportContact{Channel: string(c.Channel), Direction: string(c.Direction),
			Outcome: string(c.Outcome), OccurredAt: c.OccurredAt})
	}
	return out
}

func title(p *ent.Posting) string {
	if p == nil {
		return ""
	}
	return p.Title
}

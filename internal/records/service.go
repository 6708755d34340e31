package records

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/dispatchcontact"
	"github.com/example/staffcrm/ent/ledgerlog"
	"github.com/example/staffcrm/ent/predicate"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/audit"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/notify"
)

var (
	// ErrNotFound: the assignment is not one the viewer may see (another agency's, outside the
	// viewer's scope, or missing).
	ErrNotFound = errors.New("not found")
	// ErrStaffOnly: records other than the worker's own terms sheet are for staff.
	ErrStaffOnly = errors.New("only staff read this record")
	// ErrAdminOnly: the margin disclosure is the agency's published figures, prepared by admins.
	ErrAdminOnly = errors.New("only admins prepare the margin disclosure")
)

// Service builds the records from live data for the viewer in ctx. The scope contract is the
// routing one: the assignment is read under the viewer's privacy first (admins all, coordinators
// the registrants they handle, sales reps their postings', registrants their own), and only then
// are the rows around it read past it — the worker may read her own terms sheet by law even though
// she may not read the client's rows.
type Service struct {
	Client *ent.Client
	Now    func() time.Time // nil: time.Now
	// Publisher tells calendar subscribers that the reminders job ran (nil: they poll);
	// Subscriber feeds WatchCalendar.
	Publisher  notify.Publisher
	Subscriber notify.Subscriber
	// Alive ends a subscription whose viewer's session ended (nil: never checked).
	Alive func(ctx context.Context) error
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// viewer is the caller, nil for a trusted System caller (a job producing the ledger).
func viewer(ctx context.Context, staffOnly bool) (*auth.Viewer, error) {
	v, check, err := access.Caller(ctx)
	if check && staffOnly && !v.Role.IsStaff() {
		return nil, ErrStaffOnly
	}
	return v, err
}

// TermsSheet is the 就業条件明示書 of assignment id, for staff in scope and for the worker herself.
// The dispatch fee (34条の2) is the worker's to know and the bill rate's readers' (admins, the
// posting's account rep); anyone else in scope gets the sheet with that item withheld.
func (s *Service) TermsSheet(ctx context.Context, id int) (Record, error) {
	v, err := viewer(ctx, false)
	if err != nil {
		return Record{}, err
	}
	a, err := s.load(ctx, id)
	if err != nil {
		return Record{}, fmt.Errorf("terms sheet: %w", err)
	}
	if v != nil && !(v.Role == auth.RoleAdmin || v.Role == auth.RoleRegistrant || (v.Role == auth.RoleSalesRep && v.ProfileID == a.accountRepID)) {
		a.BillRate, a.billRateWithheld = nil, true
	}
	if err := s.audit(ctx, id, "termsSheet"); err != nil {
		return Record{}, err
	}
	r := TermsSheet(a)
	r.Kind, r.SubjectID = KindTermsSheet, id
	return r, nil
}

// ClientNotice is the 派遣先への通知 of assignment id, for staff in scope.
func (s *Service) ClientNotice(ctx context.Context, id int) (Record, error) {
	if _, err := viewer(ctx, true); err != nil {
		return Record{}, err
	}
	a, err := s.load(ctx, id)
	if err != nil {
		return Record{}, fmt.Errorf("client notice: %w", err)
	}
	if err := s.audit(ctx, id, "clientNotice"); err != nil {
		return Record{}, err
	}
	r := ClientNotice(a)
	r.Kind, r.SubjectID = KindClientNotice, id
	return r, nil
}

// Ledger is the 派遣元管理台帳 entry of assignment id, for staff in scope.
func (s *Service) Ledger(ctx context.Context, id int) (Ledger, error) {
	if _, err := viewer(ctx, true); err != nil {
		return Ledger{}, err
	}
	a, err := s.load(ctx, id)
	if err != nil {
		return Ledger{}, fmt.Errorf("ledger: %w", err)
	}
	if err := s.audit(ctx, id, "ledgerEntry"); err != nil {
		return Ledger{}, err
	}
	l := LedgerEntry(a, a.complaints, a.training, a.stability)
	l.Kind, l.SubjectID = KindLedger, id
	return l, nil
}

// audit records that the viewer read a record of assignment id (every record holds personal data).
func (s *Service) audit(ctx context.Context, id int, record string) error {
	if err := audit.RecordRead(ctx, s.Client, "Assignment", id, record); err != nil {
		return fmt.Errorf("audit %s: %w", record, err)
	}
	return nil
}

// Document builds the record of kind for assignment id, as its download serves it.
func (s *Service) Document(ctx context.Context, kind string, id int) (Record, error) {
	switch kind {
	case KindTermsSheet:
		return s.TermsSheet(ctx, id)
	case KindClientNotice:
		return s.ClientNotice(ctx, id)
	case KindLedger:
		l, err := s.Ledger(ctx, id)
		return l.Record, err
	}
	return Record{}, ErrNotFound
}

// MarginDisclosure computes the agency's margin figures for fiscal year fy (admins).
func (s *Service) MarginDisclosure(ctx context.Context, fy int) ([]Margin, error) {
	v, err := viewer(ctx, true)
	if err != nil {
		return nil, err
	}
	if v != nil && v.Role != auth.RoleAdmin {
		return nil, ErrAdminOnly
	}
	ps, err := s.placements(ctx, assignment.EndDateGTE(time.Date(fy, time.April, 1, 0, 0, 0, 0, time.UTC)),
		assignment.StartDateLTE(time.Date(fy+1, time.March, 31, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		return nil, fmt.Errorf("margin disclosure: %w", err)
	}
	// The disclosure is per establishment of the dispatching agency (派遣元事業所), not per client
	// site. The CRM does not model an agency's offices yet, so the agency is its one establishment.
	if v != nil {
		ag, err := s.Client.Agency.Get(ctx, v.AgencyID)
		if err != nil {
			return nil, fmt.Errorf("margin disclosure: %w", err)
		}
		for i := range ps {
			ps[i].SiteID, ps[i].SiteName = ag.ID, ag.Name
		}
	}
	return MarginDisclosure(fy, ps), nil
}

// StabilityDuties lists the fixed-term workers in the viewer's scope who reach a 法30条 threshold.
func (s *Service) StabilityDuties(ctx context.Context) ([]StabilityCase, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, err
	}
	ps, err := s.placements(ctx)
	if err != nil {
		return nil, fmt.Errorf("stability duties: %w", err)
	}
	return StabilityDuties(s.now(), ps), nil
}

// placements reads the assignments in the viewer's scope (their privacy decides which) with the
// names the lists print.
func (s *Service) placements(ctx context.Context, where ...predicate.Assignment) ([]Placement, error) {
	q := s.Client.Assignment.Query().Where(where...).
		WithRegistrant().WithOrgUnit(func(q *ent.OrgUnitQuery) { q.WithSite() })
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	renewed := map[int]bool{}
	for _, r := range rows {
		if r.RenewalOfID != nil {
			renewed[*r.RenewalOfID] = true
		}
	}
	measures, err := s.stabilityMeasures(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]Placement, 0, len(rows))
	for _, r := range rows {
		p := Placement{AssignmentID: r.ID, WorkerID: r.RegistrantID, OrgUnitID: r.OrgUnitID,
			Start: r.StartDate, End: r.EndDate, HourlyWage: r.HourlyWage, BillRate: r.BillRate,
			Status: r.Status.String(), Renewed: renewed[r.ID], Measures: measures[r.ID]}
		if reg := r.Edges.Registrant; reg != nil {
			p.WorkerName, p.Employment = reg.Name, reg.Employment.String()
			p.Is60Plus = compliance.Is60Plus(reg.BirthDate, r.StartDate)
		}
		if u := r.Edges.OrgUnit; u != nil {
			p.OrgUnit = u.Name
			if site := u.Edges.Site; site != nil {
				p.SiteID, p.SiteName = site.ID, site.Name
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// stabilityMeasures reads the stability measures recorded for workers (in the caller's scope), one
// dated line each, by the assignment of rows they belong to (see belongs), so a run of several
// assignments lists each measure once.
func (s *Service) stabilityMeasures(ctx context.Context, rows []*ent.Assignment) (map[int][]string, error) {
	byWorker := map[int][]*ent.Assignment{}
	for _, r := range rows {
		byWorker[r.RegistrantID] = append(byWorker[r.RegistrantID], r)
	}
	ids := slices.Collect(maps.Keys(byWorker))
	out := map[int][]string{}
	for chunk := range slices.Chunk(ids, 5000) { // SQLite's bound-parameter limit
		logs, err := s.Client.LedgerLog.Query().Where(ledgerlog.KindEQ(ledgerlog.KindSTABILITY_MEASURE), ledgerlog.RegistrantIDIn(chunk...)).
			Order(ent.Asc(ledgerlog.FieldOccurredOn), ent.Asc(ledgerlog.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, l := range logs {
			for _, a := range byWorker[l.RegistrantID] {
				if belongs(l, a) {
					_, _, lines := logTexts([]*ent.LedgerLog{l})
					out[a.ID] = append(out[a.ID], lines...)
					break
				}
			}
		}
	}
	return out, nil
}

// load reads assignment id under the viewer's privacy, then the rows its records print.
func (s *Service) load(ctx context.Context, id int) (Assignment, error) {
	if err := access.MustSee(ctx, "assignment", s.Client.Assignment.Query().Where(assignment.ID(id)).Exist, ErrNotFound); err != nil {
		return Assignment{}, err
	}
	sys := access.System(ctx, "records: the rows a statutory record of a visible assignment prints")
	rows, err := s.recordRows(sys, assignment.ID(id))
	if err != nil {
		return Assignment{}, err
	}
	if len(rows) != 1 {
		return Assignment{}, ErrNotFound
	}
	full := rows[0]
	contacts, err := s.agencyContacts(sys, full.AgencyID)
	if err != nil {
		return Assignment{}, err
	}
	logs, err := s.logsOf(sys, rows)
	if err != nil {
		return Assignment{}, err
	}
	// The individual limit counts the worker's earlier runs at the same org unit.
	earlier, err := s.Client.Assignment.Query().Where(assignment.RegistrantID(full.RegistrantID),
		assignment.OrgUnitID(full.OrgUnitID), assignment.IDNEQ(full.ID)).All(sys)
	if err != nil {
		return Assignment{}, err
	}
	a := s.assemble(full, earlier, contacts)
	a.complaints, a.training, a.stability = logTexts(logs[full.ID])
	return a, nil
}

// recordRows reads assignments with every row their records print, past the viewer's scope:
// callers read the assignments in scope first.
func (s *Service) recordRows(sys context.Context, where ...predicate.Assignment) ([]*ent.Assignment, error) {
	return s.Client.Assignment.Query().Where(where...).Order(ent.Asc(assignment.FieldID)).
		WithRegistrant().WithAgency().WithPosting().
		WithOrgUnit(func(q *ent.OrgUnitQuery) {
			q.WithDispatchContacts().WithSite(func(q *ent.ClientSiteQuery) { q.WithClient().WithDispatchContacts() })
		}).All(sys)
}

// agencyContacts are the agency's own contacts (派遣元責任者, its complaint desk).
func (s *Service) agencyContacts(sys context.Context, agencyID int) ([]*ent.DispatchContact, error) {
	return s.Client.DispatchContact.Query().Where(dispatchcontact.AgencyID(agencyID), dispatchcontact.ScopeKey(ScopeAgency)).All(sys)
}

func (s *Service) assemble(r *ent.Assignment, earlier []*ent.Assignment, agencyContacts []*ent.DispatchContact) Assignment {
	a := Assignment{ID: r.ID, Start: r.StartDate, End: r.EndDate, HourlyWage: r.HourlyWage, BillRate: r.BillRate}
	if ag := r.Edges.Agency; ag != nil {
		a.AgencyName = ag.Name
	}
	if reg := r.Edges.Registrant; reg != nil {
		a.Worker = Worker{Name: reg.Name, Employment: reg.Employment.String(), Is60Plus: compliance.Is60Plus(reg.BirthDate, r.StartDate),
			AgreementCovered: reg.AgreementCovered, HealthInsurance: enrolled(reg.HealthInsuranceEnrolled, reg.InsuranceNotEnrolledReason),
			PensionInsurance:    enrolled(reg.PensionInsuranceEnrolled, reg.InsuranceNotEnrolledReason),
			EmploymentInsurance: enrolled(reg.EmploymentInsuranceEnrolled, reg.InsuranceNotEnrolledReason)}
	}
	for _, c := range agencyContacts {
		switch c.Role.String() {
		case RoleAgencyResponsible:
			a.AgencyResponsible = contactOf(c)
		case RoleAgencyComplaint:
			a.ComplaintAgency = contactOf(c)
		}
	}
	if p := r.Edges.Posting; p != nil {
		a.accountRepID = p.AccountRepID
		a.WorkContent = p.JobCategory + "（" + p.Title + "）"
		a.WorkingHours = p.WorkingHours
		a.PostingType = p.Type.String()
		a.Responsibility, a.WorkingDays, a.Breaks, a.Overtime = p.Responsibility, p.WorkingDays, p.Breaks, p.OvertimeTerms
		a.HolidayWork, a.SafetyHealth, a.Welfare = p.HolidayWork, p.SafetyHealth, p.Welfare
		a.EarlyTermination, a.TempToPermConditions = p.EarlyTerminationMeasures, p.TempToPermTerms
		if a.Overtime == "" && p.AvgMonthlyOvertimeHours > 0 {
			a.Overtime = fmt.Sprintf("あり（月平均%d時間程度の見込み）", p.AvgMonthlyOvertimeHours)
		}
	}
	if u := r.Edges.OrgUnit; u != nil {
		a.OrgUnit = u.Name
		for _, c := range u.Edges.DispatchContacts {
			if c.Role.String() == RoleSupervisor {
				a.Supervisor = contactOf(c)
			}
		}
		if site := u.Edges.Site; site != nil {
			a.SiteName, a.SiteAddr, a.ConflictDate = site.Name, site.Address, site.ConflictDate
			if c := site.Edges.Client; c != nil {
				a.ClientName = c.Name
			}
			for _, c := range site.Edges.DispatchContacts {
				switch c.Role.String() {
				case RoleClientResponsible:
					a.ClientResponsible = contactOf(c)
				case RoleClientComplaint:
					a.ComplaintClient = contactOf(c)
				}
			}
		}
	}
	if a.Worker.Employment != Indefinite && !a.Worker.Is60Plus {
		history := make([]compliance.Placement, 0, len(earlier))
		for _, e := range earlier {
			history = append(history, compliance.Placement{OrgUnitID: r.OrgUnitID, Start: e.StartDate, End: e.EndDate})
		}
		limit := compliance.PeriodEnd(compliance.RunStart(compliance.Proposal{OrgUnitID: r.OrgUnitID, Start: r.StartDate,
			End: r.EndDate, History: history}), 3, 0)
		a.IndividualLimitDate = &limit
	}
	return a
}

func contactOf(c *ent.DispatchContact) Contact {
	return Contact{Name: c.Name, Department: c.Department, Phone: c.Phone}
}

func enrolled(b *bool, reason *string) *Enrollment {
	if b == nil {
		return nil
	}
	e := &Enrollment{Enrolled: *b}
	if !*b && reason != nil {
		e.ReasonNot = *reason
	}
	return e
}

// logTexts splits a's ledger logs into the ledger's three lists, each line dated.
func logTexts(logs []*ent.LedgerLog) (complaints, training, stability []string) {
	for _, l := range logs {
		line := date(l.OccurredOn) + " " + l.Content
		if l.Handling != nil {
			line += "（" + *l.Handling + "）"
		}
		switch l.Kind.String() {
		case LogComplaint:
			complaints = append(complaints, line)
		case LogTraining:
			training = append(training, "教育訓練 "+line)
		case LogCareerConsulting:
			training = append(training, "キャリアコンサルティング "+line)
		case LogStabilityMeasure:
			stability = append(stability, line)
		}
	}
	return complaints, training, stability
}

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/applicationevent"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/orgunit"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/records"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/tenure"
)

// ComplianceError is a blocking compliance result (COMPLIANCE_VIOLATION at the edge).
type ComplianceError struct{ Findings []compliance.Finding }

func (e *ComplianceError) Error() string {
	if len(e.Findings) == 0 {
		return "compliance violation"
	}
	return "compliance violation: " + e.Findings[0].Text.EN
}

// ErrDatesRequired: offering or placing needs the planned assignment dates.
var ErrDatesRequired = errors.New("start and end dates are required to offer or place")

// Service runs applications through the pipeline and keeps assignments; writes go through the
// caller's privacy scope except the compliance read of a registrant's history (named bypass).
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	// ExemptCategories are job categories exempt from the day-labour ban (政令業務).
	ExemptCategories map[string]bool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Apply opens an application of the viewer (a registrant) to a posting they can see. A repeated
// idempotency key returns the first application; a second active one is a CONFLICT (unique index).
func (s *Service) Apply(ctx context.Context, postingID int, key *string) (*ent.Application, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok || v.Role != auth.RoleRegistrant {
		return nil, fmt.Errorf("apply: %w", access.ErrNoViewer)
	}
	if key != nil {
		prev, err := s.Client.Application.Query().Where(application.RegistrantID(v.ProfileID), application.IdempotencyKey(*key)).Only(ctx)
		if err == nil {
			return prev, nil
		}
		if !ent.IsNotFound(err) {
			return nil, fmt.Errorf("apply: %w", err)
		}
	}
	// For registrants: public and open, or introduced to them.
	if err := mustSee(ctx, "posting", s.Client.Posting.Query().Where(posting.ID(postingID)).Exist); err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	var a *ent.Application
	err := dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		now := s.now()
		var err error
		a, err = tx.Application.Create().SetPostingID(postingID).SetRegistrantID(v.ProfileID).
			SetNillableIdempotencyKey(key).SetStatus(application.StatusAPPLIED).SetCreatedAt(now).SetUpdatedAt(now).Save(ctx)
		if err != nil {
			return err
		}
		return s.event(ctx, tx, a, nil, Applied, v.AccountID, "")
	})
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	return a.Unwrap(), nil
}

func (s *Service) event(ctx context.Context, tx *ent.Tx, a *ent.Application, from *string, to string, actor int, reason string) error {
	c := tx.ApplicationEvent.Create().SetAgencyID(a.AgencyID).SetApplicationID(a.ID).SetToStatus(applicationevent.ToStatus(to)).
		SetActorID(actor).SetAt(s.now())
	if from != nil {
		c.SetFromStatus(applicationevent.FromStatus(*from))
	}
	if reason != "" {
		c.SetReason(reason)
	}
	// History rows are written for the actor but are not theirs to write directly.
	return c.Exec(access.System(ctx, "pipeline: record the status history of an application"))
}

// Move is a requested transition.
type Move struct {
	ApplicationID int
	To            string
	Reason        string
	// RequestedByRegistrant: a DISPATCH workplace visit the registrant asked for (rule 5).
	RequestedByRegistrant bool
	// Planned assignment, required for OFFERED and PLACED.
	Start, End       *time.Time
	HourlyWage       *int
	BillRate         *int
	ContractSignedOn *time.Time
}

// Result is a transition's outcome: the application, the assignment PLACED created, and the
// compliance warnings that did not block.
type Result struct {
	Application *ent.Application
	Assignment  *ent.Assignment
	Warnings    []compliance.Finding
}

// Advance moves an application along §7.1. Staff move it forward; registrants withdraw or decline.
// OFFERED and PLACED are checked against the dispatch law; PLACED creates the assignment in the
// same transaction (one assignment per application: unique application_id).
func (s *Service) Advance(ctx context.Context, m Move) (*Result, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("advance: %w", access.ErrNoViewer)
	}
	actor := ByStaff
	if v.Role == auth.RoleRegistrant {
		actor = ByRegistrant
	}
	// The history row below is written past the viewer's scope: the application must be in it.
	if err := mustSee(ctx, "application", s.Client.Application.Query().Where(application.ID(m.ApplicationID)).Exist); err != nil {
		return nil, fmt.Errorf("advance: %w", err)
	}
	a, err := s.Client.Application.Query().Where(application.ID(m.ApplicationID)).WithPosting().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("advance: %w", err)
	}
	from := a.Status.String()
	if err := CanTransition(from, m.To, actor); err != nil {
		return nil, err
	}
	res := &Result{}
	if m.To == ClientMeeting {
		if f := compliance.PreSelection(a.Edges.Posting.Type.String(), stageFor(a.Edges.Posting.Type.String()), m.RequestedByRegistrant); len(f) > 0 {
			return nil, &ComplianceError{Findings: f}
		}
	}
	if m.To == OfferedStatus || m.To == PlacedStatus {
		if m.Start == nil || m.End == nil {
			return nil, ErrDatesRequired
		}
		r, err := s.Check(ctx, a.RegistrantID, a.PostingID, *m.Start, *m.End, m.ContractSignedOn)
		if err != nil {
			return nil, err
		}
		wage := a.Edges.Posting.HourlyWage
		if m.HourlyWage != nil {
			wage = *m.HourlyWage
		}
		ep, err := s.equalPay(ctx, a.RegistrantID, a.Edges.Posting, wage, *m.Start)
		if err != nil {
			return nil, fmt.Errorf("advance: %w", err)
		}
		r.Findings = append(r.Findings, ep...)
		if !r.OK() {
			return nil, &ComplianceError{Findings: r.Blocking()}
		}
		res.Warnings = r.Findings
	}
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		now := s.now()
		// Conditional on the status read above: a concurrent move makes this one fail, not double.
		err := tx.Application.UpdateOneID(a.ID).Where(application.StatusEQ(a.Status)).
			SetStatus(application.Status(m.To)).SetUpdatedAt(now).Exec(ctx)
		if ent.IsNotFound(err) {
			return fmt.Errorf("%w: the application changed meanwhile", ErrInvalidTransition)
		}
		if err != nil {
			return err
		}
		if m.To == ScreeningRejected || m.To == ClientRejected {
			if err := tx.Application.UpdateOneID(a.ID).SetRejectionReason(m.Reason).Exec(ctx); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, a, &from, m.To, v.AccountID, m.Reason); err != nil {
			return err
		}
		if m.To == PlacedStatus {
			wage := a.Edges.Posting.HourlyWage
			if m.HourlyWage != nil {
				wage = *m.HourlyWage
			}
			bill := a.Edges.Posting.BillRate
			if m.BillRate != nil {
				bill = m.BillRate
			}
			res.Assignment, err = tx.Assignment.Create().SetAgencyID(a.AgencyID).SetRegistrantID(a.RegistrantID).
				SetPostingID(a.PostingID).SetOrgUnitID(a.Edges.Posting.OrgUnitID).SetApplicationID(a.ID).
				SetStartDate(*m.Start).SetEndDate(*m.End).SetHourlyWage(wage).SetNillableBillRate(bill).
				SetStatus(assignment.StatusSCHEDULED).Save(ctx)
			if err != nil {
				return err
			}
			// Her next job is settled: the NEXT_JOB inquiry (the system's, or her own) is resolved and
			// stops holding its assignee's capacity. It may be assigned to someone outside the placing
			// staff member's write scope; the application was checked to be in it above.
			closeCtx := access.System(ctx, "placement: resolve the registrant's open NEXT_JOB inquiry")
			if _, err := routing.ResolveNextJob(closeCtx, tx, a.RegistrantID, &v.AccountID, now,
				"next job settled: placed through application "+fmt.Sprint(a.ID)); err != nil {
				return err
			}
		}
		res.Application, err = tx.Application.Get(ctx, a.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("advance: %w", err)
	}
	res.Application = res.Application.Unwrap()
	if res.Assignment != nil {
		res.Assignment = res.Assignment.Unwrap()
	}
	return res, nil
}

func stageFor(postingType string) string {
	if postingType == compliance.TempToPerm {
		return compliance.StageInterview
	}
	return compliance.StageWorkplaceVisit
}

// Renew creates the assignment that continues prev from the day after it ends, checked like a new one.
func (s *Service) Renew(ctx context.Context, prevID int, end time.Time, wage, bill *int) (*ent.Assignment, []compliance.Finding, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, nil, fmt.Errorf("renew: %w", err)
	}
	if err := mustSee(ctx, "assignment", s.Client.Assignment.Query().Where(assignment.ID(prevID)).Exist); err != nil {
		return nil, nil, fmt.Errorf("renew: %w", err)
	}
	prev, err := s.Client.Assignment.Get(ctx, prevID)
	if err != nil {
		return nil, nil, fmt.Errorf("renew: %w", err)
	}
	start := prev.EndDate.AddDate(0, 0, 1)
	r, err := s.Check(ctx, prev.RegistrantID, prev.PostingID, start, end, nil)
	if err != nil {
		return nil, nil, err
	}
	w := prev.HourlyWage
	if wage != nil {
		w = *wage
	}
	post, err := s.Client.Posting.Get(ctx, prev.PostingID) // staff read every posting of their agency
	if err != nil {
		return nil, nil, fmt.Errorf("renew: %w", err)
	}
	ep, err := s.equalPay(ctx, prev.RegistrantID, post, w, start)
	if err != nil {
		return nil, nil, fmt.Errorf("renew: %w", err)
	}
	r.Findings = append(r.Findings, ep...)
	if !r.OK() {
		return nil, nil, &ComplianceError{Findings: r.Blocking()}
	}
	b := prev.BillRate
	if bill != nil {
		b = bill
	}
	var next *ent.Assignment
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error { // with its webhook event (internal/webhooks)
		next, err = tx.Assignment.Create().SetAgencyID(prev.AgencyID).SetRegistrantID(prev.RegistrantID).
			SetPostingID(prev.PostingID).SetOrgUnitID(prev.OrgUnitID).SetRenewalOfID(prev.ID).
			SetStartDate(start).SetEndDate(end).SetHourlyWage(w).SetNillableBillRate(b).Save(ctx)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("renew: %w", err)
	}
	return next, r.Findings, nil
}

// Check runs the dispatch-law rules (§6) for a registrant at a posting's org unit for [start, end].
// The registrant's history and the client's legal entity are read past the viewer's scope (a sales
// rep may not see every earlier placement) — the result says only whether rules pass. Staff only;
// the registrant and the posting must be ones the caller sees.
func (s *Service) Check(ctx context.Context, registrantID, postingID int, start, end time.Time, signed *time.Time) (compliance.Result, error) {
	if _, err := viewer(ctx, true); err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	if err := mustSee(ctx, "posting", s.Client.Posting.Query().Where(posting.ID(postingID)).Exist); err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	if err := mustSee(ctx, "registrant", s.Client.Registrant.Query().Where(registrant.ID(registrantID)).Exist); err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	sys := access.System(ctx, "compliance: read the registrant's placements and the client for a dispatch-law check")
	post, err := s.Client.Posting.Get(ctx, postingID)
	if err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	unit, err := s.Client.OrgUnit.Query().Where(orgunit.ID(post.OrgUnitID)).
		WithSite(func(q *ent.ClientSiteQuery) { q.WithClient() }).Only(sys)
	if err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	reg, err := s.Client.Registrant.Get(ctx, registrantID)
	if err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	site := unit.Edges.Site
	prop := compliance.Proposal{
		Person: compliance.Person{BirthDate: reg.BirthDate, Employment: reg.Employment.String(),
			DaytimeStudent: reg.DaytimeStudent, IncomeExemption: reg.IncomeExemption, RetiredAtMandatoryAge: reg.RetiredAtMandatoryAge},
		OrgUnitID: unit.ID, SiteID: site.ID, Site: compliance.Site{ConflictDate: site.ConflictDate, ConflictNotifiedAt: site.ConflictDateNotifiedAt},
		Start: start, End: end, JobCategory: post.JobCategory, PostingType: post.Type.String(),
	}
	if le := site.Edges.Client.LegalEntityNumber; le != nil {
		prop.ClientLegalEntity = *le
	}
	prop.ContractSignedOn = s.now()
	if signed != nil {
		prop.ContractSignedOn = *signed
	}
	hist, err := s.Client.Assignment.Query().Where(assignment.RegistrantID(registrantID)).
		WithOrgUnit(func(q *ent.OrgUnitQuery) { q.WithSite(func(q *ent.ClientSiteQuery) { q.WithClient() }) }).All(sys)
	if err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	for _, h := range hist {
		if h.Status == assignment.StatusTERMINATED && h.EndDate.Before(h.StartDate) {
			continue
		}
		pl := compliance.Placement{OrgUnitID: h.OrgUnitID, SiteID: h.Edges.OrgUnit.SiteID, Start: h.StartDate, End: h.EndDate}
		if le := h.Edges.OrgUnit.Edges.Site.Edges.Client.LegalEntityNumber; le != nil {
			pl.ClientLegalEntity = *le
		}
		prop.History = append(prop.History, pl)
	}
	whs, err := s.Client.WorkHistory.Query().Where(workhistory.RegistrantID(registrantID), workhistory.KindEQ(workhistory.KindDIRECT_EMPLOYMENT)).All(sys)
	if err != nil {
		return compliance.Result{}, fmt.Errorf("compliance check: %w", err)
	}
	for _, w := range whs {
		de := compliance.DirectEmployment{End: w.EndDate}
		if w.LegalEntityNumber != nil {
			de.LegalEntity = *w.LegalEntityNumber
		}
		prop.DirectEmployments = append(prop.DirectEmployments, de)
	}
	return compliance.Check(prop, s.ExemptCategories), nil
}

// equalPay is the 労使協定方式 wage check (法30条の4, records.EqualPay) of a registrant at a posting
// for an hourly wage from start: only for an agency that loaded a general-wage table (one using the
// other method, 派遣先均等・均衡方式, has none and is not checked). Years of experience are her
// work history in the posting's job category. The registrant and posting were checked visible by
// the caller; her history and the agency's table are read past the caller's scope.
func (s *Service) equalPay(ctx context.Context, registrantID int, post *ent.Posting, wage int, start time.Time) ([]compliance.Finding, error) {
	table, uses, err := records.AgencyWageTable(ctx, s.Client, post.AgencyID, records.FiscalYear(start))
	if err != nil || !uses {
		return nil, err
	}
	sys := access.System(ctx, "equal pay: the registrant's coverage and experience for a placement check")
	reg, err := s.Client.Registrant.Get(sys, registrantID)
	if err != nil {
		return nil, err
	}
	hist, err := s.Client.WorkHistory.Query().Where(workhistory.RegistrantID(registrantID), workhistory.JobCategory(post.JobCategory)).All(sys)
	if err != nil {
		return nil, err
	}
	months := 0
	for _, h := range hist {
		months += tenure.Months(h.StartDate, h.EndDate, start)
	}
	return records.EqualPay(records.WageProposal{Worker: records.Worker{Name: reg.Name, AgreementCovered: reg.AgreementCovered},
		HourlyWage: wage, JobCategory: post.JobCategory, Prefecture: post.Prefecture, ExperienceYears: months / 12, Start: start}, table), nil
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/graph/portal"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/pipeline"
)

func (r *Resolver) applyPayload(a *ent.Application) *model.ApplyPayload {
	return &model.ApplyPayload{Application: portal.NewMyApplication(a)}
}

func (r *Resolver) registrantMove(ctx context.Context, id int, to string) (*model.ApplyPayload, error) {
	res, err := r.Pipeline.Advance(ctx, pipeline.Move{ApplicationID: id, To: to})
	if err != nil {
		return nil, err
	}
	return r.applyPayload(res.Application), nil
}

func (r *Resolver) advance(ctx context.Context, in model.AdvanceApplicationInput) (*model.AdvanceApplicationPayload, error) {
	m := pipeline.Move{ApplicationID: in.ApplicationID, To: in.To.String(), Start: in.StartDate, End: in.EndDate,
		HourlyWage: in.HourlyWage, BillRate: in.BillRate, ContractSignedOn: in.ContractSignedOn}
	if in.Reason != nil {
		m.Reason = *in.Reason
	}
	if in.RequestedByRegistrant != nil {
		m.RequestedByRegistrant = *in.RequestedByRegistrant
	}
	res, err := r.Pipeline.Advance(ctx, m)
	if err != nil {
		return nil, err
	}
	return &model.AdvanceApplicationPayload{Application: res.Application, Assignment: res.Assignment, Warnings: findings(res.Warnings)}, nil
}

func findings(fs []compliance.Finding) []*compliance.Finding {
	out := make([]*compliance.Finding, len(fs))
	for i := range fs {
		out[i] = &fs[i]
	}
	return out
}

func (r *Resolver) complianceCheck(ctx context.Context, registrantID, postingID int, start, end time.Time) (*model.ComplianceResult, error) {
	res, err := r.Pipeline.Check(ctx, registrantID, postingID, start, end, nil)
	if err != nil {
		return nil, err
	}
	return &model.ComplianceResult{Ok: res.OK(), Findings: findings(res.Findings)}, nil
}

// skillSheet builds the anonymous client-facing sheet of an application's registrant.
func (r *Resolver) skillSheet(ctx context.Context, applicationID int) (*compliance.SkillSheet, error) {
	a, err := r.Client.Application.Query().Where(application.ID(applicationID)).
		WithRegistrant(func(q *ent.RegistrantQuery) { q.WithSkills().WithWorkHistories() }).Only(ctx)
	if err != nil {
		return nil, err
	}
	reg := a.Edges.Registrant
	if reg == nil {
		return nil, &ent.NotFoundError{}
	}
	var skills []compliance.SkillLine
	for _, s := range reg.Edges.Skills {
		skills = append(skills, compliance.SkillLine{Skill: s.Name, Level: s.Level, Years: s.Years})
	}
	var hist []compliance.HistoryLine
	for _, w := range reg.Edges.WorkHistories {
		end := time.Now()
		if w.EndDate != nil {
			end = *w.EndDate
		}
		months := int(end.Sub(w.StartDate).Hours() / 24 / 30.44)
		hist = append(hist, compliance.HistoryLine{Industry: w.Industry, JobCategory: w.JobCategory, Tasks: w.Tasks, DurationMonths: months})
	}
	sheet := compliance.AnonymousSkillSheet(skills, hist)
	return &sheet, nil
}

// insurance computes a registrant's continuity from their assignments (read in the caller's scope).
func (r *Resolver) insurance(ctx context.Context, registrantID int, employment string) (*model.InsuranceContinuity, error) {
	v, _ := auth.ViewerFrom(ctx)
	l := loadersOf(ctx, r.Client)
	prime(ctx, l.contracts)
	as, err := l.contracts.Load(ctx, registrantID)
	if err != nil {
		return nil, err
	}
	var gap *int
	lead := 30
	if v != nil {
		if ag, err := l.agency.Load(ctx, v.AgencyID); err == nil && ag != nil {
			gap, lead = ag.InsuranceGapDays, ag.NextJobLeadDays
		}
	}
	cs := make([]pipeline.Contract, len(as))
	for i, a := range as {
		cs[i] = pipeline.Contract{Start: a.StartDate, End: a.EndDate}
	}
	c := pipeline.InsuranceContinuity(employment, cs, time.Now().UTC().Truncate(24*time.Hour), gap, time.Duration(lead)*24*time.Hour)
	out := &model.InsuranceContinuity{Applies: c.Applies, AtRisk: c.AtRisk, Lost: c.Lost}
	if c.Applies {
		out.LastContractEnd, out.Deadline = &c.LastEnd, &c.Deadline
	}
	return out, nil
}

// registrantsAtRisk: fixed-term registrants in the viewer's scope whose continuity is at risk.
func (r *Resolver) registrantsAtRisk(ctx context.Context) ([]*ent.Registrant, error) {
	regs, err := r.Client.Registrant.Query().Where(registrant.EmploymentEQ(registrant.EmploymentFIXED_TERM),
		registrant.HasAssignments()).Order(ent.Asc(registrant.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	// One query for everyone's contracts; the per-registrant lookups below then hit the loader cache.
	ids := make([]int, len(regs))
	for i, reg := range regs {
		ids[i] = reg.ID
	}
	if _, err := loadersOf(ctx, r.Client).contracts.LoadAll(ctx, ids); err != nil {
		return nil, err
	}
	var out []*ent.Registrant
	for _, reg := range regs {
		c, err := r.insurance(ctx, reg.ID, reg.Employment.String())
		if err != nil {
			return nil, err
		}
		if c.AtRisk {
			out = append(out, reg)
		}
	}
	return out, nil
}

// pipelineError maps pipeline errors to §9 codes.
func pipelineError(err error) (*codedError, bool) {
	var ce *pipeline.ComplianceError
	switch {
	case errors.As(err, &ce):
		rules := make([]string, len(ce.Findings))
		for i, f := range ce.Findings {
			rules[i] = f.Rule
		}
		return &codedError{code: CodeComplianceViolation, msg: ce.Error(), err: err, ext: map[string]any{"rules": rules}}, true
	case errors.Is(err, pipeline.ErrInvalidTransition):
		return &codedError{code: CodeInvalidTransition, msg: fmt.Sprint(unwrapAll(err)), err: err}, true
	case errors.Is(err, pipeline.ErrDatesRequired):
		return &codedError{code: CodeBadUserInput, msg: pipeline.ErrDatesRequired.Error(), err: err}, true
	}
	return nil, false
}

func pipelineContact(in model.LogContactInput) pipeline.Contact {
	c := pipeline.Contact{RegistrantID: in.RegistrantID, Channel: in.Channel, Direction: in.Direction, Outcome: in.Outcome}
	if in.Note != nil {
		c.Note = *in.Note
	}
	return c
}

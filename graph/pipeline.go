package graph

import (
	"context"

	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/compliance"
)

// The pipeline's resolvers (pipeline.resolvers.go) parse, call one internal/pipeline method and map
// its result; what they share lives here, outside the file gqlgen rewrites.

// complianceResult maps a check to the API: ok, the findings and the dates they were judged against.
func complianceResult(res compliance.Result) *model.ComplianceResult {
	d := res.Dates
	return &model.ComplianceResult{Ok: res.OK(), Findings: pointers(res.Findings),
		IndividualLimitLastDay: d.IndividualLastDay, IndividualLimitExempt: d.IndividualExempt,
		RunStart: d.RunStart, ContinuesRun: d.ContinuesRun, SiteConflictDate: d.SiteConflictDate, SiteLastDay: d.SiteLastDay}
}

// insurance is a registrant's continuity, batched over the sibling rows of a list (the pipeline
// checks the viewer sees each registrant).
func (r *Resolver) insurance(ctx context.Context, registrantID int) (*model.InsuranceContinuity, error) {
	l := loadersOf(ctx, r.Client)
	prime(ctx, l.insurance)
	c, err := l.insurance.Load(ctx, registrantID)
	if err != nil {
		return nil, err
	}
	out := &model.InsuranceContinuity{Applies: c.Applies, AtRisk: c.AtRisk, Lost: c.Lost}
	if c.Applies {
		out.LastContractEnd, out.Deadline = &c.LastEnd, &c.Deadline
	}
	return out, nil
}

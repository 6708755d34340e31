package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/pipeline"
)

// The pipeline's resolvers (pipeline.resolvers.go) parse, call one internal/pipeline method and map
// its result; what they share lives here, outside the file gqlgen rewrites.

func findings(fs []compliance.Finding) []*compliance.Finding {
	out := make([]*compliance.Finding, len(fs))
	for i := range fs {
		out[i] = &fs[i]
	}
	return out
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
	case errors.Is(err, pipeline.ErrNotFound):
		return &codedError{code: CodeNotFound, msg: "not found", err: err}, true
	}
	return nil, false
}

package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/tenure"
)

// SkillSheet builds the anonymous client-facing sheet (§6 rule 5) of an application's registrant.
// Staff only; the application must be one the caller sees, and the registrant's skills and history
// are read in the caller's scope.
func (s *Service) SkillSheet(ctx context.Context, applicationID int) (*compliance.SkillSheet, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("skill sheet: %w", err)
	}
	a, err := s.Client.Application.Query().Where(application.ID(applicationID)).
		WithRegistrant(func(q *ent.RegistrantQuery) { q.WithSkills().WithWorkHistories() }).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("skill sheet: application: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("skill sheet: %w", err)
	}
	reg := a.Edges.Registrant
	if reg == nil {
		return nil, fmt.Errorf("skill sheet: registrant: %w", ErrNotFound)
	}
	sheet := compliance.AnonymousSkillSheet(skillLines(reg.Edges.Skills), historyLines(reg.Edges.WorkHistories, s.now()))
	return &sheet, nil
}

func skillLines(ss []*ent.Skill) []compliance.SkillLine {
	var out []compliance.SkillLine
	for _, sk := range ss {
		out = append(out, compliance.SkillLine{Skill: sk.Name, Level: sk.Level, Years: sk.Years})
	}
	return out
}

func historyLines(ws []*ent.WorkHistory, now time.Time) []compliance.HistoryLine {
	var out []compliance.HistoryLine
	for _, w := range ws {
		out = append(out, compliance.HistoryLine{Industry: w.Industry, JobCategory: w.JobCategory, Tasks: w.Tasks,
			DurationMonths: tenure.Months(w.StartDate, w.EndDate, now)})
	}
	return out
}

package pipeline

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/internal/access"
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
	// Her assignments through this agency are experience too. They are read past the caller's scope
	// (a sales rep sees only the assignments of their own postings) and reach the sheet only as
	// anonymous lines: the client's industry, the job category and tasks, the months — no company,
	// no site, no dates.
	sys := access.System(ctx, "skill sheet: the registrant's assignments through this agency, as anonymous history lines")
	as, err := s.Client.Assignment.Query().Where(assignment.RegistrantID(reg.ID)).
		WithPosting(func(q *ent.PostingQuery) { q.Select(posting.FieldJobCategory, posting.FieldTaskTags) }).
		WithOrgUnit(func(q *ent.OrgUnitQuery) { q.WithSite(func(q *ent.ClientSiteQuery) { q.WithClient() }) }).
		Order(ent.Asc(assignment.FieldStartDate), ent.Asc(assignment.FieldID)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("skill sheet: %w", err)
	}
	now := s.now()
	lines := append(historyLines(reg.Edges.WorkHistories, now), assignmentLines(as, now)...)
	sheet := compliance.AnonymousSkillSheet(skillLines(reg.Edges.Skills), lines)
	return &sheet, nil
}

func assignmentLines(as []*ent.Assignment, now time.Time) []compliance.HistoryLine {
	var out []compliance.HistoryLine
	for _, a := range as {
		months := tenure.Worked(a.StartDate, a.EndDate, now)
		if months == 0 || a.Edges.Posting == nil {
			continue // not started, or less than a month: nothing to show yet
		}
		l := compliance.HistoryLine{JobCategory: a.Edges.Posting.JobCategory,
			Tasks: strings.Join(a.Edges.Posting.TaskTags, "、"), DurationMonths: months}
		if u := a.Edges.OrgUnit; u != nil && u.Edges.Site != nil && u.Edges.Site.Edges.Client != nil {
			l.Industry = u.Edges.Site.Edges.Client.Industry
		}
		out = append(out, l)
	}
	return out
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

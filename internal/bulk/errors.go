package bulk

import (
	"errors"
	"strings"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/bulk/report"
	"github.com/example/staffcrm/internal/compliance"
)

// rowError words a write's refusal of one row for the report (its line is the caller's to set):
// an ent field validator, a hook (the minimum wage), a privacy rule, a unique key. Any other error
// is not the row's fault, and ok is false.
func rowError(err error) (line report.Line, ok bool) {
	var (
		ve *ent.ValidationError
		cv *compliance.ViolationError
	)
	switch {
	case errors.As(err, &cv):
		line.Reason = cv.Error()
		if len(cv.Findings) > 0 {
			line.Reason = cv.Findings[0].Text.EN
			if cv.Findings[0].Rule == compliance.RuleMinimumWage {
				line.Column = "hourly_wage"
			}
		}
		return line, true
	case errors.As(err, &ve):
		line.Column = ve.Name
		if u := errors.Unwrap(ve); u != nil {
			line.Reason = reason(u)
		} else {
			line.Reason = "invalid value"
		}
		if msg := ve.Error(); strings.Contains(msg, `"Skill.`) {
			line.Column, line.Reason = colSkills, ve.Name+": "+line.Reason
		} else if strings.Contains(msg, `"WorkHistory.`) {
			line.Column, line.Reason = colHistory, ve.Name+": "+line.Reason
		}
		return line, true
	case ent.IsConstraintError(err):
		line.Column = colKey
		line.Reason = "conflicts with a row already stored: another row of the agency has this external_key"
		return line, true
	case errors.Is(err, access.ErrEdgeTargetNotFound):
		msg := err.Error()
		switch {
		case strings.Contains(msg, "edge org_unit"):
			line.Column = colOrgUnit
		case strings.Contains(msg, "edge account_rep"):
			line.Column = colRep
		}
		line.Reason = "names a row that does not exist or that you may not use"
		return line, true
	case errors.Is(err, privacy.Deny) && !errors.Is(err, access.ErrNoViewer):
		line.Reason = "your role may not write this row"
		return line, true
	}
	return line, false
}

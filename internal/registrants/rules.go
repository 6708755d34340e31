// Package registrants is a registrant's own data beyond the profile form: her skills and work
// history (edited by her or, for her, by coordinators and admins), the copy of her data she may ask
// for (個人情報保護法 33条 disclosure), and deletion — anonymising what identifies her while keeping
// what the Worker Dispatch Act requires the agency to keep (the ledger, 法37条, 3 years).
package registrants

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/example/staffcrm/internal/clients"
	"github.com/example/staffcrm/internal/invalid"
)

// Limits of the experience rules.
const (
	MaxSkills        = 50
	MaxSkillRunes    = 100
	MaxSkillYears    = 60
	MaxCompanyRunes  = 200
	MaxCategoryRunes = 100
	MaxTasksRunes    = 5000
	MaxTaskTags      = 30
	MaxTagRunes      = 50
)

// Skill is one skill as entered.
type Skill struct {
	Name  string
	Level int
	Years float64
}

// CheckSkills validates a registrant's whole skill list (names unique, ignoring case) and returns it
// trimmed.
func CheckSkills(in []Skill) ([]Skill, error) {
	if len(in) > MaxSkills {
		return nil, invalid.Field("skills", "at most %d skills", MaxSkills)
	}
	seen := map[string]bool{}
	out := make([]Skill, len(in))
	for i, s := range in {
		s.Name = strings.TrimSpace(s.Name)
		switch {
		case s.Name == "" || utf8.RuneCountInString(s.Name) > MaxSkillRunes:
			return nil, invalid.Field("skills", "skill %d: the name must be 1 to %d characters", i+1, MaxSkillRunes)
		case seen[strings.ToLower(s.Name)]:
			return nil, invalid.Field("skills", "skill %q is listed twice", s.Name)
		case s.Level < 1 || s.Level > 5:
			return nil, invalid.Field("skills", "skill %q: level is 1 (basic) to 5 (expert)", s.Name)
		case s.Years < 0 || s.Years > MaxSkillYears:
			return nil, invalid.Field("skills", "skill %q: years are 0 to %d", s.Name, MaxSkillYears)
		}
		seen[strings.ToLower(s.Name)] = true
		out[i] = s
	}
	return out, nil
}

// WorkHistory is one past job as entered. On an update, nil fields stay.
type WorkHistory struct {
	Company           *string
	LegalEntityNumber *string // "" clears it
	Industry          *string
	JobCategory       *string
	Tasks             *string
	TaskTags          []string
	StartDate         *time.Time
	EndDate           *time.Time
	ClearEndDate      bool // still working there
	Kind              *string
}

// Kinds of work history.
var historyKinds = []string{"DISPATCHED", "DIRECT_EMPLOYMENT"}

// CheckWorkHistory validates a new entry (create: company, job category, start date and kind are
// required) or the changes to one (update), against what the entry is now (zero for a create) and
// today's date: a job cannot start in the future nor end before it started.
func CheckWorkHistory(in WorkHistory, create bool, current WorkHistory, today time.Time) (WorkHistory, error) {
	if in.Company != nil {
		c := strings.TrimSpace(*in.Company)
		if c == "" || utf8.RuneCountInString(c) > MaxCompanyRunes {
			return in, invalid.Field("company", "1 to %d characters", MaxCompanyRunes)
		}
		in.Company = &c
	} else if create {
		return in, invalid.Field("company", "required")
	}
	if in.JobCategory != nil {
		c := strings.TrimSpace(*in.JobCategory)
		if c == "" || utf8.RuneCountInString(c) > MaxCategoryRunes {
			return in, invalid.Field("jobCategory", "1 to %d characters", MaxCategoryRunes)
		}
		in.JobCategory = &c
	} else if create {
		return in, invalid.Field("jobCategory", "required")
	}
	if in.Industry != nil {
		c := strings.TrimSpace(*in.Industry)
		if utf8.RuneCountInString(c) > MaxCategoryRunes {
			return in, invalid.Field("industry", "at most %d characters", MaxCategoryRunes)
		}
		in.Industry = &c
	}
	if in.Tasks != nil && utf8.RuneCountInString(*in.Tasks) > MaxTasksRunes {
		return in, invalid.Field("tasks", "at most %d characters", MaxTasksRunes)
	}
	if in.TaskTags != nil {
		tags, err := invalid.List("taskTags", in.TaskTags, MaxTaskTags, MaxTagRunes)
		if err != nil {
			return in, err
		}
		in.TaskTags = tags
	}
	if in.LegalEntityNumber != nil && *in.LegalEntityNumber != "" {
		if err := clients.CheckLegalEntityNumber("legalEntityNumber", *in.LegalEntityNumber); err != nil {
			return in, err
		}
	}
	if in.Kind != nil {
		ok := false
		for _, k := range historyKinds {
			ok = ok || *in.Kind == k
		}
		if !ok {
			return in, invalid.Field("kind", "DISPATCHED or DIRECT_EMPLOYMENT")
		}
	} else if create {
		return in, invalid.Field("kind", "required")
	}
	start := current.StartDate
	if in.StartDate != nil {
		start = in.StartDate
	} else if create {
		return in, invalid.Field("startDate", "required")
	}
	end := current.EndDate
	if in.EndDate != nil {
		end = in.EndDate
	}
	if in.ClearEndDate {
		end = nil
	}
	if start != nil && start.After(today) {
		return in, invalid.Field("startDate", "cannot be in the future")
	}
	if start != nil && end != nil && end.Before(*start) {
		return in, invalid.Field("endDate", "cannot be before the start date")
	}
	return in, nil
}

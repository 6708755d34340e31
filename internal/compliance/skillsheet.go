package compliance

import "strings"

// SkillLine is one skill on the client-facing sheet. The field is called Skill, not Name, so that
// nothing on the sheet can be mistaken for (or mapped to) the registrant's name.
type SkillLine struct {
	Skill string
	Level int     // 1 basic … 5 expert
	Years float64 // years of use
}

// HistoryLine is one past job on the client-facing sheet: no company, no dates, only what the work was.
type HistoryLine struct {
	Industry       string
	JobCategory    string
	Tasks          string
	DurationMonths int
}

// SkillSheet is what a dispatch client may see before an assignment (§6.5). It deliberately has no
// name, age, birth date, gender, education or contact fields, so no mapping can fill them in.
type SkillSheet struct {
	Skills  []SkillLine
	History []HistoryLine
}

// AnonymousSkillSheet builds the client-facing sheet. It copies its inputs, so later edits to the
// registrant's records cannot change a sheet already shown, and drops blank lines.
func AnonymousSkillSheet(skills []SkillLine, history []HistoryLine) SkillSheet {
	var s SkillSheet
	for _, l := range skills {
		l.Skill = strings.TrimSpace(l.Skill)
		if l.Skill == "" {
			continue
		}
		s.Skills = append(s.Skills, l)
	}
	for _, h := range history {
		h.Industry = strings.TrimSpace(h.Industry)
		h.JobCategory = strings.TrimSpace(h.JobCategory)
		h.Tasks = strings.TrimSpace(h.Tasks)
		if h.Industry == "" && h.JobCategory == "" && h.Tasks == "" {
			continue
		}
		s.History = append(s.History, h)
	}
	return s
}

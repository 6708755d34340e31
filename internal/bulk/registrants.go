package bulk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/skill"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/bulk/report"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/registrants"
)

// Registrant CSV columns, in the order an export writes them (after external_key and id; skills
// and work_history last). The sensitive fields (birth date, education, gender: admins only, read
// audited), the account link and what the server keeps (registered_at, anonymisation, contact
// pressure) are not part of the format.
var registrantColumns = []column[ent.Registrant]{
	{name: "name", empty: emptyKeeps, required: true, parse: text, check: validator(registrant.NameValidator),
		get: func(r ent.Registrant) any { return r.Name }},
	{name: "kana", empty: emptyIsBlank, parse: text, check: validator(registrant.KanaValidator),
		get: func(r ent.Registrant) any { return r.Kana }},
	{name: "phone", empty: emptyClears, parse: text, check: validator(registrant.PhoneValidator),
		get: func(r ent.Registrant) any { return comparable(r.Phone) }},
	{name: "email", empty: emptyClears, parse: text, check: validator(registrant.EmailValidator),
		get: func(r ent.Registrant) any { return comparable(r.Email) }},
	{name: "preferred_contact_hours", empty: emptyIsBlank, parse: text, check: validator(registrant.PreferredContactHoursValidator),
		get: func(r ent.Registrant) any { return r.PreferredContactHours }},
	{name: "prefecture", empty: emptyKeeps, required: true, parse: text, check: validator(registrant.PrefectureValidator),
		get: func(r ent.Registrant) any { return r.Prefecture }},
	{name: "city", empty: emptyIsBlank, parse: text, check: validator(registrant.CityValidator),
		get: func(r ent.Registrant) any { return r.City }},
	{name: "nearest_station", empty: emptyIsBlank, parse: text, check: validator(registrant.NearestStationValidator),
		get: func(r ent.Registrant) any { return r.NearestStation }},
	{name: "max_commute_minutes", empty: emptyKeeps, parse: integer, check: validator(registrant.MaxCommuteMinutesValidator),
		get: func(r ent.Registrant) any { return r.MaxCommuteMinutes }},
	{name: "accepts_bus", empty: emptyKeeps, parse: boolean,
		get: func(r ent.Registrant) any { return r.AcceptsBus }},
	{name: "desired_hourly_wage", empty: emptyClears, parse: integer, check: validator(registrant.DesiredHourlyWageValidator),
		get: func(r ent.Registrant) any { return comparable(r.DesiredHourlyWage) }},
	{name: "desired_job_categories", empty: emptyIsList, parse: list, check: validator(registrant.DesiredJobCategoriesValidator),
		get: func(r ent.Registrant) any { return comparable(r.DesiredJobCategories) }},
	{name: "available_from", empty: emptyClears, parse: date,
		get: func(r ent.Registrant) any { return comparable(r.AvailableFrom) }},
	{name: "employment", empty: emptyKeeps, parse: enum(registrant.EmploymentFIXED_TERM, registrant.EmploymentINDEFINITE),
		check: validator(registrant.EmploymentValidator), get: func(r ent.Registrant) any { return string(r.Employment) }},
	{name: "daytime_student", empty: emptyKeeps, parse: boolean,
		get: func(r ent.Registrant) any { return r.DaytimeStudent }},
	{name: "income_exemption", empty: emptyKeeps, parse: boolean,
		get: func(r ent.Registrant) any { return r.IncomeExemption }},
	{name: "retired_at_mandatory_age", empty: emptyKeeps, parse: boolean,
		get: func(r ent.Registrant) any { return r.RetiredAtMandatoryAge }},
}

// The registrant columns holding her lists, each replacing the whole list when given.
const (
	colSkills  = "skills"
	colHistory = "work_history"
)

var registrantSpecial = []string{colKey, colID, colSkills, colHistory}

// RegistrantHeader is the header row of the registrant format, in export order.
func RegistrantHeader() []string {
	out := []string{colKey, colID}
	out = append(out, names0(registrantColumns)...)
	return append(out, colSkills, colHistory)
}

// skillCell is one entry of the skills cell.
type skillCell struct {
	Name  string   `json:"name"`
	Level *int     `json:"level"`
	Years *float64 `json:"years"`
}

// historyCell is one entry of the work_history cell (the fields of addRegistrantWorkHistory).
type historyCell struct {
	Company           *string  `json:"company"`
	LegalEntityNumber *string  `json:"legalEntityNumber"`
	Industry          *string  `json:"industry"`
	JobCategory       *string  `json:"jobCategory"`
	Tasks             *string  `json:"tasks"`
	TaskTags          []string `json:"taskTags"`
	StartDate         *string  `json:"startDate"`
	EndDate           *string  `json:"endDate"`
	Kind              *string  `json:"kind"`
}

// decodeList reads a JSON array cell strictly (unknown keys refused: a typo must not vanish).
func decodeList[T any](s string) ([]T, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var out []T
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("not a JSON array of entries: %v", err)
	}
	if dec.More() {
		return nil, errors.New("not one JSON array")
	}
	if out == nil {
		return nil, errors.New("a JSON array ([] for none)")
	}
	return out, nil
}

// parseSkills checks a skills cell with the rules of setRegistrantSkills.
func parseSkills(s string) ([]registrants.Skill, error) {
	cells, err := decodeList[skillCell](s)
	if err != nil {
		return nil, err
	}
	in := make([]registrants.Skill, len(cells))
	for i, c := range cells {
		in[i] = registrants.Skill{Name: c.Name, Level: skill.DefaultLevel, Years: skill.DefaultYears}
		if c.Level != nil {
			in[i].Level = *c.Level
		}
		if c.Years != nil {
			in[i].Years = *c.Years
		}
	}
	out, err := registrants.CheckSkills(in)
	if err != nil {
		return nil, reasonOf(err)
	}
	return out, nil
}

// parseHistory checks a work_history cell, entry by entry, with the rules of
// addRegistrantWorkHistory (today: no job starts in the future).
func parseHistory(s string, today time.Time) ([]registrants.WorkHistory, error) {
	cells, err := decodeList[historyCell](s)
	if err != nil {
		return nil, err
	}
	out := make([]registrants.WorkHistory, len(cells))
	for i, c := range cells {
		in := registrants.WorkHistory{Company: c.Company, LegalEntityNumber: c.LegalEntityNumber, Industry: c.Industry,
			JobCategory: c.JobCategory, Tasks: c.Tasks, TaskTags: c.TaskTags, Kind: c.Kind}
		for _, d := range []struct {
			in   *string
			out  **time.Time
			name string
		}{{c.StartDate, &in.StartDate, "startDate"}, {c.EndDate, &in.EndDate, "endDate"}} {
			if d.in == nil || *d.in == "" {
				continue
			}
			t, err := time.Parse(time.DateOnly, *d.in)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %s must be YYYY-MM-DD", i+1, d.name)
			}
			*d.out = &t
		}
		checked, err := registrants.CheckWorkHistory(in, true, registrants.WorkHistory{}, today)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, reasonOf(err))
		}
		out[i] = checked
	}
	return out, nil
}

// reasonOf is a rule's refusal as the report words it: "field: why".
func reasonOf(err error) error {
	var ie *invalid.Error
	if errors.As(err, &ie) {
		return errors.New(ie.Error())
	}
	return err
}

// canonicalSkills and canonicalHistory write a list in the one form exports use and comparisons
// compare: entries sorted, every key present.
func canonicalSkills(in []registrants.Skill) string {
	cells := make([]skillCell, len(in))
	for i, s := range in {
		cells[i] = skillCell{Name: s.Name, Level: &in[i].Level, Years: &in[i].Years}
	}
	slices.SortFunc(cells, func(a, b skillCell) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return marshal(cells)
}

func storedSkills(in []*ent.Skill) []registrants.Skill {
	out := make([]registrants.Skill, len(in))
	for i, s := range in {
		out[i] = registrants.Skill{Name: s.Name, Level: s.Level, Years: s.Years}
	}
	return out
}

func canonicalHistory(in []registrants.WorkHistory) string {
	cells := make([]historyCell, len(in))
	for i, h := range in {
		str := func(p *string) *string {
			s := ""
			if p != nil {
				s = *p
			}
			return &s
		}
		c := historyCell{Company: str(h.Company), Industry: str(h.Industry), JobCategory: str(h.JobCategory),
			Tasks: str(h.Tasks), Kind: str(h.Kind), TaskTags: h.TaskTags}
		if c.TaskTags == nil {
			c.TaskTags = []string{}
		}
		if h.LegalEntityNumber != nil && *h.LegalEntityNumber != "" {
			c.LegalEntityNumber = h.LegalEntityNumber
		}
		if h.StartDate != nil {
			d := h.StartDate.Format(time.DateOnly)
			c.StartDate = &d
		}
		if h.EndDate != nil {
			d := h.EndDate.Format(time.DateOnly)
			c.EndDate = &d
		}
		cells[i] = c
	}
	slices.SortStableFunc(cells, func(a, b historyCell) int {
		if c := strings.Compare(deref(a.StartDate), deref(b.StartDate)); c != 0 {
			return c
		}
		return strings.Compare(marshal(a), marshal(b))
	})
	return marshal(cells)
}

func storedHistory(in []*ent.WorkHistory) []registrants.WorkHistory {
	out := make([]registrants.WorkHistory, len(in))
	for i, w := range in {
		kind := string(w.Kind)
		start := w.StartDate
		out[i] = registrants.WorkHistory{Company: &w.Company, LegalEntityNumber: w.LegalEntityNumber, Industry: &w.Industry,
			JobCategory: &w.JobCategory, Tasks: &w.Tasks, TaskTags: w.TaskTags, StartDate: &start, EndDate: w.EndDate, Kind: &kind}
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// marshal is JSON without HTML escaping (a cell is not HTML; "&" stays "&").
func marshal(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // plain structs of strings and numbers
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// regOp is one registrant row to write: a new registrant (id 0) or the changes to one, and the
// lists it replaces.
type regOp struct {
	line           int
	id             int
	changes        []change
	replaceSkills  bool
	skills         []registrants.Skill
	replaceHistory bool
	history        []registrants.WorkHistory
}

// planRegistrants reads the rows against what is stored (one query per 1000 keys or ids, under the
// viewer's privacy) and returns the writes to make, the count of rows already as the file says, and
// the refused rows.
func (j *job) planRegistrants(ctx context.Context, t *table) ([]*regOp, int, error) {
	h, bad := readHeader(t.header, registrantColumns, registrantSpecial)
	if len(bad) > 0 {
		return nil, 0, fileError(bad)
	}
	_, withSkills := h.special[colSkills]
	_, withHistory := h.special[colHistory]
	rows := make([]*row, 0, len(t.rows))
	seen := newDedupe()
	var keys []string
	var ids []int
	for _, rec := range t.rows {
		r, bad := readRow(h, rec)
		if dup := seen.check(r); dup != nil {
			bad = append(bad, *dup)
		}
		if len(bad) > 0 {
			j.refuse(bad...)
			continue
		}
		rows = append(rows, r)
		if r.key != "" {
			keys = append(keys, r.key)
		}
		if r.id != 0 {
			ids = append(ids, r.id)
		}
	}
	byKey, byID := map[string]*ent.Registrant{}, map[int]*ent.Registrant{}
	query := func() *ent.RegistrantQuery {
		q := j.s.Client.Registrant.Query()
		if withSkills {
			q.WithSkills()
		}
		if withHistory {
			q.WithWorkHistories()
		}
		return q
	}
	keyed, err := keyedIDs(keys, func(part []string) ([]*ent.Registrant, error) {
		return j.s.Client.Registrant.Query().Where(registrant.ExternalKeyIn(part...)).
			Select(registrant.FieldID, registrant.FieldExternalKey).All(ctx)
	}, func() ([]*ent.Registrant, error) {
		return j.s.Client.Registrant.Query().Where(registrant.ExternalKeyNotNil()).
			Select(registrant.FieldID, registrant.FieldExternalKey).All(ctx)
	}, func(r *ent.Registrant) (int, *string) { return r.ID, r.ExternalKey })
	if err != nil {
		return nil, 0, fmt.Errorf("look up registrants by key: %w", err)
	}
	for _, part := range chunks(append(keyed, ids...), lookupChunk) {
		found, err := query().Where(registrant.IDIn(part...)).All(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("look up registrants: %w", err)
		}
		for _, r := range found {
			byID[r.ID] = r
			if r.ExternalKey != nil {
				byKey[*r.ExternalKey] = r
			}
		}
	}
	keyOf := func(r *ent.Registrant) *string { return r.ExternalKey }
	idOf := func(r *ent.Registrant) int { return r.ID }
	today := j.s.now()
	var ops []*regOp
	unchanged := 0
	for _, r := range rows {
		existing, why := target("registrant", r, byKey, byID, keyOf, idOf)
		if why != nil {
			j.refuse(*why)
			continue
		}
		if existing != nil && existing.AnonymizedAt != nil {
			j.refuse(report.Line{Line: r.line, Column: colKey, Reason: "this registrant deleted her account: her data is not imported again"})
			continue
		}
		changes, bad := diff(registrantColumns, r, existing, j.fold)
		changes = append(keyChange(r, existing, keyOf), changes...)
		op := &regOp{line: r.line, changes: changes}
		if existing != nil {
			op.id = existing.ID
		}
		if s, ok := r.raw[colSkills]; ok && s != "" {
			skills, err := parseSkills(s)
			switch {
			case err != nil:
				bad = append(bad, report.Line{Line: r.line, Column: colSkills, Reason: err.Error()})
			case existing == nil || !j.same(canonicalSkills(storedSkills(existing.Edges.Skills)), canonicalSkills(skills)):
				op.replaceSkills, op.skills = true, skills
			}
		}
		if s, ok := r.raw[colHistory]; ok && s != "" {
			history, err := parseHistory(s, today)
			switch {
			case err != nil:
				bad = append(bad, report.Line{Line: r.line, Column: colHistory, Reason: err.Error()})
			case existing == nil || !j.same(canonicalHistory(storedHistory(existing.Edges.WorkHistories)), canonicalHistory(history)):
				op.replaceHistory, op.history = true, history
			}
		}
		if len(bad) > 0 {
			j.refuse(bad...)
			continue
		}
		if existing != nil && len(op.changes) == 0 && !op.replaceSkills && !op.replaceHistory {
			unchanged++
			continue
		}
		ops = append(ops, op)
	}
	return ops, unchanged, nil
}

// lookupChunk bounds the ids or keys of one IN list.
const lookupChunk = 1000

// writeRegistrants writes ops in tx as the viewer: new registrants in bulk, changed ones field by
// field (UpdateOne), and the replaced lists (deleted in one statement, added in bulk).
func writeRegistrants(ctx context.Context, tx *ent.Tx, ops []*regOp) error {
	var creates []*ent.RegistrantCreate
	var created []*regOp
	for _, op := range ops {
		if op.id != 0 {
			continue
		}
		c := tx.Registrant.Create()
		if err := apply(c.Mutation(), op.changes); err != nil {
			return err
		}
		creates, created = append(creates, c), append(created, op)
	}
	newIDs := map[*regOp]int{}
	for i, part := range chunks(creates, createChunk) {
		nodes, err := tx.Registrant.CreateBulk(part...).Save(ctx)
		if err != nil {
			return err
		}
		for k, n := range nodes {
			newIDs[created[i*createChunk+k]] = n.ID
		}
	}
	var replacedSkills, replacedHistory []int
	for _, op := range ops {
		if op.id == 0 {
			continue
		}
		if len(op.changes) > 0 {
			u := tx.Registrant.UpdateOneID(op.id)
			if err := apply(u.Mutation(), op.changes); err != nil {
				return err
			}
			if err := u.Exec(ctx); err != nil {
				return err
			}
		}
		if op.replaceSkills {
			replacedSkills = append(replacedSkills, op.id)
		}
		if op.replaceHistory {
			replacedHistory = append(replacedHistory, op.id)
		}
	}
	for _, part := range chunks(replacedSkills, lookupChunk) {
		if _, err := tx.Skill.Delete().Where(skill.RegistrantIDIn(part...)).Exec(ctx); err != nil {
			return err
		}
	}
	for _, part := range chunks(replacedHistory, lookupChunk) {
		if _, err := tx.WorkHistory.Delete().Where(workhistory.RegistrantIDIn(part...)).Exec(ctx); err != nil {
			return err
		}
	}
	var skills []*ent.SkillCreate
	var history []*ent.WorkHistoryCreate
	for _, op := range ops {
		id := op.id
		if id == 0 {
			id = newIDs[op]
		}
		if op.replaceSkills {
			for _, k := range op.skills {
				skills = append(skills, tx.Skill.Create().SetRegistrantID(id).SetName(k.Name).SetLevel(k.Level).SetYears(k.Years))
			}
		}
		if op.replaceHistory {
			for _, w := range op.history {
				c := tx.WorkHistory.Create().SetRegistrantID(id).SetCompany(*w.Company).SetJobCategory(*w.JobCategory).
					SetStartDate(*w.StartDate).SetNillableEndDate(w.EndDate).SetKind(workhistory.Kind(*w.Kind)).
					SetNillableIndustry(w.Industry).SetNillableTasks(w.Tasks)
				if w.TaskTags != nil {
					c.SetTaskTags(w.TaskTags)
				}
				if w.LegalEntityNumber != nil && *w.LegalEntityNumber != "" {
					c.SetLegalEntityNumber(*w.LegalEntityNumber)
				}
				history = append(history, c)
			}
		}
	}
	for _, part := range chunks(skills, childChunk) {
		if err := tx.Skill.CreateBulk(part...).Exec(ctx); err != nil {
			return err
		}
	}
	for _, part := range chunks(history, childChunk) {
		if err := tx.WorkHistory.CreateBulk(part...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Rows of one INSERT: well under SQLite's 32766 and PostgreSQL's 65535 bound parameters.
const (
	createChunk = 500
	childChunk  = 1000
)

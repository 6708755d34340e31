package bulk

import (
	"context"
	"fmt"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/orgunit"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk/report"
)

const (
	colOrgUnit = "org_unit_id"
	colRep     = "account_rep_id"
)

// Posting CSV columns, in the order an export writes them (after external_key and id). What the
// server keeps (repost_count, times) is not part of the format.
var postingColumns = []column[ent.Posting]{
	{name: colOrgUnit, empty: emptyKeeps, required: true, parse: integer,
		get: func(p ent.Posting) any { return p.OrgUnitID }},
	{name: colRep, empty: emptyKeeps, parse: integer, // required of admins only: a sales rep's new posting is theirs
		get: func(p ent.Posting) any { return p.AccountRepID }},
	{name: "type", empty: emptyKeeps, parse: enum(posting.TypeDISPATCH, posting.TypeTEMP_TO_PERM),
		check: validator(posting.TypeValidator), get: func(p ent.Posting) any { return string(p.Type) }},
	{name: "visibility", empty: emptyKeeps, parse: enum(posting.VisibilityPUBLIC, posting.VisibilityNON_PUBLIC),
		check: validator(posting.VisibilityValidator), get: func(p ent.Posting) any { return string(p.Visibility) }},
	{name: "status", empty: emptyKeeps,
		parse: enum(posting.StatusDRAFT, posting.StatusOPEN, posting.StatusPAUSED, posting.StatusFILLED, posting.StatusCLOSED),
		check: validator(posting.StatusValidator), get: func(p ent.Posting) any { return string(p.Status) }},
	{name: "title", empty: emptyKeeps, required: true, parse: text, check: validator(posting.TitleValidator),
		get: func(p ent.Posting) any { return p.Title }},
	{name: "description", empty: emptyIsBlank, parse: text, check: validator(posting.DescriptionValidator),
		get: func(p ent.Posting) any { return p.Description }},
	{name: "job_category", empty: emptyKeeps, required: true, parse: text, check: validator(posting.JobCategoryValidator),
		get: func(p ent.Posting) any { return p.JobCategory }},
	{name: "required_skills", empty: emptyIsList, parse: list, check: validator(posting.RequiredSkillsValidator),
		get: func(p ent.Posting) any { return comparable(p.RequiredSkills) }},
	{name: "task_tags", empty: emptyIsList, parse: list, check: validator(posting.TaskTagsValidator),
		get: func(p ent.Posting) any { return comparable(p.TaskTags) }},
	{name: "hourly_wage", empty: emptyKeeps, required: true, parse: integer, check: validator(posting.HourlyWageValidator),
		get: func(p ent.Posting) any { return p.HourlyWage }},
	{name: "prefecture", empty: emptyKeeps, required: true, parse: text, check: validator(posting.PrefectureValidator),
		get: func(p ent.Posting) any { return p.Prefecture }},
	{name: "city", empty: emptyIsBlank, parse: text, check: validator(posting.CityValidator),
		get: func(p ent.Posting) any { return p.City }},
	{name: "nearest_station", empty: emptyIsBlank, parse: text, check: validator(posting.NearestStationValidator),
		get: func(p ent.Posting) any { return p.NearestStation }},
	{name: "walk_minutes", empty: emptyKeeps, parse: integer, check: validator(posting.WalkMinutesValidator),
		get: func(p ent.Posting) any { return p.WalkMinutes }},
	{name: "bus_required", empty: emptyKeeps, parse: boolean,
		get: func(p ent.Posting) any { return p.BusRequired }},
	{name: "working_hours", empty: emptyIsBlank, parse: text, check: validator(posting.WorkingHoursValidator),
		get: func(p ent.Posting) any { return p.WorkingHours }},
	{name: "avg_monthly_overtime_hours", empty: emptyKeeps, parse: integer, check: validator(posting.AvgMonthlyOvertimeHoursValidator),
		get: func(p ent.Posting) any { return p.AvgMonthlyOvertimeHours }},
	{name: "start_date", empty: emptyClears, parse: date,
		get: func(p ent.Posting) any { return comparable(p.StartDate) }},
	{name: "expected_duration_months", empty: emptyClears, parse: integer, check: validator(posting.ExpectedDurationMonthsValidator),
		get: func(p ent.Posting) any { return comparable(p.ExpectedDurationMonths) }},
	{name: "headcount", empty: emptyKeeps, parse: integer, check: validator(posting.HeadcountValidator),
		get: func(p ent.Posting) any { return p.Headcount }},
	{name: "discloses_client", empty: emptyKeeps, parse: boolean,
		get: func(p ent.Posting) any { return p.DisclosesClient }},
	{name: "department_details", empty: emptyClears, parse: text, check: validator(posting.DepartmentDetailsValidator),
		get: func(p ent.Posting) any { return comparable(p.DepartmentDetails) }},
	{name: "hiring_reason", empty: emptyClears, parse: text, check: validator(posting.HiringReasonValidator),
		get: func(p ent.Posting) any { return comparable(p.HiringReason) }},
	{name: "atmosphere_notes", empty: emptyClears, parse: text, check: validator(posting.AtmosphereNotesValidator),
		get: func(p ent.Posting) any { return comparable(p.AtmosphereNotes) }},
	{name: "predecessor_tenure_months", empty: emptyClears, parse: integer, check: validator(posting.PredecessorTenureMonthsValidator),
		get: func(p ent.Posting) any { return comparable(p.PredecessorTenureMonths) }},
	{name: "bill_rate", empty: emptyClears, parse: integer, check: validator(posting.BillRateValidator),
		get: func(p ent.Posting) any { return comparable(p.BillRate) }},
	{name: "client_contact", empty: emptyClears, parse: text, check: validator(posting.ClientContactValidator),
		get: func(p ent.Posting) any { return comparable(p.ClientContact) }},
}

var postingSpecial = []string{colKey, colID}

// PostingHeader is the header row of the posting format, in export order.
func PostingHeader() []string { return append([]string{colKey, colID}, names0(postingColumns)...) }

// postOp is one posting row to write: a new posting (id 0) or the changes to one.
type postOp struct {
	line    int
	id      int
	changes []change
}

// planPostings reads the rows against what is stored, under the viewer's privacy: the postings of the
// file's keys and ids, and its org units and account reps (which must be the viewer's agency's). A
// sales rep writes only postings of which they are the account rep, and hands none to another rep.
func (j *job) planPostings(ctx context.Context, t *table) ([]*postOp, int, error) {
	h, bad := readHeader(t.header, postingColumns, postingSpecial)
	if len(bad) > 0 {
		return nil, 0, fileError(bad)
	}
	rows := make([]*row, 0, len(t.rows))
	seen := newDedupe()
	var keys []string
	var ids []int
	units, reps := map[int]bool{}, map[int]bool{}
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
		if c := r.fields[colOrgUnit]; !c.empty && c.v != nil {
			units[c.v.(int)] = false
		}
		if c := r.fields[colRep]; !c.empty && c.v != nil {
			reps[c.v.(int)] = false
		}
	}
	byKey, byID := map[string]*ent.Posting{}, map[int]*ent.Posting{}
	keyed, err := keyedIDs(keys, func(part []string) ([]*ent.Posting, error) {
		return j.s.Client.Posting.Query().Where(posting.ExternalKeyIn(part...)).
			Select(posting.FieldID, posting.FieldExternalKey).All(ctx)
	}, func() ([]*ent.Posting, error) {
		return j.s.Client.Posting.Query().Where(posting.ExternalKeyNotNil()).
			Select(posting.FieldID, posting.FieldExternalKey).All(ctx)
	}, func(p *ent.Posting) (int, *string) { return p.ID, p.ExternalKey })
	if err != nil {
		return nil, 0, fmt.Errorf("look up postings by key: %w", err)
	}
	for _, part := range chunks(append(keyed, ids...), lookupChunk) {
		found, err := j.s.Client.Posting.Query().Where(posting.IDIn(part...)).All(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("look up postings: %w", err)
		}
		for _, p := range found {
			byID[p.ID] = p
			if p.ExternalKey != nil {
				byKey[*p.ExternalKey] = p
			}
		}
	}
	if err := exist(ctx, units, func(part []int) ([]int, error) {
		return j.s.Client.OrgUnit.Query().Where(orgunit.IDIn(part...)).IDs(ctx)
	}); err != nil {
		return nil, 0, fmt.Errorf("look up org units: %w", err)
	}
	if err := exist(ctx, reps, func(part []int) ([]int, error) {
		return j.s.Client.SalesRep.Query().Where(salesrep.IDIn(part...)).IDs(ctx)
	}); err != nil {
		return nil, 0, fmt.Errorf("look up sales reps: %w", err)
	}
	keyOf := func(p *ent.Posting) *string { return p.ExternalKey }
	idOf := func(p *ent.Posting) int { return p.ID }
	rep := j.viewer.Role == auth.RoleSalesRep
	var ops []*postOp
	unchanged := 0
	for _, r := range rows {
		existing, why := target("posting", r, byKey, byID, keyOf, idOf)
		if why != nil {
			j.refuse(*why)
			continue
		}
		var bad []report.Line
		refuse := func(col, why string) { bad = append(bad, report.Line{Line: r.line, Column: col, Reason: why}) }
		if rep && existing != nil && existing.AccountRepID != j.viewer.ProfileID {
			j.refuse(report.Line{Line: r.line, Column: colKey,
				Reason: "the posting is another account rep's: only they or an admin import it"})
			continue
		}
		if c := r.fields[colOrgUnit]; !c.empty && c.v != nil && !units[c.v.(int)] {
			refuse(colOrgUnit, "no org unit with this id")
		}
		if c := r.fields[colRep]; !c.empty && c.v != nil {
			switch {
			case !reps[c.v.(int)]:
				refuse(colRep, "no sales rep with this id")
			case rep && c.v.(int) != j.viewer.ProfileID:
				refuse(colRep, "only admins give a posting to another account rep")
			}
		} else if existing == nil && !rep {
			refuse(colRep, "required for a new posting")
		}
		changes, more := diff(postingColumns, r, existing, j.fold)
		bad = append(bad, more...)
		if len(bad) > 0 {
			j.refuse(bad...)
			continue
		}
		changes = append(keyChange(r, existing, keyOf), changes...)
		if existing != nil && len(changes) == 0 {
			unchanged++
			continue
		}
		op := &postOp{line: r.line, changes: changes}
		if existing != nil {
			op.id = existing.ID
		}
		ops = append(ops, op)
	}
	return ops, unchanged, nil
}

// exist marks, in ids, the ids the viewer may see (query answers them, a chunk at a time).
func exist(_ context.Context, ids map[int]bool, query func([]int) ([]int, error)) error {
	all := make([]int, 0, len(ids))
	for id := range ids {
		all = append(all, id)
	}
	for _, part := range chunks(all, lookupChunk) {
		found, err := query(part)
		if err != nil {
			return err
		}
		for _, id := range found {
			ids[id] = true
		}
	}
	return nil
}

// writePostings writes ops in tx as the viewer — new postings in bulk, changed ones with UpdateOne —
// through the posting hooks (minimum wage, the webhook outbox in the same transaction).
func writePostings(ctx context.Context, tx *ent.Tx, ops []*postOp) error {
	var creates []*ent.PostingCreate
	for _, op := range ops {
		if op.id != 0 {
			u := tx.Posting.UpdateOneID(op.id)
			if err := apply(u.Mutation(), op.changes); err != nil {
				return err
			}
			if err := u.Exec(ctx); err != nil {
				return err
			}
			continue
		}
		c := tx.Posting.Create()
		if err := apply(c.Mutation(), op.changes); err != nil {
			return err
		}
		creates = append(creates, c)
	}
	for _, part := range chunks(creates, createChunk) {
		if err := tx.Posting.CreateBulk(part...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Package minwage keeps the agency's minimum-wage table (地域別最低賃金, per prefecture and effective
// date) and refuses a posting opened below it: the ent hook on postings runs compliance.MinimumWage
// (the pure rule) against the table whenever a posting is, or stays, OPEN with a new wage,
// prefecture, start date or status. Admins import the table from CSV.
package minwage

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	entgo "entgo.io/ent"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/minimumwage"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/region"
)

// ErrAdminOnly: only admins import the table.
var ErrAdminOnly = errors.New("only admins import the minimum-wage table")

// MaxRows bounds one import (47 prefectures × many years fits easily).
const MaxRows = 5000

// Row is one line of an import.
type Row struct {
	Prefecture    string
	HourlyWage    int
	EffectiveFrom time.Time
}

// ParseCSV reads "prefecture,hourly_wage,effective_from" lines (a header line is allowed; dates
// YYYY-MM-DD). Any bad line rejects the whole file, naming the line, so nothing is half-imported.
func ParseCSV(text string) ([]Row, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows []Row
	seen := map[string]int{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalid.Field("csv", "line %d: %v", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if line == 1 && len(rec) > 0 && (strings.EqualFold(strings.TrimSpace(rec[0]), "prefecture") || strings.TrimSpace(rec[0]) == "都道府県") {
			continue
		}
		if len(rec) != 3 {
			return nil, invalid.Field("csv", "line %d: want 3 columns (prefecture, hourly_wage, effective_from), got %d", line, len(rec))
		}
		pref := strings.TrimSpace(rec[0])
		if !region.IsPrefecture(pref) {
			return nil, invalid.Field("csv", "line %d: %q is not a prefecture", line, pref)
		}
		wage, err := strconv.Atoi(strings.TrimSpace(rec[1]))
		if err != nil || wage < 1 || wage > 100000 {
			return nil, invalid.Field("csv", "line %d: hourly wage %q must be a whole number of yen from 1 to 100000", line, rec[1])
		}
		from, err := time.Parse(time.DateOnly, strings.TrimSpace(rec[2]))
		if err != nil {
			return nil, invalid.Field("csv", "line %d: effective date %q must be YYYY-MM-DD", line, rec[2])
		}
		key := pref + "|" + from.Format(time.DateOnly)
		if prev, dup := seen[key]; dup {
			return nil, invalid.Field("csv", "line %d: %s from %s is already on line %d", line, pref, from.Format(time.DateOnly), prev)
		}
		seen[key] = line
		rows = append(rows, Row{Prefecture: pref, HourlyWage: wage, EffectiveFrom: from})
		if len(rows) > MaxRows {
			return nil, invalid.Field("csv", "more than %d rows", MaxRows)
		}
	}
	if len(rows) == 0 {
		return nil, invalid.Field("csv", "no rows")
	}
	return rows, nil
}

// Service imports and lists the table.
type Service struct{ Client *ent.Client }

// Import writes the CSV's rows into the viewer's agency table (admins), replacing the wage of a
// prefecture and date already there, in one transaction; it answers how many rows the file had and
// the whole table after it.
func (s Service) Import(ctx context.Context, text string, sample bool) (int, []*ent.MinimumWage, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return 0, nil, fmt.Errorf("import minimum wages: %w", access.ErrNoViewer)
	}
	if v.Role != auth.RoleAdmin {
		return 0, nil, fmt.Errorf("import minimum wages: %w", ErrAdminOnly)
	}
	rows, err := ParseCSV(text)
	if err != nil {
		return 0, nil, err
	}
	var out []*ent.MinimumWage
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		for _, r := range rows {
			n, err := tx.MinimumWage.Update().Where(minimumwage.AgencyID(v.AgencyID), minimumwage.Prefecture(r.Prefecture),
				minimumwage.EffectiveFrom(r.EffectiveFrom)).SetHourlyWage(r.HourlyWage).SetSample(sample).Save(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				if err := tx.MinimumWage.Create().SetPrefecture(r.Prefecture).SetHourlyWage(r.HourlyWage).
					SetEffectiveFrom(r.EffectiveFrom).SetSample(sample).Exec(ctx); err != nil {
					return err
				}
			}
		}
		var err error
		out, err = tx.MinimumWage.Query().Where(minimumwage.AgencyID(v.AgencyID)).
			Order(ent.Asc(minimumwage.FieldPrefecture), ent.Asc(minimumwage.FieldEffectiveFrom)).All(ctx)
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("import minimum wages: %w", err)
	}
	for i := range out {
		out[i] = out[i].Unwrap()
	}
	return len(rows), out, nil
}

// List returns the viewer's agency table (staff), optionally one prefecture, by prefecture and date.
func (s Service) List(ctx context.Context, prefecture *string) ([]*ent.MinimumWage, error) {
	q := s.Client.MinimumWage.Query()
	if prefecture != nil {
		q = q.Where(minimumwage.Prefecture(*prefecture))
	}
	out, err := q.Order(ent.Asc(minimumwage.FieldPrefecture), ent.Asc(minimumwage.FieldEffectiveFrom)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("minimum wages: %w", err)
	}
	return out, nil
}

// state is what the rule needs of a posting after a write.
type state struct {
	agencyID   int
	status     posting.Status
	wage       int
	prefecture string
	start      *time.Time
}

// PostingHook refuses (compliance.ViolationError) a write that leaves a posting OPEN below its
// prefecture's minimum wage on the day of the write or on its start date.
func PostingHook() entgo.Hook {
	return func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			pm, ok := m.(*ent.PostingMutation)
			if !ok {
				return next.Mutate(ctx, m)
			}
			if err := check(ctx, pm); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}
}

func check(ctx context.Context, m *ent.PostingMutation) error {
	status, setStatus := m.Status()
	wage, setWage := m.HourlyWage()
	pref, setPref := m.Prefecture()
	start, setStart := m.StartDate()
	clearStart := m.StartDateCleared()
	if !m.Op().Is(entgo.OpCreate) && !setStatus && !setWage && !setPref && !setStart && !clearStart {
		return nil
	}
	// The rows being written and the table are read past the writer's scope: the answer is only
	// whether the write may proceed.
	sys := access.System(ctx, "minimum wage: the posting's current values and the agency's table, to check a write")
	var states []state
	if m.Op().Is(entgo.OpCreate) {
		agencyID, _ := m.AgencyID()
		st := state{agencyID: agencyID, status: posting.DefaultStatus, wage: wage, prefecture: pref}
		if setStatus {
			st.status = status
		}
		if setStart {
			st.start = &start
		}
		states = append(states, st)
	} else {
		ids, err := m.IDs(sys)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		rows, err := m.Client().Posting.Query().Where(posting.IDIn(ids...)).All(sys)
		if err != nil {
			return err
		}
		for _, p := range rows {
			st := state{agencyID: p.AgencyID, status: p.Status, wage: p.HourlyWage, prefecture: p.Prefecture, start: p.StartDate}
			if setStatus {
				st.status = status
			}
			if setWage {
				st.wage = wage
			}
			if setPref {
				st.prefecture = pref
			}
			if setStart {
				st.start = &start
			}
			if clearStart {
				st.start = nil
			}
			states = append(states, st)
		}
	}
	now := time.Now()
	for _, st := range states {
		if st.status != posting.StatusOPEN {
			continue
		}
		floors, err := m.Client().MinimumWage.Query().Where(minimumwage.AgencyID(st.agencyID), minimumwage.Prefecture(st.prefecture)).All(sys)
		if err != nil {
			return err
		}
		table := make([]compliance.WageFloor, len(floors))
		for i, f := range floors {
			table[i] = compliance.WageFloor{Prefecture: f.Prefecture, HourlyWage: f.HourlyWage, EffectiveFrom: f.EffectiveFrom, Sample: f.Sample}
		}
		on := []time.Time{now}
		if st.start != nil && st.start.After(now) {
			on = append(on, *st.start)
		}
		if fs := compliance.MinimumWage(st.wage, st.prefecture, table, on...); len(fs) > 0 {
			return &compliance.ViolationError{Findings: fs}
		}
	}
	return nil
}

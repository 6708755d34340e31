package records

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/generalwage"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtx"
)

// ErrWagesAdminOnly: the general-wage table is loaded by the agency's admins.
var ErrWagesAdminOnly = errors.New("only admins load the general-wage table")

// ImportGeneralWages loads a general-wage CSV (ParseGeneralWages) into the viewer's agency's table:
// the whole file or nothing (an ImportError lists every bad line); a row already there for the same
// year, category, experience and prefecture is replaced. It answers the rows in the file.
func (s *Service) ImportGeneralWages(ctx context.Context, text string, sample bool) (int, error) {
	v, ok := auth.ViewerFrom(ctx)
	switch {
	case !ok:
		return 0, fmt.Errorf("import general wages: %w", access.ErrNoViewer)
	case v.Role != auth.RoleAdmin:
		return 0, fmt.Errorf("import general wages: %w", ErrWagesAdminOnly)
	}
	table, err := ParseGeneralWages(strings.NewReader(text))
	if err != nil {
		return 0, fmt.Errorf("import general wages: %w", err)
	}
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		for _, g := range table {
			n, err := tx.GeneralWage.Update().Where(generalwage.AgencyID(v.AgencyID), generalwage.FiscalYear(g.FiscalYear),
				generalwage.JobCategory(g.JobCategory), generalwage.ExperienceYears(g.ExperienceYears), generalwage.Prefecture(g.Prefecture)).
				SetBaseWage(g.BaseWage).SetExperienceIndex(g.ExperienceIndex).SetAreaIndex(g.AreaIndex).SetSample(sample).Save(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				if err := tx.GeneralWage.Create().SetAgencyID(v.AgencyID).SetFiscalYear(g.FiscalYear).SetJobCategory(g.JobCategory).
					SetExperienceYears(g.ExperienceYears).SetPrefecture(g.Prefecture).SetBaseWage(g.BaseWage).
					SetExperienceIndex(g.ExperienceIndex).SetAreaIndex(g.AreaIndex).SetSample(sample).Exec(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("import general wages: %w", err)
	}
	return len(table), nil
}

// GeneralWages is the viewer's agency's table (staff), one fiscal year or all, in a stable order.
func (s *Service) GeneralWages(ctx context.Context, fiscalYear *int) ([]GeneralWage, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("general wages: %w", err)
	}
	q := s.Client.GeneralWage.Query().Order(ent.Asc(generalwage.FieldFiscalYear), ent.Asc(generalwage.FieldJobCategory),
		ent.Asc(generalwage.FieldPrefecture), ent.Asc(generalwage.FieldExperienceYears))
	if fiscalYear != nil {
		q.Where(generalwage.FiscalYear(*fiscalYear))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("general wages: %w", err)
	}
	return wageTable(rows), nil
}

// AgencyWageTable reads an agency's general wages for one fiscal year, for a check past the
// caller's scope (the table is the agency's, every staff member reads it anyway).
func AgencyWageTable(ctx context.Context, c *ent.Client, agencyID, fiscalYear int) (WageTable, bool, error) {
	sys := access.System(ctx, "equal pay: the agency's general-wage table for a placement check")
	rows, err := c.GeneralWage.Query().Where(generalwage.AgencyID(agencyID), generalwage.FiscalYear(fiscalYear)).All(sys)
	if err != nil {
		return nil, false, err
	}
	if len(rows) > 0 {
		return wageTable(rows), true, nil
	}
	// No row for the year: a warning if the agency uses the method at all, nothing if it does not.
	uses, err := c.GeneralWage.Query().Where(generalwage.AgencyID(agencyID)).Exist(sys)
	return nil, uses, err
}

func wageTable(rows []*ent.GeneralWage) WageTable {
	out := make(WageTable, len(rows))
	for i, r := range rows {
		out[i] = GeneralWage{FiscalYear: r.FiscalYear, JobCategory: r.JobCategory, ExperienceYears: r.ExperienceYears,
			Prefecture: r.Prefecture, BaseWage: r.BaseWage, ExperienceIndex: r.ExperienceIndex, AreaIndex: r.AreaIndex, Sample: r.Sample}
	}
	return out
}

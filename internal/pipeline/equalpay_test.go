package pipeline_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/records"
)

// TestEqualPayAtOffer: once the agency loaded a general-wage table, an offer to a 協定対象 worker is
// checked against it — exactly the general wage passes, one yen below is COMPLIANCE_VIOLATION with
// EQUAL_PAY_GENERAL_WAGE, a worker outside the agreement is not checked, an undecided one and a
// year without a row are warnings; an agency without a table is not checked at all.
func TestEqualPayAtOffer(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			f := newFixture(t, db.Client, "eq")
			adminAcc := db.Client.Account.Create().SetAgencyID(f.ag.ID).SetEmail("admin@eq.example").SetPasswordHash("x").
				SetRole(account.RoleADMIN).SaveX(sys)
			admin := f.as(&auth.Viewer{AccountID: adminAcc.ID, AgencyID: f.ag.ID, Role: auth.RoleAdmin})
			rules := func(r *pipeline.Result, err error) []string {
				var out []string
				var ce *pipeline.ComplianceError
				switch {
				case errors.As(err, &ce):
					for _, x := range ce.Findings {
						out = append(out, "BLOCK "+x.Rule)
					}
				case err != nil:
					t.Fatal(err)
				default:
					for _, x := range r.Warnings {
						out = append(out, string(x.Severity)+" "+x.Rule)
					}
				}
				return out
			}
			offer := func() []string {
				a := f.apply(t, f.post)
				for _, to := range []string{"SCREENING", "SCREENING_PASSED"} {
					if _, err := f.move(a, to, "", ""); err != nil {
						t.Fatal(err)
					}
				}
				out := rules(f.move(a, "OFFERED", "2026-12-01", "2027-02-28"))
				// Withdraw so the next offer can apply again.
				_, _ = f.svc.Advance(f.as(f.regV), pipeline.Move{ApplicationID: a.ID, To: pipeline.WithdrawnStatus})
				return out
			}
			has := func(got []string, want string) bool {
				return slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, want) })
			}
			yes, no := true, false
			setCovered := func(v *bool) {
				u := db.Client.Registrant.UpdateOneID(f.reg.ID)
				if v == nil {
					u.ClearAgreementCovered()
				} else {
					u.SetAgreementCovered(*v)
				}
				u.ExecX(sys)
			}

			setCovered(&yes)
			if got := offer(); has(got, records.RuleEqualPayGeneralWage) || has(got, records.RuleEqualPayNoTable) {
				t.Errorf("no table loaded: checked anyway: %v", got)
			}
			// 1500 yen = 1200 × 100.0 % × 125.0 %: exactly the posting's wage.
			csv := "fiscal_year,job_category,experience_years,prefecture,base_wage,experience_index,area_index\n" +
				"2026,一般事務,0,東京都,1200,100.0,125.0\n"
			if n, err := (&records.Service{Client: db.Client}).ImportGeneralWages(admin, csv, true); err != nil || n != 1 {
				t.Fatalf("import: %d %v", n, err)
			}
			if got := offer(); has(got, records.RuleEqualPayGeneralWage) {
				t.Errorf("exactly the general wage: %v", got)
			}
			csv = strings.Replace(csv, "1200,100.0,125.0", "1201,100.0,125.0", 1) // 1,502 yen: above the wage
			if _, err := (&records.Service{Client: db.Client}).ImportGeneralWages(admin, csv, true); err != nil {
				t.Fatal(err)
			}
			if got := offer(); !slices.Contains(got, "BLOCK "+records.RuleEqualPayGeneralWage) {
				t.Errorf("below the general wage: %v", got)
			}
			setCovered(&no)
			if got := offer(); has(got, records.RuleEqualPayGeneralWage) || has(got, records.RuleEqualPayUndecided) {
				t.Errorf("not 協定対象: checked: %v", got)
			}
			setCovered(nil)
			if got := offer(); !slices.Contains(got, fmt.Sprintf("WARN %s", records.RuleEqualPayUndecided)) {
				t.Errorf("coverage undecided: %v", got)
			}
			// Another year (FY2027 starts in April): no row is a warning.
			setCovered(&yes)
			a := f.apply(t, f.post)
			for _, to := range []string{"SCREENING", "SCREENING_PASSED"} {
				if _, err := f.move(a, to, "", ""); err != nil {
					t.Fatal(err)
				}
			}
			if got := rules(f.move(a, "OFFERED", "2027-04-01", "2027-06-30")); !slices.Contains(got, "WARN "+records.RuleEqualPayNoTable) {
				t.Errorf("no row for FY2027: %v", got)
			}
			// Only admins load the table; a bad file is refused whole.
			if _, err := (&records.Service{Client: db.Client}).ImportGeneralWages(f.as(f.repV), csv, false); !errors.Is(err, records.ErrWagesAdminOnly) {
				t.Errorf("sales rep import: %v", err)
			}
			var ie *records.ImportError
			if _, err := (&records.Service{Client: db.Client}).ImportGeneralWages(admin, csv+"2026,x,1,東京都,abc,100.0,100.0\n", false); !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 3 {
				t.Errorf("bad line: %v", err)
			}
		})
	}
}

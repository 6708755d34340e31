package pipeline_test

import (
	"testing"

	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestInsuranceUsesAgencyKnobs: the lead and gap days come from the registrant's agency (the schema
// default of 30 lead days lives there only), for the single read and for the at-risk list alike.
func TestInsuranceUsesAgencyKnobs(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			f := newFixture(t, db.Client, "knobs") // today 2026-11-20
			db.Client.Assignment.Create().SetAgencyID(f.ag.ID).SetRegistrantID(f.reg.ID).SetPostingID(f.post.ID).
				SetOrgUnitID(f.post.OrgUnitID).SetStartDate(date("2026-06-01")).SetEndDate(date("2026-12-10")).
				SetHourlyWage(1500).SetStatus(assignment.StatusACTIVE).SaveX(sys)
			atRisk := func() (bool, int) {
				t.Helper()
				m, err := f.svc.Insurance(f.as(f.repV), []int{f.reg.ID})
				if err != nil {
					t.Fatal(err)
				}
				list, err := f.svc.RegistrantsAtInsuranceRisk(f.as(f.repV))
				if err != nil {
					t.Fatal(err)
				}
				return m[f.reg.ID].AtRisk, len(list)
			}
			// Ends in 20 days: inside the default 30 lead days.
			if risk, n := atRisk(); !risk || n != 1 {
				t.Fatalf("default lead days: at risk %v, listed %d", risk, n)
			}
			db.Client.Agency.UpdateOne(f.ag).SetNextJobLeadDays(10).ExecX(sys)
			if risk, n := atRisk(); risk || n != 0 {
				t.Fatalf("10 lead days: at risk %v, listed %d", risk, n)
			}
			db.Client.Agency.UpdateOne(f.ag).SetInsuranceGapDays(7).ExecX(sys)
			m, err := f.svc.Insurance(f.as(f.regV), []int{f.reg.ID})
			if err != nil {
				t.Fatal(err)
			}
			if got := m[f.reg.ID].Deadline; !got.Equal(date("2026-12-17")) {
				t.Fatalf("deadline with 7 gap days: %v", got)
			}
		})
	}
}

package pipeline_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/tenure"
)

// The client-facing skill sheet counts the months she worked through this agency — also on another
// rep's posting the requesting rep cannot see — as anonymous history lines: industry, job category,
// tasks, months; never the client's name or the dates (issue 15 item 8).
func TestSkillSheetIncludesAssignments(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			c := db.Client
			f := newFixture(t, c, "sheet-"+string(kind))
			otherAcc := c.Account.Create().SetAgencyID(f.ag.ID).SetEmail("rep2@sheet-" + string(kind) + ".example").SetPasswordHash("x").
				SetRole(account.RoleSALES_REP).SaveX(sys)
			other := c.SalesRep.Create().SetAgencyID(f.ag.ID).SetName("別担当").SetKind(salesrep.KindACCOUNT).SetAccountID(otherAcc.ID).SaveX(sys)
			earlier := c.Posting.Create().SetAgencyID(f.ag.ID).SetOrgUnitID(f.post.OrgUnitID).SetAccountRepID(other.ID).SetTitle("経理 株式会社X").
				SetJobCategory("経理事務").SetTaskTags([]string{"請求書発行", "仕訳入力"}).SetHourlyWage(1500).SetPrefecture("東京都").
				SetStatus(posting.StatusCLOSED).SaveX(sys)
			asg := c.Assignment.Create().SetAgencyID(f.ag.ID).SetRegistrantID(f.reg.ID).SetPostingID(earlier.ID).SetOrgUnitID(f.post.OrgUnitID).
				SetStartDate(date("2024-04-01")).SetEndDate(date("2025-09-30")).SetHourlyWage(1500).SetStatus(assignment.StatusENDED).SaveX(sys)
			a := f.apply(t, f.post)
			sheet, err := f.svc.SkillSheet(f.as(f.repV), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := tenure.Worked(asg.StartDate, asg.EndDate, f.svc.Now())
			found := false
			for _, h := range sheet.History {
				if h.JobCategory == "経理事務" && h.Industry == "製造業" && h.Tasks == "請求書発行、仕訳入力" && h.DurationMonths == want {
					found = true
				}
			}
			if !found || want == 0 {
				t.Fatalf("skill sheet history %+v lacks the %d months of 経理事務 through the agency", sheet.History, want)
			}
			if s := fmt.Sprintf("%+v", sheet); strings.Contains(s, "株式会社X") || strings.Contains(s, "2024") || strings.Contains(s, f.reg.Name) {
				t.Fatalf("skill sheet not anonymous: %s", s)
			}
		})
	}
}

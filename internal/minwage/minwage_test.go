package minwage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/minwage"
)

func TestParseCSV(t *testing.T) {
	rows, err := minwage.ParseCSV("\ufeffprefecture,hourly_wage,effective_from\n東京都,1226,2025-10-03\n大阪府, 1177 ,2025-10-16\n\n")
	if err != nil || len(rows) != 2 || rows[1].HourlyWage != 1177 || rows[1].Prefecture != "大阪府" {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	for _, bad := range []string{"", "東京都,1226", "東京都,abc,2025-10-03", "東京都,0,2025-10-03", "東京,1226,2025-10-03",
		"東京都,1226,2025/10/03", "東京都,1226,2025-10-03\n東京都,1300,2025-10-03"} {
		var ie *invalid.Error
		if _, err := minwage.ParseCSV(bad); !errors.As(err, &ie) || ie.Field != "csv" {
			t.Errorf("ParseCSV(%q) = %v, want a BAD_USER_INPUT on csv", bad, err)
		}
	}
}

// A posting below its prefecture's minimum wage cannot be opened — created OPEN, opened later, or
// lowered while open — while a draft may hold any wage (issue 15 item 8). Only admins import the
// table; a bad file imports nothing.
func TestPostingBelowMinimumWageCannotOpen(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			c := db.Client
			sys := access.System(context.Background(), "test fixture")
			ag := c.Agency.Create().SetName("A").SetSlug("a").SaveX(sys)
			adm := c.Account.Create().SetAgencyID(ag.ID).SetEmail("admin@a.example").SetPasswordHash("x").SetRole(account.RoleADMIN).SaveX(sys)
			repAcc := c.Account.Create().SetAgencyID(ag.ID).SetEmail("rep@a.example").SetPasswordHash("x").SetRole(account.RoleSALES_REP).SaveX(sys)
			rep := c.SalesRep.Create().SetAgencyID(ag.ID).SetName("R").SetKind(salesrep.KindACCOUNT).SetAccountID(repAcc.ID).SaveX(sys)
			cl := c.ClientCompany.Create().SetAgencyID(ag.ID).SetName("X").SetIndustry("製造業").SaveX(sys)
			site := c.ClientSite.Create().SetAgencyID(ag.ID).SetClientID(cl.ID).SetName("S").SetAddress("a").SetPrefecture("東京都").SaveX(sys)
			unit := c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(site.ID).SetName("U").SaveX(sys)
			admin := auth.WithViewer(context.Background(), &auth.Viewer{AccountID: adm.ID, AgencyID: ag.ID, Role: auth.RoleAdmin})
			repCtx := auth.WithViewer(context.Background(), &auth.Viewer{AccountID: repAcc.ID, AgencyID: ag.ID, Role: auth.RoleSalesRep, ProfileID: rep.ID})
			svc := minwage.Service{Client: c}

			if _, _, err := svc.Import(repCtx, "東京都,1226,2025-10-03", false); !errors.Is(err, minwage.ErrAdminOnly) {
				t.Fatalf("sales rep import: %v", err)
			}
			if _, _, err := svc.Import(admin, "東京都,1163,2024-10-01\n大阪府,x,2025-10-16", false); err == nil {
				t.Fatal("a bad line must reject the file")
			}
			if n := c.MinimumWage.Query().CountX(sys); n != 0 {
				t.Fatalf("a rejected file left %d rows", n)
			}
			n, table, err := svc.Import(admin, "prefecture,hourly_wage,effective_from\n東京都,1163,2024-10-01\n東京都,1226,2025-10-03", false)
			if err != nil || n != 2 || len(table) != 2 {
				t.Fatalf("import: %d rows, table %d, %v", n, len(table), err)
			}

			mk := func(status posting.Status, wage int) *ent.PostingCreate {
				return c.Posting.Create().SetOrgUnitID(unit.ID).SetAccountRepID(rep.ID).SetTitle("P").SetJobCategory("一般事務").
					SetHourlyWage(wage).SetPrefecture("東京都").SetStatus(status)
			}
			isViolation := func(err error) bool {
				var v *compliance.ViolationError
				return errors.As(err, &v) && v.Findings[0].Rule == compliance.RuleMinimumWage
			}
			if _, err := mk(posting.StatusOPEN, 1225).Save(repCtx); !isViolation(err) {
				t.Fatalf("open posting a yen below the minimum: %v", err)
			}
			draft, err := mk(posting.StatusDRAFT, 1200).Save(repCtx)
			if err != nil {
				t.Fatalf("a draft below the minimum: %v", err)
			}
			if err := draft.Update().SetStatus(posting.StatusOPEN).Exec(repCtx); !isViolation(err) {
				t.Fatalf("opening the draft below the minimum: %v", err)
			}
			if err := draft.Update().SetStatus(posting.StatusOPEN).SetHourlyWage(1226).Exec(repCtx); err != nil {
				t.Fatalf("opening at the minimum: %v", err)
			}
			if err := c.Posting.UpdateOneID(draft.ID).SetHourlyWage(1200).Exec(repCtx); !isViolation(err) {
				t.Fatalf("lowering an open posting's wage below the minimum: %v", err)
			}
			if _, err := c.Posting.Update().SetHourlyWage(1000).Save(repCtx); !isViolation(err) {
				t.Fatalf("bulk update below the minimum: %v", err)
			}
			if got := c.Posting.GetX(sys, draft.ID); got.HourlyWage != 1226 || got.Status != posting.StatusOPEN {
				t.Fatalf("refused writes changed the posting: %d %v", got.HourlyWage, got.Status)
			}
			// Another prefecture without a table row: nothing to check.
			if _, err := mk(posting.StatusOPEN, 1000).SetPrefecture("沖縄県").Save(repCtx); err != nil {
				t.Fatalf("no floor known: %v", err)
			}
		})
	}
}

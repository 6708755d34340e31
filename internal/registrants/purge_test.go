package registrants_test

import (
	"context"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/consent"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/registrants"
	"github.com/example/staffcrm/internal/seed"
)

// TestPurge: the retention job removes a deleted registrant's name once the ledger no longer needs
// it (3 years after her last assignment ended) and not before, and deletes sign-ups left unverified
// for a week with their consents; a second run finds nothing.
func TestPurge(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			c := db.Client
			sys := access.System(context.Background(), "test: fixtures")
			if err := seed.Demo(sys, c, func(pw string) (string, error) { return "x:" + pw, nil }); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
			p := c.Posting.Query().Where(posting.StatusEQ(posting.StatusOPEN)).FirstX(sys)
			deleted := func(name string, lastEnd time.Time) int {
				r := c.Registrant.Create().SetAgencyID(p.AgencyID).SetName(name).SetPrefecture("東京都").SetAnonymizedAt(now.AddDate(0, -1, 0)).SaveX(sys)
				c.Assignment.Create().SetAgencyID(p.AgencyID).SetRegistrantID(r.ID).SetPostingID(p.ID).SetOrgUnitID(p.OrgUnitID).
					SetStartDate(lastEnd.AddDate(0, -6, 0)).SetEndDate(lastEnd).SetHourlyWage(1500).SetStatus(assignment.StatusENDED).SaveX(sys)
				return r.ID
			}
			expired := deleted("保存期間経過", now.AddDate(-3, 0, -1))
			kept := deleted("保存期間中", now.AddDate(-1, 0, 0))
			signup := func(email string, age time.Duration, unverified bool) (accountID, registrantID int) {
				a := c.Account.Create().SetAgencyID(p.AgencyID).SetEmail(email).SetPasswordHash("x").SetRole(account.RoleREGISTRANT).
					SetEmailUnverified(unverified).SetCreatedAt(now.Add(-age)).SaveX(sys)
				r := c.Registrant.Create().SetAgencyID(p.AgencyID).SetName("未確認 " + email).SetPrefecture("東京都").SetAccountID(a.ID).SaveX(sys)
				c.Consent.Create().SetAgencyID(p.AgencyID).SetRegistrantID(r.ID).SetKind(consent.KindPRIVACY_POLICY).SetVersion("2026-04").SaveX(sys)
				return a.ID, r.ID
			}
			staleAcc, staleReg := signup("stale@example.jp", 8*24*time.Hour, true)
			freshAcc, _ := signup("fresh@example.jp", 24*time.Hour, true)
			verifiedAcc, _ := signup("verified@example.jp", 30*24*time.Hour, false)

			job := &registrants.Service{Client: c, Now: func() time.Time { return now }}
			got, err := job.Purge(context.Background())
			if err != nil || got != (registrants.Purged{Names: 1, Signups: 1}) {
				t.Fatalf("purge: %+v %v", got, err)
			}
			if n := c.Registrant.GetX(sys, expired).Name; n != registrants.DeletedName {
				t.Errorf("name past retention: %q", n)
			}
			if n := c.Registrant.GetX(sys, kept).Name; n != "保存期間中" {
				t.Errorf("name still needed for the ledger: %q", n)
			}
			if c.Account.Query().Where(account.ID(staleAcc)).ExistX(sys) || c.Registrant.Query().Where(registrant.ID(staleReg)).ExistX(sys) ||
				c.Consent.Query().Where(consent.RegistrantID(staleReg)).ExistX(sys) {
				t.Error("the week-old unverified sign-up is still there")
			}
			for _, id := range []int{freshAcc, verifiedAcc} {
				if !c.Account.Query().Where(account.ID(id)).ExistX(sys) {
					t.Errorf("account %d purged", id)
				}
			}
			if again, err := job.Purge(context.Background()); err != nil || again != (registrants.Purged{}) {
				t.Errorf("second run: %+v %v", again, err)
			}
		})
	}
}

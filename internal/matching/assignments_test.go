package matching_test

import (
	"testing"
	"time"

	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/matching"
)

// Months worked through this agency are experience (issue 15 item 8): a registrant whose only
// 経理事務 experience is two years of assignments with us is found for a 経理事務 posting and scores
// for it as if she had entered those years as work history — and above one with no experience.
func TestAssignmentsCountAsExperience(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			w := newWorld(t, db.Client, "asg")
			past := w.posting("経理事務", []string{"請求書発行", "仕訳入力"}, 1500)
			p := w.posting("経理事務", []string{"請求書発行", "仕訳入力", "売掛金管理"}, 1500)
			ours := w.registrant("ours")
			db.Client.Assignment.Create().SetAgencyID(w.agency.ID).SetRegistrantID(ours.ID).SetPostingID(past.ID).
				SetOrgUnitID(w.unit.ID).SetStartDate(d("2023-04-01")).SetEndDate(d("2025-03-31")).SetHourlyWage(1500).
				SetStatus(assignment.StatusENDED).SaveX(sys)
			entered := w.registrant("entered", w.history("製造X", "製造業", "経理事務", []string{"請求書発行", "仕訳入力"}, "2023-04-01", "2025-03-31"))
			none := w.registrant("none")
			f := &matching.Finder{Client: db.Client, Weights: matching.DefaultWeights(), Now: func() time.Time { return d("2026-11-20") }}
			hits, err := f.RegistrantsFor(w.staff, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			exp := map[int]float64{}
			score := map[int]float64{}
			for _, h := range hits {
				score[h.ID] = h.Match.Score
				for _, e := range h.Match.Explanations {
					if e.Component == matching.ComponentExperience {
						exp[h.ID] = e.Value
					}
				}
			}
			if _, ok := score[ours.ID]; !ok {
				t.Fatalf("registrant with 経理事務 assignments not found for a 経理事務 posting: %+v", hits)
			}
			if exp[ours.ID] == 0 || exp[ours.ID] != exp[entered.ID] {
				t.Fatalf("experience value: %v from assignments, %v from the same months of work history", exp[ours.ID], exp[entered.ID])
			}
			if score[ours.ID] <= score[none.ID] {
				t.Fatalf("score %v with two years of assignments, %v with none", score[ours.ID], score[none.ID])
			}
			// The other direction: her postings are ranked with that experience too.
			ph, err := f.PostingsFor(w.staff, ours.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range ph {
				for _, e := range h.Match.Explanations {
					if h.ID == p.ID && e.Component == matching.ComponentExperience && e.Value == 0 {
						t.Fatalf("postings for her: no experience counted for %d", p.ID)
					}
				}
			}
		})
	}
}

package matching_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/matching"
)

var sys = access.System(context.Background(), "matching test fixture")

func d(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

type world struct {
	c      *ent.Client
	agency *ent.Agency
	unit   *ent.OrgUnit
	rep    *ent.SalesRep
	staff  context.Context
}

func newWorld(t testing.TB, c *ent.Client, slug string) *world {
	w := &world{c: c}
	w.agency = c.Agency.Create().SetName(slug).SetSlug(slug).SaveX(sys)
	acc := c.Account.Create().SetAgencyID(w.agency.ID).SetEmail("admin@" + slug + ".example").SetPasswordHash("x").SetRole("ADMIN").SaveX(sys)
	w.staff = auth.WithViewer(context.Background(), &auth.Viewer{AccountID: acc.ID, AgencyID: w.agency.ID, Role: auth.RoleAdmin})
	cl := c.ClientCompany.Create().SetAgencyID(w.agency.ID).SetName("製造X").SetIndustry("製造業").SaveX(sys)
	site := c.ClientSite.Create().SetAgencyID(w.agency.ID).SetClientID(cl.ID).SetName("S").SetAddress("a").SetPrefecture("東京都").
		SetConflictDate(d("2030-04-01")).SetConflictDateNotifiedAt(d("2026-01-05")).SaveX(sys)
	w.unit = c.OrgUnit.Create().SetAgencyID(w.agency.ID).SetSiteID(site.ID).SetName("経理課").SaveX(sys)
	w.rep = c.SalesRep.Create().SetAgencyID(w.agency.ID).SetName("R").SetKind(salesrep.KindACCOUNT).SaveX(sys)
	return w
}

func (w *world) posting(cat string, tags []string, wage int) *ent.Posting {
	return w.c.Posting.Create().SetAgencyID(w.agency.ID).SetOrgUnitID(w.unit.ID).SetAccountRepID(w.rep.ID).SetTitle(cat).
		SetJobCategory(cat).SetTaskTags(tags).SetHourlyWage(wage).SetPrefecture("東京都").SetStatus(posting.StatusOPEN).
		SetExpectedDurationMonths(6).SaveX(sys)
}

func (w *world) registrant(name string, hist ...*ent.WorkHistoryCreate) *ent.Registrant {
	r := w.c.Registrant.Create().SetAgencyID(w.agency.ID).SetName(name).SetPrefecture("東京都").SetDesiredHourlyWage(1500).
		SetBirthDate(d("1990-04-01")).SetEducation("大学卒").SetGender(registrant.GenderFEMALE).SaveX(sys)
	for _, h := range hist {
		h.SetAgencyID(w.agency.ID).SetRegistrantID(r.ID).SaveX(sys)
	}
	return r
}

func (w *world) history(company, industry, cat string, tags []string, start, end string) *ent.WorkHistoryCreate {
	e := d(end)
	return w.c.WorkHistory.Create().SetCompany(company).SetIndustry(industry).SetJobCategory(cat).SetTaskTags(tags).
		SetStartDate(d(start)).SetEndDate(e).SetKind(workhistory.KindDISPATCHED)
}

// TestFinderIndustryAloneDoesNotMatch is the case from practice, through the database: a registrant whose
// past companies share the posting's industry (even the same client) but whose tasks don't match
// ranks below one with matching tasks from another industry. Then: age-blind scores.
func TestFinderIndustryAloneDoesNotMatch(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			w := newWorld(t, db.Client, "m")
			p := w.posting("経理事務", []string{"請求書発行", "仕訳入力", "売掛金管理"}, 1500)
			sameIndustry := w.registrant("A", w.history("製造X", "製造業", "軽作業", []string{"ピッキング", "検品"}, "2015-04-01", "2025-03-31"))
			rightTasks := w.registrant("B", w.history("ITソフト", "IT・通信", "経理事務", []string{"請求書発行", "仕訳入力"}, "2023-04-01", "2025-03-31"))
			f := &matching.Finder{Client: db.Client, Weights: matching.DefaultWeights(), Now: func() time.Time { return d("2026-11-20") }}
			hits, err := f.RegistrantsFor(w.staff, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			rank := map[int]int{}
			score := map[int]float64{}
			for i, h := range hits {
				rank[h.ID], score[h.ID] = i, h.Match.Score
			}
			if _, ok := rank[rightTasks.ID]; !ok || rank[rightTasks.ID] > rank[sameIndustry.ID] {
				t.Fatalf("ranking %v: B (right tasks, other industry) must rank above A (same industry, other tasks)", hits)
			}
			// Age-blind: birth date, gender and education change no score.
			for _, r := range []*ent.Registrant{sameIndustry, rightTasks} {
				db.Client.Registrant.UpdateOne(r).SetBirthDate(d("1999-12-31")).SetGender(registrant.GenderMALE).SetEducation("高卒").ExecX(sys)
			}
			again, err := f.RegistrantsFor(w.staff, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range again {
				if h.Match.Score != score[h.ID] {
					t.Fatalf("registrant %d: score %v became %v after changing birth date, gender, education", h.ID, score[h.ID], h.Match.Score)
				}
			}
			// And the other direction: postings for B.
			other := w.posting("軽作業", []string{"ピッキング"}, 1200)
			ph, err := f.PostingsFor(w.staff, rightTasks.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ph) < 2 || ph[0].ID != p.ID || ph[1].ID != other.ID {
				t.Fatalf("postings for B: %+v", ph)
			}
		})
	}
}

// BenchmarkMatch50k: both match queries on 50,000 postings and 50,000 registrants on PostgreSQL.
// Reports p50 and p99 latency.
//
//	go test ./internal/matching/ -run '^$' -bench Match50k -benchtime 200x
func BenchmarkMatch50k(b *testing.B) {
	url := dbtest.ScratchPostgres(b)
	db, err := database.Open(context.Background(), database.Config{URL: url})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		b.Fatal(err)
	}
	w := newWorld(b, db.Client, "bench")
	rng := rand.New(rand.NewPCG(1, 2))
	cats := []string{"一般事務", "営業事務", "経理事務", "貿易事務", "受付", "コールセンター", "データ入力", "軽作業", "製造オペレーター", "フォークリフト", "介護", "ITヘルプデスク"}
	prefs := []string{"東京都", "神奈川県", "埼玉県", "千葉県", "大阪府", "愛知県"}
	tags := []string{"請求書発行", "仕訳入力", "売掛金管理", "電話応対", "ピッキング", "検品", "受注入力", "Excel VLOOKUP", "データ入力", "来客対応"}
	pick := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = tags[rng.IntN(len(tags))]
		}
		return out
	}
	start := time.Now()
	const n = 50000
	for i := 0; i < n; i += 2000 {
		var pb []*ent.PostingCreate
		var rb []*ent.RegistrantCreate
		for j := i; j < min(i+2000, n); j++ {
			pb = append(pb, db.Client.Posting.Create().SetAgencyID(w.agency.ID).SetOrgUnitID(w.unit.ID).SetAccountRepID(w.rep.ID).
				SetTitle(fmt.Sprint("P", j)).SetJobCategory(cats[rng.IntN(len(cats))]).SetPrefecture(prefs[rng.IntN(len(prefs))]).
				SetTaskTags(pick(3)).SetHourlyWage(1100+rng.IntN(1200)).SetStatus(posting.StatusOPEN))
			rb = append(rb, db.Client.Registrant.Create().SetAgencyID(w.agency.ID).SetName(fmt.Sprint("R", j)).
				SetPrefecture(prefs[rng.IntN(len(prefs))]).SetDesiredJobCategories([]string{cats[rng.IntN(len(cats))]}))
		}
		db.Client.Posting.CreateBulk(pb...).ExecX(sys)
		regs := db.Client.Registrant.CreateBulk(rb...).SaveX(sys)
		var hb []*ent.WorkHistoryCreate
		for _, r := range regs {
			hb = append(hb, w.history("C", "製造業", cats[rng.IntN(len(cats))], pick(2), "2020-04-01", "2024-03-31").
				SetAgencyID(w.agency.ID).SetRegistrantID(r.ID))
		}
		db.Client.WorkHistory.CreateBulk(hb...).ExecX(sys)
	}
	if _, err := db.SQL.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d postings and %d registrants in %v", n, n, time.Since(start))
	regIDs := db.Client.Registrant.Query().Limit(500).IDsX(sys)
	postIDs := db.Client.Posting.Query().Limit(500).IDsX(sys)
	f := &matching.Finder{Client: db.Client, Weights: matching.DefaultWeights()}
	for _, tc := range []struct {
		name string
		run  func(i int) error
	}{
		{"postingsForRegistrant", func(i int) error { _, err := f.PostingsFor(w.staff, regIDs[i%len(regIDs)]); return err }},
		{"registrantsForPosting", func(i int) error { _, err := f.RegistrantsFor(w.staff, postIDs[i%len(postIDs)]); return err }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var lat []time.Duration
			i := 0
			for b.Loop() {
				t0 := time.Now()
				if err := tc.run(i); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
				i++
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
		})
	}
}

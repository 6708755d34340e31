package routing_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/routing"
)

var (
	jst = time.FixedZone("JST", 9*60*60)
	now = time.Date(2025, 6, 2, 10, 0, 0, 0, jst)
)

const day = 24 * time.Hour

type opt func(*routing.Candidate)

func load(open, capacity int) opt {
	return func(c *routing.Candidate) { c.OpenCount, c.Capacity = open, capacity }
}
func specs(cats ...string) opt { return func(c *routing.Candidate) { c.Specialties = cats } }
func regs(prefs ...string) opt { return func(c *routing.Candidate) { c.Regions = prefs } }
func handled(ago time.Duration) opt {
	return func(c *routing.Candidate) { c.HandledRegistrantAt = now.Add(-ago) }
}
func lastAt(ago time.Duration) opt {
	return func(c *routing.Candidate) { c.LastAssignedAt = now.Add(-ago) }
}

var (
	off      opt = func(c *routing.Candidate) { c.Available = false }
	disabled opt = func(c *routing.Candidate) { c.AccountActive = false }
)

func staff(kind routing.StaffKind, repKind string, id int, name string, opts []opt) routing.Candidate {
	c := routing.Candidate{Kind: kind, RepKind: repKind, ID: id, Name: name, AccountActive: true, Available: true, Capacity: 5}
	for _, o := range opts {
		o(&c)
	}
	return c
}

func co(id int, name string, opts ...opt) routing.Candidate {
	return staff(routing.KindCoordinator, "", id, name, opts)
}
func acct(id int, name string, opts ...opt) routing.Candidate {
	return staff(routing.KindSalesRep, routing.RepKindAccount, id, name, opts)
}
func svc(id int, name string, opts ...opt) routing.Candidate {
	return staff(routing.KindSalesRep, routing.RepKindService, id, name, opts)
}

// general is a GENERAL inquiry from a Tokyo registrant who wants office work.
func general() routing.Inquiry {
	return routing.Inquiry{
		ID: 1, Kind: routing.InquiryGeneral, RegistrantID: 100,
		RegistrantPrefecture: "東京都", DesiredCategories: []string{"一般事務"},
	}
}

func with(inq routing.Inquiry, f func(*routing.Inquiry)) routing.Inquiry {
	f(&inq)
	return inq
}

var (
	coordMode  = routing.DefaultPolicy(routing.ModeCoordinator)
	directMode = routing.DefaultPolicy(routing.ModeDirect)
)

func TestDecide(t *testing.T) {
	postingQuestion := with(general(), func(q *routing.Inquiry) {
		q.Kind, q.PostingID, q.PostingCategory, q.PostingAccountRepID = routing.InquiryPostingQuestion, 50, "一般事務", 7
	})
	nextJob := with(general(), func(q *routing.Inquiry) { q.Kind, q.LatestAssignmentRepID = routing.InquiryNextJob, 7 })
	handOff := with(postingQuestion, func(q *routing.Inquiry) { q.Kind, q.HandOff = routing.InquiryApplicationIntent, true })

	tests := []struct {
		name   string
		inq    routing.Inquiry
		cands  []routing.Candidate
		policy routing.Policy
		// want
		chosen   int // 0 = queued
		target   routing.Target
		reason   []string       // substrings of Reason
		exact    string         // whole Reason, when set
		excluded map[int]string // candidate id → Score.Excluded ("" = eligible)
	}{
		{
			name:   "continuity beats specialty with default weights",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", specs("一般事務")), co(2, "田中", handled(10*day))},
			policy: coordMode, chosen: 2, target: routing.TargetCoordinatorPool,
			exact: "assigned to 田中 #2 (continuity +3)",
		},
		{
			name:   "specialty beats region",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", regs("東京都")), co(2, "田中", specs("営業事務", "一般事務"))},
			policy: coordMode, chosen: 2, target: routing.TargetCoordinatorPool,
			exact: "assigned to 田中 #2 (specialty 一般事務 +2)",
		},
		{
			name: "components add up: continuity+specialty+region beats continuity",
			inq:  general(),
			cands: []routing.Candidate{
				co(1, "佐藤", handled(day)),
				co(2, "田中", handled(day), specs("一般事務"), regs("東京都")),
			},
			policy: coordMode, chosen: 2,
			exact: "assigned to 田中 #2 (continuity +3, specialty 一般事務 +2, region 東京都 +1)",
		},
		{
			name:  "custom weights flip the order",
			inq:   general(),
			cands: []routing.Candidate{co(1, "佐藤", handled(day)), co(2, "田中", specs("一般事務")), co(3, "鈴木", regs("東京都"))},
			policy: routing.Policy{Mode: routing.ModeCoordinator,
				Weights: routing.Weights{Continuity: 1, Specialty: 2, Region: 3}},
			chosen: 3, exact: "assigned to 鈴木 #3 (region 東京都 +3)",
		},
		{
			name:   "posting category decides specialty, not the registrant's wishes",
			inq:    with(general(), func(q *routing.Inquiry) { q.PostingCategory = "軽作業" }),
			cands:  []routing.Candidate{co(1, "佐藤", specs("一般事務")), co(2, "田中", specs("軽作業"))},
			policy: coordMode, chosen: 2, reason: []string{"specialty 軽作業 +2"},
		},
		{
			name:   "tie: least loaded wins",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", load(3, 5)), co(2, "田中", load(1, 5))},
			policy: coordMode, chosen: 2,
			exact: "assigned to 田中 #2 (no score components); tied with 佐藤 #1, less loaded (1/5 vs 3/5)",
		},
		{
			name:   "tie: load is a ratio, not a count",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", load(1, 4)), co(2, "田中", load(2, 10))},
			policy: coordMode, chosen: 2, reason: []string{"less loaded (2/10 vs 1/4)"},
		},
		{
			name:   "tie: equal ratio, fewer open wins",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", load(2, 10)), co(2, "田中", load(1, 5))},
			policy: coordMode, chosen: 2, reason: []string{"fewer open inquiries (1 vs 2)"},
		},
		{
			name:   "tie: longest since last assignment wins",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", lastAt(time.Hour)), co(2, "田中", lastAt(2*day)), co(3, "鈴木", lastAt(time.Minute))},
			policy: coordMode, chosen: 2, reason: []string{"tied with 佐藤 #1, longer since last assignment"},
		},
		{
			name:   "tie: never assigned counts as longest",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", lastAt(300*day)), co(2, "田中")},
			policy: coordMode, chosen: 2,
		},
		{
			name:   "tie: lowest id wins",
			inq:    general(),
			cands:  []routing.Candidate{co(7, "佐藤"), co(3, "田中"), co(5, "鈴木")},
			policy: coordMode, chosen: 3, reason: []string{"tied with 鈴木 #5, lower id"},
		},
		{
			name: "scores tie despite float noise (0.1+0.2 vs 0.3), so load decides",
			inq:  general(),
			cands: []routing.Candidate{
				co(1, "佐藤", handled(day), specs("一般事務"), load(2, 5)),
				co(2, "田中", regs("東京都")),
			},
			policy: routing.Policy{Mode: routing.ModeCoordinator,
				Weights: routing.Weights{Continuity: 0.1, Specialty: 0.2, Region: 0.3}},
			chosen: 2, reason: []string{"less loaded (0/5 vs 2/5)"},
		},
		{
			name:   "declined or timed out earlier is excluded and shown",
			inq:    with(general(), func(q *routing.Inquiry) { q.Excluded = map[int]bool{1: true} }),
			cands:  []routing.Candidate{co(1, "佐藤", handled(day)), co(2, "田中")},
			policy: coordMode, chosen: 2,
			excluded: map[int]string{1: "declined or timed out earlier", 2: ""},
			exact:    "assigned to 田中 #2 (no score components); not eligible: 1 declined or timed out earlier",
		},
		{
			name:   "at capacity (OpenCount == Capacity) is excluded",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", handled(day), load(5, 5)), co(2, "田中", load(4, 5))},
			policy: coordMode, chosen: 2,
			excluded: map[int]string{1: "at capacity 5/5", 2: ""},
		},
		{
			name:     "zero capacity is excluded",
			inq:      general(),
			cands:    []routing.Candidate{co(1, "佐藤", load(0, 0))},
			policy:   coordMode,
			excluded: map[int]string{1: "at capacity 0/0"},
			exact:    "no coordinator available: 1 at capacity",
		},
		{
			name:   "off shift is excluded",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", handled(day), off), co(2, "田中")},
			policy: coordMode, chosen: 2,
			excluded: map[int]string{1: "off shift"},
		},
		{
			name:   "disabled account is excluded",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", handled(day), disabled), co(2, "田中")},
			policy: coordMode, chosen: 2,
			excluded: map[int]string{1: "account disabled"},
		},
		{
			name: "the most durable exclusion is the one shown",
			inq:  with(general(), func(q *routing.Inquiry) { q.Excluded = map[int]bool{1: true, 2: true} }),
			cands: []routing.Candidate{
				co(1, "佐藤", disabled, off, load(5, 5)),
				co(2, "田中", off, load(5, 5)),
				co(3, "鈴木", off, load(5, 5)),
			},
			policy: coordMode,
			excluded: map[int]string{
				1: "account disabled", 2: "declined or timed out earlier", 3: "off shift",
			},
		},
		{
			name:   "continuity window: exactly 90 days ago still counts",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", specs("一般事務")), co(2, "田中", handled(90*day))},
			policy: coordMode, chosen: 2, reason: []string{"continuity +3"},
		},
		{
			name:   "continuity window: 90 days and a second ago does not",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤", specs("一般事務")), co(2, "田中", handled(90*day+time.Second))},
			policy: coordMode, chosen: 1,
		},
		{
			name:  "continuity window: zero window means the 90-day default",
			inq:   general(),
			cands: []routing.Candidate{co(1, "佐藤", specs("一般事務")), co(2, "田中", handled(60*day))},
			policy: routing.Policy{Mode: routing.ModeCoordinator,
				Weights: routing.DefaultWeights()},
			chosen: 2,
		},
		{
			name:  "continuity window: a custom window is honoured",
			inq:   general(),
			cands: []routing.Candidate{co(1, "佐藤", specs("一般事務")), co(2, "田中", handled(31*day))},
			policy: routing.Policy{Mode: routing.ModeCoordinator,
				Weights: routing.DefaultWeights(), ContinuityWindow: 30 * day},
			chosen: 1,
		},
		{
			name:   "coordinator mode: sales reps are not in the pool",
			inq:    general(),
			cands:  []routing.Candidate{acct(1, "営業一", handled(day)), co(2, "田中")},
			policy: coordMode, chosen: 2,
			excluded: map[int]string{1: "not a coordinator"},
		},
		{
			name: "coordinator mode: queued, summary counts pool members only",
			inq:  general(),
			cands: []routing.Candidate{
				co(1, "佐藤", load(5, 5)), co(2, "田中", off), co(3, "鈴木", load(3, 3)), acct(4, "営業一"),
			},
			policy: coordMode, target: routing.TargetCoordinatorPool,
			exact: "no coordinator available: 2 at capacity, 1 off shift",
		},
		{
			name:   "coordinator mode: no candidates",
			inq:    general(),
			policy: coordMode, target: routing.TargetCoordinatorPool,
			exact: "no coordinator available: no candidates",
		},
		{
			name: "direct: posting question goes to the posting's account rep only",
			inq:  postingQuestion,
			cands: []routing.Candidate{
				acct(3, "高橋", handled(day), specs("一般事務")), acct(7, "山本", load(4, 5)), co(1, "佐藤"),
			},
			policy: directMode, chosen: 7, target: routing.TargetPostingAccountRep,
			exact:    "assigned to the posting's account rep 山本 #7",
			excluded: map[int]string{3: "not the posting's account rep", 1: "not the posting's account rep", 7: ""},
		},
		{
			name:   "direct: posting question waits when that rep is at capacity",
			inq:    postingQuestion,
			cands:  []routing.Candidate{acct(3, "高橋"), acct(7, "山本", load(5, 5))},
			policy: directMode, target: routing.TargetPostingAccountRep,
			exact:    "waiting for the posting's account rep 山本 #7: at capacity 5/5",
			excluded: map[int]string{3: "not the posting's account rep", 7: "at capacity 5/5"},
		},
		{
			name:   "direct: posting question waits when that rep is not a candidate",
			inq:    postingQuestion,
			cands:  []routing.Candidate{acct(3, "高橋")},
			policy: directMode, target: routing.TargetPostingAccountRep,
			exact: "waiting for the posting's account rep #7: not among the candidates",
		},
		{
			name:   "direct: a coordinator with the rep's id is not the rep",
			inq:    postingQuestion,
			cands:  []routing.Candidate{co(7, "佐藤")},
			policy: directMode, target: routing.TargetPostingAccountRep,
			reason:   []string{"not among the candidates"},
			excluded: map[int]string{7: "not the posting's account rep"},
		},
		{
			name: "direct: application intent on a posting without a rep goes to the desk",
			inq: with(postingQuestion, func(q *routing.Inquiry) {
				q.Kind, q.PostingAccountRepID = routing.InquiryApplicationIntent, 0
			}),
			cands:  []routing.Candidate{acct(3, "高橋"), acct(4, "伊藤", specs("一般事務"))},
			policy: directMode, chosen: 4, target: routing.TargetAccountRepPool,
			exact: "the posting has no account rep; assigned to 伊藤 #4 from the job-introduction desk (specialty 一般事務 +2)",
		},
		{
			name:   "direct: next job goes to the latest assignment's rep even if another scores higher",
			inq:    nextJob,
			cands:  []routing.Candidate{acct(3, "高橋", handled(day), specs("一般事務")), acct(7, "山本")},
			policy: directMode, chosen: 7, target: routing.TargetLatestAssignmentRep,
			exact: "assigned to the latest assignment's account rep 山本 #7",
		},
		{
			name:   "direct: next job falls back to the desk when that rep is ineligible",
			inq:    nextJob,
			cands:  []routing.Candidate{acct(3, "高橋"), acct(4, "伊藤", specs("一般事務")), acct(7, "山本", off)},
			policy: directMode, chosen: 4, target: routing.TargetAccountRepPool,
			exact: "latest assignment's account rep 山本 #7: off shift; " +
				"assigned to 伊藤 #4 from the job-introduction desk (specialty 一般事務 +2); not eligible: 1 off shift",
			excluded: map[int]string{7: "off shift", 3: "", 4: ""},
		},
		{
			name:   "direct: next job falls back to the desk when that rep declined",
			inq:    with(nextJob, func(q *routing.Inquiry) { q.Excluded = map[int]bool{7: true} }),
			cands:  []routing.Candidate{acct(3, "高橋"), acct(7, "山本", handled(day))},
			policy: directMode, chosen: 3, target: routing.TargetAccountRepPool,
			excluded: map[int]string{7: "declined or timed out earlier"},
		},
		{
			name:   "direct: next job, rep gone and desk empty → queue",
			inq:    nextJob,
			cands:  []routing.Candidate{acct(7, "山本", load(5, 5)), svc(8, "小林")},
			policy: directMode, target: routing.TargetAccountRepPool,
			exact: "latest assignment's account rep 山本 #7: at capacity 5/5; no account rep available: 1 at capacity",
		},
		{
			name:   "direct: general without a latest assignment goes to the desk by strategy",
			inq:    general(),
			cands:  []routing.Candidate{acct(3, "高橋"), acct(4, "伊藤", handled(day))},
			policy: directMode, chosen: 4, target: routing.TargetAccountRepPool,
		},
		{
			name:   "direct: service reps are never in the desk pool",
			inq:    general(),
			cands:  []routing.Candidate{svc(1, "小林", handled(day), specs("一般事務")), acct(2, "伊藤", load(4, 5)), co(3, "佐藤")},
			policy: directMode, chosen: 2, target: routing.TargetAccountRepPool,
			excluded: map[int]string{1: "not an account rep", 3: "not a sales rep"},
		},
		{
			name:   "direct: only service reps → queue",
			inq:    general(),
			cands:  []routing.Candidate{svc(1, "小林")},
			policy: directMode, target: routing.TargetAccountRepPool,
			exact: "no account rep available: no candidates",
		},
		{
			name:   "direct: no candidates → queue",
			inq:    general(),
			policy: directMode, target: routing.TargetAccountRepPool,
			exact: "no account rep available: no candidates",
		},
		{
			name:   "hand-off goes to the posting's account rep, not a better-scored coordinator or rep",
			inq:    handOff,
			cands:  []routing.Candidate{co(1, "佐藤", handled(day)), acct(3, "高橋", handled(day)), acct(7, "山本")},
			policy: coordMode, chosen: 7, target: routing.TargetPostingAccountRep,
			exact: "handed off to the posting's account rep 山本 #7",
		},
		{
			name:   "hand-off works the same in direct mode",
			inq:    handOff,
			cands:  []routing.Candidate{acct(3, "高橋"), acct(7, "山本")},
			policy: directMode, chosen: 7, target: routing.TargetPostingAccountRep,
		},
		{
			name:   "hand-off queues when the rep declined earlier",
			inq:    with(handOff, func(q *routing.Inquiry) { q.Excluded = map[int]bool{7: true} }),
			cands:  []routing.Candidate{acct(3, "高橋"), acct(7, "山本")},
			policy: coordMode, target: routing.TargetPostingAccountRep,
			exact: "waiting for the posting's account rep 山本 #7: declined or timed out earlier",
		},
		{
			name:   "hand-off queues when the posting has no rep",
			inq:    with(handOff, func(q *routing.Inquiry) { q.PostingAccountRepID = 0 }),
			cands:  []routing.Candidate{acct(3, "高橋")},
			policy: coordMode, target: routing.TargetPostingAccountRep,
			exact: "waiting for the posting's account rep: the posting has none",
		},
		{
			name:   "unknown mode queues rather than guessing",
			inq:    general(),
			cands:  []routing.Candidate{co(1, "佐藤")},
			policy: routing.Policy{Weights: routing.DefaultWeights()},
			exact:  `queued: unknown routing mode ""`, excluded: map[int]string{1: "unknown routing mode"},
		},
		{
			name: "reason names winner, components and the unavailable",
			inq:  general(),
			cands: []routing.Candidate{
				co(1, "佐藤", load(5, 5)), co(2, "田中", handled(day), specs("一般事務")), co(3, "鈴木", load(5, 5)),
				co(4, "高橋", specs("一般事務")),
			},
			policy: coordMode, chosen: 2,
			exact: "assigned to 田中 #2 (continuity +3, specialty 一般事務 +2); not eligible: 2 at capacity",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := routing.Decide(tc.inq, tc.cands, tc.policy, routing.WeightedStrategy{}, now)
			got := 0
			if d.Chosen != nil {
				got = d.Chosen.ID
			}
			if got != tc.chosen {
				t.Errorf("chosen = %d, want %d (reason %q)", got, tc.chosen, d.Reason)
			}
			if tc.target != "" && d.Target != tc.target {
				t.Errorf("target = %s, want %s", d.Target, tc.target)
			}
			if tc.exact != "" && d.Reason != tc.exact {
				t.Errorf("reason = %q\nwant     %q", d.Reason, tc.exact)
			}
			for _, s := range tc.reason {
				if !strings.Contains(d.Reason, s) {
					t.Errorf("reason %q does not contain %q", d.Reason, s)
				}
			}
			if len(d.Scores) != len(tc.cands) {
				t.Fatalf("%d scores for %d candidates", len(d.Scores), len(tc.cands))
			}
			byID := map[int]routing.Score{}
			for _, s := range d.Scores {
				byID[s.CandidateID] = s
				if s.Eligible != (s.Excluded == "") {
					t.Errorf("candidate %d: Eligible=%v but Excluded=%q", s.CandidateID, s.Eligible, s.Excluded)
				}
			}
			for id, want := range tc.excluded {
				if s := byID[id]; s.Excluded != want {
					t.Errorf("candidate %d excluded = %q, want %q", id, s.Excluded, want)
				}
			}
			if d.Chosen != nil && (d.Scores[0].CandidateID != d.Chosen.ID || !d.Scores[0].Eligible) {
				t.Errorf("chosen %d is not ranked first and eligible: %+v", d.Chosen.ID, d.Scores[0])
			}
		})
	}
}

func TestWeightedStrategyScore(t *testing.T) {
	p := routing.DefaultPolicy(routing.ModeCoordinator)
	tests := []struct {
		name string
		inq  routing.Inquiry
		c    routing.Candidate
		want map[string]float64
	}{
		{"nothing matches", general(), co(1, "佐藤", specs("軽作業"), regs("大阪府")),
			map[string]float64{"continuity": 0, "specialty": 0, "region": 0}},
		{"everything matches", general(), co(1, "佐藤", handled(day), specs("一般事務"), regs("東京都")),
			map[string]float64{"continuity": 3, "specialty": 2, "region": 1}},
		{"any desired category matches", with(general(), func(q *routing.Inquiry) {
			q.DesiredCategories = []string{"軽作業", "コールセンター"}
		}), co(1, "佐藤", specs("コールセンター")),
			map[string]float64{"continuity": 0, "specialty": 2, "region": 0}},
		{"posting category overrides desired", with(general(), func(q *routing.Inquiry) { q.PostingCategory = "軽作業" }),
			co(1, "佐藤", specs("一般事務")),
			map[string]float64{"continuity": 0, "specialty": 0, "region": 0}},
		{"empty prefecture never matches", with(general(), func(q *routing.Inquiry) { q.RegistrantPrefecture = "" }),
			co(1, "佐藤", regs("")),
			map[string]float64{"continuity": 0, "specialty": 0, "region": 0}},
		{"handled in the future (clock skew) counts", general(), co(1, "佐藤", handled(-time.Hour)),
			map[string]float64{"continuity": 3, "specialty": 0, "region": 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			total, comp := routing.WeightedStrategy{}.Score(tc.inq, tc.c, p, now)
			if !reflect.DeepEqual(comp, tc.want) {
				t.Errorf("components = %v, want %v", comp, tc.want)
			}
			var sum float64
			for _, v := range tc.want {
				sum += v
			}
			if total != sum {
				t.Errorf("total = %v, want %v", total, sum)
			}
		})
	}
}

// stubStrategy scores by a fixed table, to show strategies are pluggable and that a broken one
// (NaN) cannot win.
type stubStrategy map[int]float64

func (stubStrategy) Name() string { return "stub" }
func (s stubStrategy) Score(_ routing.Inquiry, c routing.Candidate, _ routing.Policy, _ time.Time) (float64, map[string]float64) {
	return s[c.ID], map[string]float64{"seniority": s[c.ID]}
}

func TestDecideStrategy(t *testing.T) {
	cands := []routing.Candidate{co(1, "佐藤", handled(day)), co(2, "田中"), co(3, "鈴木")}
	tests := []struct {
		name   string
		s      routing.Strategy
		chosen int
		reason string
	}{
		{"nil means weighted", nil, 1, "assigned to 佐藤 #1 (continuity +3)"},
		{"custom strategy decides", stubStrategy{1: 1, 2: 4, 3: 2}, 2, "assigned to 田中 #2 (seniority +4)"},
		{"NaN sorts last", stubStrategy{1: math.NaN(), 2: -1, 3: -2}, 2, "assigned to 田中 #2 (seniority -1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := routing.Decide(general(), cands, coordMode, tc.s, now)
			if d.Chosen == nil || d.Chosen.ID != tc.chosen {
				t.Fatalf("chosen = %v, want %d (%s)", d.Chosen, tc.chosen, d.Reason)
			}
			if d.Reason != tc.reason {
				t.Errorf("reason = %q, want %q", d.Reason, tc.reason)
			}
		})
	}
}

// randomCase builds a candidate set with few distinct values, so ties (and every tie-break) are common.
func randomCase(r *rand.Rand) (routing.Inquiry, []routing.Candidate, routing.Policy) {
	cats := []string{"一般事務", "軽作業", "コールセンター"}
	prefs := []string{"東京都", "大阪府"}
	pick := func(from []string) []string {
		var out []string
		for _, s := range from {
			if r.IntN(2) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	ago := func(choices ...time.Duration) time.Time {
		i := r.IntN(len(choices) + 1)
		if i == len(choices) {
			return time.Time{}
		}
		return now.Add(-choices[i])
	}
	n := r.IntN(30)
	ids := r.Perm(3 * n)
	cands := make([]routing.Candidate, n)
	for i := range cands {
		c := routing.Candidate{
			Kind:                routing.KindCoordinator,
			ID:                  ids[i] + 1,
			Name:                fmt.Sprintf("staff%d", ids[i]+1),
			AccountActive:       r.IntN(10) > 0,
			Available:           r.IntN(5) > 0,
			Capacity:            r.IntN(5),
			OpenCount:           r.IntN(5),
			Specialties:         pick(cats),
			LastAssignedAt:      ago(time.Hour, day),
			HandledRegistrantAt: ago(day, 90*day, 90*day+time.Second),
		}
		if r.IntN(2) == 0 {
			c.Kind, c.RepKind = routing.KindSalesRep, []string{routing.RepKindAccount, routing.RepKindService}[r.IntN(2)]
		} else {
			c.Regions = pick(prefs)
		}
		cands[i] = c
	}
	someID := func() int {
		if n == 0 || r.IntN(4) == 0 {
			return 0
		}
		return cands[r.IntN(n)].ID
	}
	inq := routing.Inquiry{
		ID:                    1,
		Kind:                  []string{routing.InquiryPostingQuestion, routing.InquiryApplicationIntent, routing.InquiryNextJob, routing.InquiryGeneral}[r.IntN(4)],
		RegistrantID:          100,
		RegistrantPrefecture:  prefs[r.IntN(2)],
		DesiredCategories:     pick(cats),
		PostingAccountRepID:   someID(),
		LatestAssignmentRepID: someID(),
		HandOff:               r.IntN(5) == 0,
		Excluded:              map[int]bool{},
	}
	if r.IntN(2) == 0 {
		inq.PostingCategory = cats[r.IntN(len(cats))]
	}
	for range r.IntN(3) {
		if id := someID(); id != 0 {
			inq.Excluded[id] = true
		}
	}
	ws := []float64{0, 0.5, 1, 2, 3}
	p := routing.Policy{
		Mode:    []routing.Mode{routing.ModeCoordinator, routing.ModeDirect}[r.IntN(2)],
		Weights: routing.Weights{Continuity: ws[r.IntN(5)], Specialty: ws[r.IntN(5)], Region: ws[r.IntN(5)]},
	}
	return inq, cands, p
}

func TestDecideIsDeterministicUnderShuffle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		inq, cands, p := randomCase(r)
		want := routing.Decide(inq, cands, p, routing.WeightedStrategy{}, now)
		shuffled := slices.Clone(cands)
		for range 50 {
			r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
			got := routing.Decide(inq, shuffled, p, routing.WeightedStrategy{}, now)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("case %d: shuffled candidates changed the decision\n got %q %+v\nwant %q %+v",
					i, got.Reason, got.Scores, want.Reason, want.Scores)
			}
		}
	}
}

// oracle re-derives §5.2 independently of the implementation.
type oracle struct {
	inq routing.Inquiry
	p   routing.Policy
}

func (o oracle) available(c routing.Candidate) bool {
	return c.AccountActive && c.Available && c.OpenCount < c.Capacity && !o.inq.Excluded[c.ID]
}

func (o oracle) total(c routing.Candidate) float64 {
	var t float64
	if !c.HandledRegistrantAt.IsZero() && !c.HandledRegistrantAt.Before(now.Add(-90*day)) {
		t += o.p.Weights.Continuity
	}
	cats := o.inq.DesiredCategories
	if o.inq.PostingCategory != "" {
		cats = []string{o.inq.PostingCategory}
	}
	for _, cat := range cats {
		if slices.Contains(c.Specialties, cat) {
			t += o.p.Weights.Specialty
			break
		}
	}
	if slices.Contains(c.Regions, o.inq.RegistrantPrefecture) {
		t += o.p.Weights.Region
	}
	return t
}

// outranks reports whether a must come before b (both eligible).
func (o oracle) outranks(a, b routing.Candidate) bool {
	ta, tb := o.total(a), o.total(b)
	if math.Abs(ta-tb) > 1e-9 {
		return ta > tb
	}
	la, lb := float64(a.OpenCount)/float64(a.Capacity), float64(b.OpenCount)/float64(b.Capacity)
	if la != lb {
		return la < lb
	}
	if a.OpenCount != b.OpenCount {
		return a.OpenCount < b.OpenCount
	}
	if !a.LastAssignedAt.Equal(b.LastAssignedAt) {
		return a.LastAssignedAt.IsZero() || (!b.LastAssignedAt.IsZero() && a.LastAssignedAt.Before(b.LastAssignedAt))
	}
	return a.ID < b.ID
}

func (o oracle) inPool(t routing.Target, c routing.Candidate) bool {
	switch t {
	case routing.TargetCoordinatorPool:
		return c.Kind == routing.KindCoordinator
	case routing.TargetAccountRepPool:
		return c.Kind == routing.KindSalesRep && c.RepKind == routing.RepKindAccount
	case routing.TargetPostingAccountRep:
		return c.Kind == routing.KindSalesRep && c.ID == o.inq.PostingAccountRepID
	case routing.TargetLatestAssignmentRep:
		return c.Kind == routing.KindSalesRep && c.ID == o.inq.LatestAssignmentRepID
	}
	return false
}

func (o oracle) wantTarget(cands []routing.Candidate) routing.Target {
	switch {
	case o.inq.HandOff:
		return routing.TargetPostingAccountRep
	case o.p.Mode != routing.ModeDirect:
		return routing.TargetCoordinatorPool
	case o.inq.Kind == routing.InquiryPostingQuestion || o.inq.Kind == routing.InquiryApplicationIntent:
		if o.inq.PostingAccountRepID != 0 {
			return routing.TargetPostingAccountRep
		}
	default:
		for _, c := range cands {
			if o.inPool(routing.TargetLatestAssignmentRep, c) && o.available(c) {
				return routing.TargetLatestAssignmentRep
			}
		}
	}
	return routing.TargetAccountRepPool
}

func TestDecideProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		inq, cands, p := randomCase(r)
		d := routing.Decide(inq, cands, p, routing.WeightedStrategy{}, now)
		o := oracle{inq, p}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d (%s, %+v): %s\nreason: %s", i, p.Mode, inq, fmt.Sprintf(format, args...), d.Reason)
		}
		byID := map[int]routing.Candidate{}
		for _, c := range cands {
			byID[c.ID] = c
		}
		if len(d.Scores) != len(cands) {
			fail("%d scores for %d candidates", len(d.Scores), len(cands))
		}
		if want := o.wantTarget(cands); d.Target != want {
			fail("target %s, want %s", d.Target, want)
		}
		seen := map[int]bool{}
		for j, s := range d.Scores {
			c, ok := byID[s.CandidateID]
			if !ok || seen[s.CandidateID] {
				fail("score %d: unknown or repeated candidate %d", j, s.CandidateID)
			}
			seen[s.CandidateID] = true
			if want := o.total(c); math.Abs(s.Total-want) > 1e-9 {
				fail("candidate %d total %v, want %v", c.ID, s.Total, want)
			}
			if s.Eligible != (s.Excluded == "") {
				fail("candidate %d: Eligible=%v Excluded=%q", c.ID, s.Eligible, s.Excluded)
			}
			if j > 0 && s.Eligible && !d.Scores[j-1].Eligible {
				fail("eligible candidate %d ranked after an ineligible one", c.ID)
			}
			// Eligible exactly when in the target and available: nobody wrongly in, nobody wrongly out.
			if want := o.inPool(d.Target, c) && o.available(c); s.Eligible != want {
				fail("candidate %d eligible=%v, oracle says %v (%q)", c.ID, s.Eligible, want, s.Excluded)
			}
		}
		if d.Chosen == nil {
			for _, s := range d.Scores {
				if s.Eligible {
					fail("queued although candidate %d is eligible", s.CandidateID)
				}
			}
			continue
		}
		if !o.available(*d.Chosen) || !o.inPool(d.Target, *d.Chosen) {
			fail("chosen %+v is not eligible for %s", *d.Chosen, d.Target)
		}
		for _, s := range d.Scores {
			if c := byID[s.CandidateID]; s.Eligible && c.ID != d.Chosen.ID && o.outranks(c, *d.Chosen) {
				fail("candidate %d outranks chosen %d", c.ID, d.Chosen.ID)
			}
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	cats := []string{"一般事務", "軽作業", "コールセンター", "営業事務", "経理"}
	prefs := []string{"東京都", "神奈川県", "埼玉県", "千葉県"}
	cands := make([]routing.Candidate, 50)
	for i := range cands {
		cands[i] = co(i+1, fmt.Sprintf("coordinator%d", i+1),
			load(r.IntN(6), 5),
			specs(cats[r.IntN(len(cats))], cats[r.IntN(len(cats))]),
			regs(prefs[r.IntN(len(prefs))]),
			lastAt(time.Duration(r.IntN(72))*time.Hour),
		)
		if r.IntN(5) == 0 {
			handled(time.Duration(r.IntN(120)) * day)(&cands[i])
		}
	}
	inq := general()
	for b.Loop() {
		routing.Decide(inq, cands, coordMode, routing.WeightedStrategy{}, now)
	}
}

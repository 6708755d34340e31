// Package routing decides who handles a registrant's inquiry (DESIGN §5). This file and strategy.go
// are the pure core: plain values in, a Decision out, no clock, no database. The DB-backed claimer
// loads the candidates, calls Decide, and makes the choice stick under concurrency.
package routing

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// StaffKind says which staff table a candidate comes from.
type StaffKind string

const (
	KindCoordinator StaffKind = "COORDINATOR"
	KindSalesRep    StaffKind = "SALES_REP"
)

// Mode is an agency's routing mode (§5.1).
type Mode string

const (
	ModeCoordinator Mode = "COORDINATOR"
	ModeDirect      Mode = "DIRECT"
)

// Inquiry kinds (ent enum values).
const (
	InquiryPostingQuestion   = "POSTING_QUESTION"
	InquiryApplicationIntent = "APPLICATION_INTENT"
	InquiryNextJob           = "NEXT_JOB"
	InquiryGeneral           = "GENERAL"
)

// Sales rep kinds (ent enum values).
const (
	RepKindAccount = "ACCOUNT"
	RepKindService = "SERVICE"
)

// Target says who was looked for.
type Target string

const (
	TargetCoordinatorPool     Target = "COORDINATOR_POOL"
	TargetPostingAccountRep   Target = "POSTING_ACCOUNT_REP"
	TargetLatestAssignmentRep Target = "LATEST_ASSIGNMENT_REP"
	TargetAccountRepPool      Target = "ACCOUNT_REP_POOL"
)

// Inquiry is what routing needs to know about an inquiry.
type Inquiry struct {
	ID                    int
	Kind                  string // POSTING_QUESTION | APPLICATION_INTENT | NEXT_JOB | GENERAL
	RegistrantID          int
	RegistrantPrefecture  string
	DesiredCategories     []string
	PostingID             int    // 0 if none
	PostingCategory       string // "" if none
	PostingAccountRepID   int    // 0 if none
	LatestAssignmentRepID int    // account rep of the registrant's latest assignment, 0 if none
	// Excluded holds candidate ids that declined or timed out on this inquiry. Staff ids are
	// globally unique, so one map serves both kinds.
	Excluded map[int]bool
	HandOff  bool // coordinator hand-off to the posting's account rep
}

// Candidate is one staff member who might take the inquiry. Candidates are identified by
// (Kind, ID); passing the same one twice with different data makes the result order-dependent.
type Candidate struct {
	Kind                StaffKind
	ID                  int
	Name                string
	AccountActive       bool // account exists and not disabled
	Available           bool // on shift
	Capacity            int
	OpenCount           int       // open inquiries assigned now
	Specialties         []string  // job categories
	Regions             []string  // prefectures (coordinators; empty for reps)
	RepKind             string    // "ACCOUNT" or "SERVICE" for sales reps, "" for coordinators
	LastAssignedAt      time.Time // zero if never
	HandledRegistrantAt time.Time // last time this candidate handled this inquiry's registrant, zero if never
}

// Score is how one candidate fared.
type Score struct {
	CandidateID int
	Kind        StaffKind
	Name        string
	Total       float64
	Components  map[string]float64
	Eligible    bool
	Excluded    string // reason if not eligible
}

// Decision is the outcome of routing one inquiry.
type Decision struct {
	Chosen *Candidate // nil = queue
	Target Target     // who was looked for
	Scores []Score    // every candidate considered, in ranked order (eligible first)
	Reason string     // human-readable
}

// Decide picks the candidate for an inquiry. Pure and deterministic: the same inputs, in any
// candidate order, give the same Decision. A nil Strategy means WeightedStrategy.
//
// Targets (§5.1):
//   - HandOff (any mode): the posting's account rep only.
//   - COORDINATOR mode: the coordinator pool.
//   - DIRECT mode, POSTING_QUESTION / APPLICATION_INTENT: the posting's account rep only; the
//     account-rep pool if the posting has none.
//   - DIRECT mode, any other kind: the latest assignment's account rep if eligible, else the
//     account-rep pool (the job-introduction desk).
//
// When the posting's account rep is the target and is not eligible, the inquiry is queued for them
// rather than given to another rep: only they know the confidential side of their posting and the
// client, and a stranger's answer would be a second hand-off later. The queue is retried when they
// free up, and escalates to admins past its SLA (§5.3), so nothing waits unseen.
func Decide(inq Inquiry, candidates []Candidate, p Policy, s Strategy, now time.Time) Decision {
	if s == nil {
		s = WeightedStrategy{}
	}
	r := router{inq: inq, candidates: candidates, p: p, s: s, now: now}
	switch {
	case inq.HandOff:
		return r.one(TargetPostingAccountRep, inq.PostingAccountRepID, notPostingRep,
			"handed off to the posting's account rep", "waiting for the posting's account rep")
	case p.Mode == ModeCoordinator:
		return r.pool(coordinatorPool, "")
	case p.Mode == ModeDirect:
		switch inq.Kind {
		case InquiryPostingQuestion, InquiryApplicationIntent:
			if inq.PostingAccountRepID == 0 {
				return r.pool(accountRepPool, "the posting has no account rep")
			}
			return r.one(TargetPostingAccountRep, inq.PostingAccountRepID, notPostingRep,
				"assigned to the posting's account rep", "waiting for the posting's account rep")
		default:
			if inq.LatestAssignmentRepID == 0 {
				return r.pool(accountRepPool, "")
			}
			d := r.one(TargetLatestAssignmentRep, inq.LatestAssignmentRepID, notLatestRep,
				"assigned to the latest assignment's account rep", "latest assignment's account rep")
			if d.Chosen != nil {
				return d
			}
			// d.Reason already names the rep and why they are out; the pool picks from there.
			return r.pool(accountRepPool, d.Reason)
		}
	default:
		ranked := r.rank(func(Candidate) exclusion { return unknownMode })
		return Decision{
			Scores: ranked.scores(),
			Reason: fmt.Sprintf("queued: unknown routing mode %q", p.Mode),
		}
	}
}

type router struct {
	inq        Inquiry
	candidates []Candidate
	p          Policy
	s          Strategy
	now        time.Time
}

// one decides for a single named sales rep: they get it or it queues.
func (r router) one(t Target, id int, miss exclusion, assigned, waiting string) Decision {
	ranked := r.rank(func(c Candidate) exclusion {
		if c.Kind != KindSalesRep || c.ID != id {
			return miss
		}
		return eligible
	})
	d := Decision{Target: t, Scores: ranked.scores()}
	if id == 0 {
		d.Reason = waiting + ": the posting has none"
		return d
	}
	i := slices.IndexFunc(ranked, func(e entry) bool { return e.c.Kind == KindSalesRep && e.c.ID == id })
	switch {
	case i < 0:
		d.Reason = fmt.Sprintf("%s #%d: not among the candidates", waiting, id)
	case ranked[i].ex != eligible:
		d.Reason = fmt.Sprintf("%s %s: %s", waiting, label(ranked[i].c), ranked[i].ex.describe(ranked[i].c))
	default:
		c := ranked[i].c
		d.Chosen = &c
		d.Reason = fmt.Sprintf("%s %s", assigned, label(c))
	}
	return d
}

// pool decides among all members of a pool by strategy score and tie-breaks. prefix explains why
// the pool was used, if it was a fallback.
func (r router) pool(pl poolSpec, prefix string) Decision {
	ranked := r.rank(pl.member)
	d := Decision{Target: pl.target, Scores: ranked.scores()}
	var parts []string
	if prefix != "" {
		parts = append(parts, prefix)
	}
	if len(ranked) == 0 || ranked[0].ex != eligible {
		parts = append(parts, fmt.Sprintf("no %s available: %s", pl.noun, ranked.unavailable("no candidates")))
		d.Reason = strings.Join(parts, "; ")
		return d
	}
	w := ranked[0]
	c := w.c
	d.Chosen = &c
	parts = append(parts, fmt.Sprintf("assigned to %s%s (%s)", label(c), pl.from, componentText(r.inq, c, w.components)))
	if len(ranked) > 1 && ranked[1].ex == eligible {
		if note := tieNote(w, ranked[1]); note != "" {
			parts = append(parts, note)
		}
	}
	if rest := ranked.unavailable(""); rest != "" {
		parts = append(parts, "not eligible: "+rest)
	}
	d.Reason = strings.Join(parts, "; ")
	return d
}

type poolSpec struct {
	target Target
	noun   string // "no <noun> available"
	from   string // appended to "assigned to X"
	member func(Candidate) exclusion
}

var coordinatorPool = poolSpec{
	target: TargetCoordinatorPool,
	noun:   "coordinator",
	member: func(c Candidate) exclusion {
		if c.Kind != KindCoordinator {
			return notCoordinator
		}
		return eligible
	},
}

// accountRepPool is the job-introduction desk: account reps only. Service reps win client demand
// and own no postings, so they cannot introduce a job.
var accountRepPool = poolSpec{
	target: TargetAccountRepPool,
	noun:   "account rep",
	from:   " from the job-introduction desk",
	member: func(c Candidate) exclusion {
		switch {
		case c.Kind != KindSalesRep:
			return notSalesRep
		case c.RepKind != RepKindAccount:
			return notAccountRep
		}
		return eligible
	},
}

// exclusion is why a candidate is not eligible; the order of the in-target ones is the order they
// are checked, most durable first, so the record shows the reason that will still hold on retry.
type exclusion int

const (
	eligible exclusion = iota
	// Outside the target: not pool members, so queue summaries leave them out.
	notCoordinator
	notSalesRep
	notAccountRep
	notPostingRep
	notLatestRep
	unknownMode
	// In the target but unavailable.
	accountDisabled
	declined
	offShift
	atCapacity
)

var exclusionText = [...]string{
	eligible:        "",
	notCoordinator:  "not a coordinator",
	notSalesRep:     "not a sales rep",
	notAccountRep:   "not an account rep",
	notPostingRep:   "not the posting's account rep",
	notLatestRep:    "not the latest assignment's account rep",
	unknownMode:     "unknown routing mode",
	accountDisabled: "account disabled",
	declined:        "declined or timed out earlier",
	offShift:        "off shift",
	atCapacity:      "at capacity",
}

func (e exclusion) outOfTarget() bool { return e > eligible && e < accountDisabled }

func (e exclusion) describe(c Candidate) string {
	if e == atCapacity {
		return fmt.Sprintf("at capacity %d/%d", c.OpenCount, c.Capacity)
	}
	return exclusionText[e]
}

func availability(inq Inquiry, c Candidate) exclusion {
	switch {
	case !c.AccountActive:
		return accountDisabled
	case inq.Excluded[c.ID]:
		return declined
	case !c.Available:
		return offShift
	case c.OpenCount >= c.Capacity:
		return atCapacity
	}
	return eligible
}

type entry struct {
	c          Candidate
	total      float64
	components map[string]float64
	ex         exclusion
}

type ranking []entry

// rank scores every candidate and sorts them into the total order of §5.2.
func (r router) rank(member func(Candidate) exclusion) ranking {
	ranked := make(ranking, 0, len(r.candidates))
	for _, c := range r.candidates {
		ex := member(c)
		if ex == eligible {
			ex = availability(r.inq, c)
		}
		total, comp := r.s.Score(r.inq, c, r.p, r.now)
		ranked = append(ranked, entry{c: c, total: roundScore(total), components: comp, ex: ex})
	}
	slices.SortFunc(ranked, compareEntries)
	return ranked
}

// roundScore drops float noise so that weights like 0.1+0.2 and 0.3 tie, as an admin who typed
// them would expect, and the tie-breaks decide. Rounding (not an epsilon compare) keeps the order
// transitive.
func roundScore(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e15 {
		return x
	}
	return math.Round(x*1e9) / 1e9
}

// compareEntries is a total order on distinct (Kind, ID): eligible first, higher total, lower load
// ratio, fewer open, longest since last assignment, lowest id. NaN totals (a broken custom
// strategy) sort last rather than poisoning the sort.
func compareEntries(a, b entry) int {
	if ae, be := a.ex == eligible, b.ex == eligible; ae != be {
		if ae {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.total, a.total); c != 0 {
		return c
	}
	if c := compareLoad(a.c, b.c); c != 0 {
		return c
	}
	if c := cmp.Compare(a.c.OpenCount, b.c.OpenCount); c != 0 {
		return c
	}
	if c := compareLastAssigned(a.c.LastAssignedAt, b.c.LastAssignedAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.c.ID, b.c.ID); c != 0 {
		return c
	}
	return cmp.Compare(a.c.Kind, b.c.Kind)
}

// compareLoad orders by OpenCount/Capacity, compared exactly by cross-multiplying. No capacity at
// all counts as fully loaded.
func compareLoad(a, b Candidate) int {
	af, bf := a.Capacity <= 0, b.Capacity <= 0
	switch {
	case af && bf:
		return 0
	case af:
		return 1
	case bf:
		return -1
	}
	return cmp.Compare(int64(a.OpenCount)*int64(b.Capacity), int64(b.OpenCount)*int64(a.Capacity))
}

// compareLastAssigned puts the one who waited longest first; never assigned (zero) waited longest.
func compareLastAssigned(a, b time.Time) int {
	switch az, bz := a.IsZero(), b.IsZero(); {
	case az && bz:
		return 0
	case az:
		return -1
	case bz:
		return 1
	}
	return a.Compare(b)
}

func (rk ranking) scores() []Score {
	out := make([]Score, 0, len(rk))
	for _, e := range rk {
		out = append(out, Score{
			CandidateID: e.c.ID,
			Kind:        e.c.Kind,
			Name:        e.c.Name,
			Total:       e.total,
			Components:  e.components,
			Eligible:    e.ex == eligible,
			Excluded:    e.ex.describe(e.c),
		})
	}
	return out
}

// unavailable summarises the pool members that are out, largest group first: "2 at capacity, 1 off
// shift". none is returned when there are none.
func (rk ranking) unavailable(none string) string {
	counts := map[exclusion]int{}
	for _, e := range rk {
		if e.ex != eligible && !e.ex.outOfTarget() {
			counts[e.ex]++
		}
	}
	if len(counts) == 0 {
		return none
	}
	keys := make([]exclusion, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b exclusion) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", counts[k], exclusionText[k])
	}
	return strings.Join(parts, ", ")
}

// componentText lists the components that moved the score, known ones first in a fixed order,
// with the category or prefecture that matched: "continuity +3, specialty 一般事務 +2".
func componentText(inq Inquiry, c Candidate, comp map[string]float64) string {
	known := []string{ComponentContinuity, ComponentSpecialty, ComponentRegion}
	var other []string
	for k := range comp {
		if !slices.Contains(known, k) {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	var parts []string
	for _, k := range append(known, other...) {
		v, ok := comp[k]
		if !ok || v == 0 {
			continue
		}
		name := k
		switch k {
		case ComponentSpecialty:
			if cat, ok := matchedSpecialty(inq, c); ok {
				name += " " + cat
			}
		case ComponentRegion:
			if regionMatch(inq, c) {
				name += " " + inq.RegistrantPrefecture
			}
		}
		parts = append(parts, fmt.Sprintf("%s %+g", name, v))
	}
	if len(parts) == 0 {
		return "no score components"
	}
	return strings.Join(parts, ", ")
}

// tieNote says which tie-break chose the winner over the runner-up, if their scores tied.
func tieNote(w, r entry) string {
	if w.total != r.total {
		return ""
	}
	who := label(r.c)
	switch {
	case compareLoad(w.c, r.c) != 0:
		return fmt.Sprintf("tied with %s, less loaded (%d/%d vs %d/%d)",
			who, w.c.OpenCount, w.c.Capacity, r.c.OpenCount, r.c.Capacity)
	case w.c.OpenCount != r.c.OpenCount:
		return fmt.Sprintf("tied with %s, fewer open inquiries (%d vs %d)", who, w.c.OpenCount, r.c.OpenCount)
	case compareLastAssigned(w.c.LastAssignedAt, r.c.LastAssignedAt) != 0:
		return fmt.Sprintf("tied with %s, longer since last assignment", who)
	default:
		return fmt.Sprintf("tied with %s, lower id", who)
	}
}

// label names a candidate for reasons; the id disambiguates the many 田中s of an agency.
func label(c Candidate) string {
	if c.Name == "" {
		return fmt.Sprintf("#%d", c.ID)
	}
	return fmt.Sprintf("%s #%d", c.Name, c.ID)
}

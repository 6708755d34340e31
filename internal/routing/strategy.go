package routing

import (
	"slices"
	"time"
)

// Component names the WeightedStrategy reports. Decide annotates these in its reason (the matched
// category or prefecture), so other strategies should reuse them where they mean the same thing.
const (
	ComponentContinuity = "continuity"
	ComponentSpecialty  = "specialty"
	ComponentRegion     = "region"
)

// DefaultContinuityWindow is how far back "handled this registrant" counts (§5.2: 90 days).
const DefaultContinuityWindow = 90 * 24 * time.Hour

// Strategy ranks eligible candidates; pluggable per agency. Score must be pure: Decide relies on it
// to be deterministic, and calls it for every candidate, eligible or not, so the record shows why.
type Strategy interface {
	Name() string
	Score(inq Inquiry, c Candidate, p Policy, now time.Time) (total float64, components map[string]float64)
}

// Weights are the per-agency weights of the WeightedStrategy.
type Weights struct {
	Continuity, Specialty, Region float64
}

// DefaultWeights favour continuity over specialty over region: a registrant who already knows a
// coordinator gets them back before a better-matched stranger.
func DefaultWeights() Weights { return Weights{Continuity: 3, Specialty: 2, Region: 1} }

// Policy is an agency's routing configuration. The zero Weights are kept as given (all zero is a
// legitimate "pure load balancing" setup); a zero ContinuityWindow means DefaultContinuityWindow,
// because a zero-length window would silently disable continuity.
type Policy struct {
	Mode             Mode
	Weights          Weights
	ContinuityWindow time.Duration
}

// DefaultPolicy is the policy of an agency that has not tuned routing.
func DefaultPolicy(m Mode) Policy {
	return Policy{Mode: m, Weights: DefaultWeights(), ContinuityWindow: DefaultContinuityWindow}
}

func (p Policy) continuityWindow() time.Duration {
	if p.ContinuityWindow <= 0 {
		return DefaultContinuityWindow
	}
	return p.ContinuityWindow
}

// WeightedStrategy is the default: continuity (handled this registrant within the window) * w.Continuity
// + specialty match (posting category, else any desired category, in c.Specialties) * w.Specialty
// + region match (registrant prefecture in c.Regions) * w.Region.
type WeightedStrategy struct{}

// Name implements Strategy.
func (WeightedStrategy) Name() string { return "weighted" }

// Score implements Strategy. All three components are always present (0 when not matched) so the
// stored decision shows what was checked, not only what hit.
func (WeightedStrategy) Score(inq Inquiry, c Candidate, p Policy, now time.Time) (float64, map[string]float64) {
	var cont, spec, reg float64
	if handledWithin(c.HandledRegistrantAt, now, p.continuityWindow()) {
		cont = p.Weights.Continuity
	}
	if _, ok := matchedSpecialty(inq, c); ok {
		spec = p.Weights.Specialty
	}
	if regionMatch(inq, c) {
		reg = p.Weights.Region
	}
	// Summed in a fixed order, never over the map: float addition is not associative.
	total := cont + spec + reg
	return total, map[string]float64{
		ComponentContinuity: cont,
		ComponentSpecialty:  spec,
		ComponentRegion:     reg,
	}
}

// handledWithin reports whether at lies within window before now. The edge is inclusive: handled
// exactly 90 days ago still counts. A time after now (clock skew between servers) counts too.
func handledWithin(at, now time.Time, window time.Duration) bool {
	return !at.IsZero() && now.Sub(at) <= window
}

// matchedSpecialty returns the job category that made c a specialty match. An inquiry about a
// posting is matched on the posting's category only (the registrant's wishes do not make someone an
// expert on that posting); without a posting, any desired category counts, first one listed wins.
func matchedSpecialty(inq Inquiry, c Candidate) (string, bool) {
	if inq.PostingCategory != "" {
		return inq.PostingCategory, slices.Contains(c.Specialties, inq.PostingCategory)
	}
	for _, cat := range inq.DesiredCategories {
		if cat != "" && slices.Contains(c.Specialties, cat) {
			return cat, true
		}
	}
	return "", false
}

func regionMatch(inq Inquiry, c Candidate) bool {
	return inq.RegistrantPrefecture != "" && slices.Contains(c.Regions, inq.RegistrantPrefecture)
}

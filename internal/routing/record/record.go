// Package record holds the shape of what a routing decision stores about its candidates. It is a
// leaf package so that both ent's generated code and the router can use it.
package record

// Candidate is one candidate considered by a routing decision.
type Candidate struct {
	Kind       string             `json:"kind"` // COORDINATOR or SALES_REP
	ID         int                `json:"id"`
	Name       string             `json:"name"`
	Score      float64            `json:"score"`
	Components map[string]float64 `json:"components,omitempty"`
	Excluded   string             `json:"excluded,omitempty"` // why not eligible, if so
}

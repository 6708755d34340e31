package matching

import "context"

// Window is the part of a ranking a caller asks for: rows from position Offset, at most Limit.
type Window struct{ Offset, Limit int }

// Page is one window of a ranking. Offset is the position of Items[0] (clamped into the ranking),
// Total the length of the whole ranking.
type Page[N any] struct {
	Total, Offset int
	Items         []Item[N]
}

// Item is one ranked row. Node is the zero value when the row could not be loaded under the
// caller's privacy; Explanations are only those the caller may see.
type Item[N any] struct {
	Node         N
	Score        float64
	Blocked      bool
	Explanations []*Explanation
}

// view picks the explanations of a match a kind of caller may see.
type view func(Match) []*Explanation

// staffView: staff see every component.
func staffView(m Match) []*Explanation { return Explanations(m, true) }

// registrantView: see Explanations.
func registrantView(m Match) []*Explanation { return Explanations(m, false) }

// Explanations returns the explanations of m the caller may see. Registrants don't see compliance
// findings (they name the dispatch-law reason a placement is blocked, which is staff's to explain)
// or which client rejected them before.
func Explanations(m Match, staff bool) []*Explanation {
	out := make([]*Explanation, 0, len(m.Explanations))
	for i := range m.Explanations {
		e := &m.Explanations[i]
		if !staff && (e.Component == ComponentCompliance || e.Component == ComponentHistory) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Bounds clamps w into a ranking of n rows: the positions [from, to) to return.
func (w Window) Bounds(n int) (from, to int) {
	from = min(max(w.Offset, 0), n)
	to = min(from+max(w.Limit, 0), n)
	return from, to
}

// pageOf cuts the window out of hits and loads its rows (one query, under the caller's privacy).
func pageOf[N any](ctx context.Context, hits []Hit, w Window,
	load func(context.Context, []int) (map[int]N, error), see view) (Page[N], error) {
	from, to := w.Bounds(len(hits))
	ids := make([]int, 0, to-from)
	for _, h := range hits[from:to] {
		ids = append(ids, h.ID)
	}
	byID, err := load(ctx, ids)
	if err != nil {
		return Page[N]{}, err
	}
	out := Page[N]{Total: len(hits), Offset: from, Items: make([]Item[N], 0, to-from)}
	for _, h := range hits[from:to] {
		out.Items = append(out.Items, Item[N]{Node: byID[h.ID], Score: h.Match.Score, Blocked: h.Match.Blocked,
			Explanations: see(h.Match)})
	}
	return out, nil
}

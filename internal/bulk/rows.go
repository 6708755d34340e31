package bulk

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	entgo "entgo.io/ent"

	"github.com/example/staffcrm/internal/bulk/report"
)

// The columns every kind has besides its fields: the match key and the API id.
const (
	colKey = "external_key"
	colID  = "id"
)

// header maps a file's columns onto a kind's: the field columns present (by cell index) and the
// cell index of each special column (key, id, child lists).
type header[E any] struct {
	cols    []*column[E] // by cell index; nil for a special column
	special map[string]int
	present map[string]bool
}

// readHeader checks the header row against the kind's columns and special column names. Unknown and
// repeated names refuse the file, as does a header with neither external_key nor id.
func readHeader[E any](names []string, columns []column[E], special []string) (*header[E], []report.Line) {
	h := &header[E]{cols: make([]*column[E], len(names)), special: map[string]int{}, present: map[string]bool{}}
	var bad []report.Line
	for i, n := range names {
		if h.present[n] {
			bad = append(bad, report.Line{Line: 1, Column: n, Reason: "the column appears twice in the header"})
			continue
		}
		h.present[n] = true
		if slices.Contains(special, n) {
			h.special[n] = i
			continue
		}
		found := false
		for j := range columns {
			if columns[j].name == n {
				h.cols[i], found = &columns[j], true
				break
			}
		}
		if !found {
			known := append(slices.Clone(special), names0(columns)...)
			bad = append(bad, report.Line{Line: 1, Column: n,
				Reason: "unknown column (the columns are: " + strings.Join(known, ", ") + ")"})
		}
	}
	if !h.present[colKey] && !h.present[colID] {
		bad = append(bad, report.Line{Line: 1, Column: colKey, Reason: "the header needs an external_key column (or id, to update rows by the API's id)"})
	}
	return h, bad
}

func names0[E any](columns []column[E]) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.name
	}
	return out
}

// cell is a parsed field cell: empty, or the value for ent's mutation.
type cell struct {
	empty bool
	v     entgo.Value
}

// row is a data row read against a header: its key, id, field cells and special cells.
type row struct {
	line   int
	key    string
	id     int
	fields map[string]cell
	raw    map[string]string // special columns other than key and id
}

// readRow parses every cell of rec; a cell that does not read (or that its ent validator refuses)
// is a report line naming its column.
func readRow[E any](h *header[E], rec record) (*row, []report.Line) {
	r := &row{line: rec.line, fields: map[string]cell{}, raw: map[string]string{}}
	var bad []report.Line
	refuse := func(col, why string) { bad = append(bad, report.Line{Line: rec.line, Column: col, Reason: why}) }
	for name, i := range h.special {
		v := rec.cells[i]
		switch name {
		case colKey:
			r.key = v
		case colID:
			if v == "" {
				continue
			}
			id, err := strconv.Atoi(v)
			if err != nil || id <= 0 {
				refuse(colID, "not an id (the API's id of an existing row)")
				continue
			}
			r.id = id
		default:
			r.raw[name] = v
		}
	}
	if r.key != "" {
		if len([]rune(r.key)) > maxKeyRunes {
			refuse(colKey, fmt.Sprintf("at most %d characters", maxKeyRunes))
		}
	}
	for i, c := range h.cols {
		if c == nil {
			continue
		}
		v := rec.cells[i]
		if v == "" {
			r.fields[c.name] = cell{empty: true}
			continue
		}
		val, err := c.parse(v)
		if err == nil && c.check != nil {
			if cerr := c.check(val); cerr != nil {
				refuse(c.name, reason(cerr))
				continue
			}
		}
		if err != nil {
			refuse(c.name, err.Error())
			continue
		}
		r.fields[c.name] = cell{v: val}
	}
	return r, bad
}

// maxKeyRunes is external_key's MaxLen in ent/schema.
const maxKeyRunes = 100

// change is one field a write sets (or clears).
type change struct {
	field string
	value entgo.Value
	clear bool
}

// fieldMutation is what changes need of a generated mutation.
type fieldMutation interface {
	SetField(string, entgo.Value) error
	ClearField(string) error
}

func apply(m fieldMutation, changes []change) error {
	for _, c := range changes {
		var err error
		if c.clear {
			err = m.ClearField(c.field)
		} else {
			err = m.SetField(c.field, c.value)
		}
		if err != nil {
			return fmt.Errorf("field %s: %w", c.field, err)
		}
	}
	return nil
}

// diff says what writing r does to existing (nil: a new row): the changes to make, or the report
// lines of a new row missing a required value. Columns absent from the file change nothing; fold is
// the file's encoding's view of a stored text (see equal).
func diff[E any](columns []column[E], r *row, existing *E, fold func(string) string) ([]change, []report.Line) {
	var out []change
	var bad []report.Line
	for i := range columns {
		c := &columns[i]
		v, present := r.fields[c.name]
		if existing == nil {
			switch {
			case present && !v.empty:
				out = append(out, change{field: c.name, value: v.v})
			case c.required:
				why := "required for a new row"
				if !present {
					why += " (the file has no " + c.name + " column)"
				}
				bad = append(bad, report.Line{Line: r.line, Column: c.name, Reason: why})
			}
			continue
		}
		if !present {
			continue
		}
		cur := c.get(*existing)
		switch {
		case !v.empty:
			if !equal(cur, v.v, fold) {
				out = append(out, change{field: c.name, value: v.v})
			}
		case c.empty == emptyClears:
			if cur != nil {
				out = append(out, change{field: c.name, clear: true})
			}
		case c.empty == emptyIsBlank:
			if cur != "" {
				out = append(out, change{field: c.name, value: ""})
			}
		case c.empty == emptyIsList:
			if l, _ := comparable(cur).([]string); len(l) > 0 {
				out = append(out, change{field: c.name, value: []string{}})
			}
		}
	}
	return out, bad
}

// dedupe refuses a row naming a key or id an earlier row of the file named.
type dedupe struct{ keys, ids map[string]int }

func newDedupe() *dedupe { return &dedupe{keys: map[string]int{}, ids: map[string]int{}} }

func (d *dedupe) check(r *row) *report.Line {
	if r.key != "" {
		if prev, ok := d.keys[r.key]; ok {
			return &report.Line{Line: r.line, Column: colKey, Reason: fmt.Sprintf("the same external_key as line %d", prev)}
		}
		d.keys[r.key] = r.line
	}
	if r.id != 0 {
		id := strconv.Itoa(r.id)
		if prev, ok := d.ids[id]; ok {
			return &report.Line{Line: r.line, Column: colID, Reason: fmt.Sprintf("the same id as line %d", prev)}
		}
		d.ids[id] = r.line
	}
	return nil
}

// target finds the stored row r writes: the one with its external_key; else the one with its id
// (which then takes the key, if r has one); nil for a new row. byKey and byID hold the rows of the
// file's keys and ids the viewer may see.
func target[E any](kind string, r *row, byKey map[string]*E, byID map[int]*E, keyOf func(*E) *string, idOf func(*E) int) (*E, *report.Line) {
	refuse := func(col, format string, args ...any) (*E, *report.Line) {
		return nil, &report.Line{Line: r.line, Column: col, Reason: fmt.Sprintf(format, args...)}
	}
	if r.key != "" {
		if e := byKey[r.key]; e != nil {
			if r.id != 0 && r.id != idOf(e) {
				return refuse(colID, "the external_key is %s %d's, not %d's", kind, idOf(e), r.id)
			}
			return e, nil
		}
		if r.id == 0 {
			return nil, nil
		}
	}
	if r.id == 0 {
		return refuse(colKey, "required (or the id of an existing %s)", kind)
	}
	e := byID[r.id]
	if e == nil {
		return refuse(colID, "no %s with this id", kind)
	}
	if k := keyOf(e); k != nil && r.key != "" && *k != r.key {
		return refuse(colKey, "%s %d has the external_key %q", kind, r.id, *k)
	}
	return e, nil
}

// keyChange sets r's key on the row it writes when that row does not have it yet.
func keyChange[E any](r *row, existing *E, keyOf func(*E) *string) []change {
	if r.key == "" {
		return nil
	}
	if existing != nil {
		if k := keyOf(existing); k != nil && *k == r.key {
			return nil
		}
	}
	return []change{{field: colKey, value: r.key}}
}

// chunks splits xs into slices of at most n.
func chunks[T any](xs []T, n int) [][]T {
	var out [][]T
	for len(xs) > n {
		out = append(out, xs[:n])
		xs = xs[n:]
	}
	if len(xs) > 0 {
		out = append(out, xs)
	}
	return out
}

// keyedIDs answers the ids of the stored rows that have one of keys, read under the viewer's
// privacy (id and key only): for a few keys by looking them up, for many by reading every key of the
// agency in one statement — one scan, where a long IN list of texts is compared with every row when
// the planner does not use the key's index (fresh statistics after a large import).
func keyedIDs[E any](keys []string, few func([]string) ([]*E, error), all func() ([]*E, error), of func(*E) (int, *string)) ([]int, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var found []*E
	if len(keys) <= lookupChunk {
		var err error
		if found, err = few(keys); err != nil {
			return nil, err
		}
	} else {
		var err error
		if found, err = all(); err != nil {
			return nil, err
		}
	}
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	var out []int
	for _, e := range found {
		if id, k := of(e); k != nil && want[*k] {
			out = append(out, id)
		}
	}
	return out, nil
}

package bulk

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	entgo "entgo.io/ent"
)

// onEmpty is what an empty cell means for a column.
type onEmpty int

const (
	// emptyClears: an optional field without a value (NULL) — cleared on an update.
	emptyClears onEmpty = iota
	// emptyIsBlank: a text field whose "no value" is the empty text (its default) — set to "".
	emptyIsBlank
	// emptyIsList: a list whose "no value" is the empty list (its default) — set to [].
	emptyIsList
	// emptyKeeps: a required field (with a default, or required to create): left as it is on an
	// update, its default (or refused as missing) on a create.
	emptyKeeps
)

// column is one CSV column of an entity E: the ent field it fills, how a cell reads (parse, then
// the ent field's own validator check) and how a stored value writes (get, then format).
type column[E any] struct {
	name  string // header name = ent field name
	empty onEmpty
	// required: a new row must have a value (ent would refuse it without one).
	required bool
	// parse reads a non-empty cell into the value ent's mutation takes for the field.
	parse func(cell string) (entgo.Value, error)
	// check is the ent field's generated validator, applied to a parsed value (nil: none).
	check func(entgo.Value) error
	// get is the stored value in comparable form (see comparable), nil for NULL.
	get func(E) any
}

// comparable normalises a value to what equal compares and format writes: nil, string, int,
// float64, bool, or []string; dates as YYYY-MM-DD, enums as their text.
func comparable(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return x.Format(time.DateOnly)
	case *time.Time:
		if x == nil {
			return nil
		}
		return x.Format(time.DateOnly)
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case *int:
		if x == nil {
			return nil
		}
		return *x
	case []string:
		if x == nil {
			return []string{}
		}
		return x
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return v
}

// equal compares a stored value with a file's, the stored one folded as the file's encoding would
// have written it (nil: as is).
func equal(stored, file any, fold func(string) string) bool {
	a, b := comparable(stored), comparable(file)
	if fold == nil {
		fold = func(s string) string { return s }
	}
	switch x := a.(type) {
	case []string:
		bs, ok := b.([]string)
		return ok && slices.EqualFunc(x, bs, func(s, f string) bool { return s == f || fold(s) == f })
	case string:
		f, ok := b.(string)
		return ok && (x == f || fold(x) == f)
	}
	return a == b
}

// format writes a stored value as a cell.
func format(v any) string {
	switch x := comparable(v).(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []string:
		return strings.Join(x, listSeparator)
	default:
		return fmt.Sprint(x)
	}
}

// listSeparator separates the entries of a list-of-texts cell.
const listSeparator = ";"

// ---- cell parsers -------------------------------------------------------------------------------

func text(cell string) (entgo.Value, error) { return cell, nil }

func integer(cell string) (entgo.Value, error) {
	n, err := strconv.Atoi(cell)
	if err != nil {
		return nil, errors.New("not a whole number")
	}
	return n, nil
}

func boolean(cell string) (entgo.Value, error) {
	switch strings.ToLower(cell) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return nil, errors.New("true or false")
}

func date(cell string) (entgo.Value, error) {
	d, err := time.Parse(time.DateOnly, cell)
	if err != nil {
		return nil, errors.New("a date as YYYY-MM-DD")
	}
	return d, nil
}

// list reads "a;b;c" (entries trimmed; an empty entry is refused, as ent refuses it).
func list(cell string) (entgo.Value, error) {
	parts := strings.Split(cell, listSeparator)
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, errors.New("an empty entry (entries are separated by " + listSeparator + ")")
		}
		out = append(out, p)
	}
	return out, nil
}

// enum reads one of values into the generated enum type T.
func enum[T ~string](values ...T) func(string) (entgo.Value, error) {
	return func(cell string) (entgo.Value, error) {
		for _, v := range values {
			if strings.EqualFold(cell, string(v)) {
				return v, nil
			}
		}
		names := make([]string, len(values))
		for i, v := range values {
			names[i] = string(v)
		}
		return nil, fmt.Errorf("one of %s", strings.Join(names, ", "))
	}
}

// ---- validators ---------------------------------------------------------------------------------

// validator adapts a generated ent validator (func(string) error, func(int) error…) to check.
func validator[T any](f func(T) error) func(entgo.Value) error {
	return func(v entgo.Value) error {
		x, ok := v.(T)
		if !ok {
			return fmt.Errorf("value of type %T", v)
		}
		return f(x)
	}
}

// reason turns a validator's error into words for the report (ent's own are terse).
func reason(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "less than the required length"):
		return "must not be empty"
	case strings.Contains(msg, "more than the max length"):
		return "is too long"
	case strings.Contains(msg, "out of range"), strings.Contains(msg, "value out of range"):
		return "is out of range"
	}
	return msg
}

package invalid

import (
	"strings"
	"unicode/utf8"
)

// List checks a list of short texts for field: at most maxItems, each 1 to maxRunes characters once
// trimmed. It returns the trimmed list.
func List(field string, in []string, maxItems, maxRunes int) ([]string, error) {
	if len(in) > maxItems {
		return nil, Field(field, "at most %d", maxItems)
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || utf8.RuneCountInString(s) > maxRunes {
			return nil, Field(field, "each 1 to %d characters", maxRunes)
		}
		out = append(out, s)
	}
	return out, nil
}

package lang

import "testing"

func TestFromAcceptLanguage(t *testing.T) {
	for h, want := range map[string]Lang{
		"": Japanese, "ja": Japanese, "ja-JP,ja;q=0.9,en;q=0.8": Japanese, "en": English, "en-US,en;q=0.9": English,
		"en;q=0.5,ja;q=0.9": Japanese, "fr-FR": Japanese, "fr,en;q=0.8": English, "*": Japanese, ";;;garbage": Japanese,
	} {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("%q: %v, want %v", h, got, want)
		}
	}
}

func TestTextIn(t *testing.T) {
	both := Text{JA: "時給 1,400円", EN: "wage 1,400"}
	for _, c := range []struct {
		name string
		t    Text
		l    Lang
		want string
	}{
		{"Japanese", both, Japanese, "時給 1,400円"},
		{"English", both, English, "wage 1,400"},
		{"unknown language reads Japanese", both, Lang(7), "時給 1,400円"},
		{"zero Lang is Japanese", both, Lang(0), "時給 1,400円"},
		{"no Japanese falls back to English", Text{EN: "only English"}, Japanese, "only English"},
		{"no English falls back to Japanese", Text{JA: "日本語のみ"}, English, "日本語のみ"},
		{"empty stays empty", Text{}, English, ""},
	} {
		if got := c.t.In(c.l); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

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

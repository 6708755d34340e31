package lang

import (
	"context"
	"testing"
)

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

func TestT(t *testing.T) {
	x := T{JA: "見つかりません", EN: "not found"}
	if x.For(context.Background()) != "見つかりません" || x.For(With(context.Background(), English)) != "not found" {
		t.Fatal("wrong pick")
	}
	if (T{EN: "only english"}).In(Japanese) != "only english" {
		t.Fatal("a missing translation must fall back")
	}
}

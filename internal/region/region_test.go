package region

import "testing"

func TestIsPrefecture(t *testing.T) {
	if len(Prefectures) != 47 {
		t.Fatalf("want 47 prefectures, got %d", len(Prefectures))
	}
	for _, tc := range []struct {
		name string
		want bool
	}{{"東京都", true}, {"沖縄県", true}, {"北海道", true}, {"東京", false}, {"", false}, {"Tokyo", false}} {
		if got := IsPrefecture(tc.name); got != tc.want {
			t.Errorf("IsPrefecture(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

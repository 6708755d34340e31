package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	l := New(time.Minute, 3)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("take %d within burst refused", i)
		}
	}
	ok, retry := l.Take("a")
	if ok || !retry.Equal(now.Add(time.Minute)) {
		t.Fatalf("4th take: ok=%v retry=%v, want refused until +1m", ok, retry)
	}
	if ok, _ := l.Take("b"); !ok {
		t.Fatal("another key shares the bucket")
	}
	// A refused take spends nothing, and the bucket refills: no permanent lockout.
	now = now.Add(time.Minute)
	if ok, _ := l.Check("a"); !ok {
		t.Fatal("no token after the refill interval")
	}
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("take after refill refused")
	}
	if ok, _ := l.Check("a"); ok {
		t.Fatal("check after spending the refilled token should refuse")
	}
	now = now.Add(10 * time.Minute)
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("after a long pause the full burst should be back (take %d)", i)
		}
	}
}

// Package ratelimit keeps token buckets per key (account, IP, e-mail) in process memory, built on
// golang.org/x/time/rate. Limits are per server process: they blunt abuse and credential stuffing;
// they are not a quota.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a set of token buckets, one per key, refilled at Every per token up to Burst.
type Limiter struct {
	every time.Duration
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweeps  int
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// New returns a limiter allowing burst events at once and one more every `every`.
func New(every time.Duration, burst int) *Limiter {
	return &Limiter{every: every, burst: burst, now: time.Now, buckets: map[string]*bucket{}}
}

func (l *Limiter) get(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	// Forget idle keys now and then, so memory follows the active population.
	if l.sweeps++; l.sweeps%1024 == 0 {
		idle := l.every * time.Duration(l.burst+1)
		for k, x := range l.buckets {
			if now.Sub(x.seen) > idle {
				delete(l.buckets, k)
			}
		}
	}
	return b
}

// Take spends one token for key. If none is left it spends nothing and says when one will be.
func (l *Limiter) Take(key string) (ok bool, retryAt time.Time) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.get(key, now)
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, now.Add(d)
	}
	return true, time.Time{}
}

// Check reports whether key has a token left without spending it.
func (l *Limiter) Check(key string) (ok bool, retryAt time.Time) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.get(key, now)
	if b.lim.TokensAt(now) >= 1 {
		return true, time.Time{}
	}
	r := b.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return false, now.Add(d)
}

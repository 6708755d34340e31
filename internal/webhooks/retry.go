package webhooks

import (
	"time"
)

// Retry is the delivery schedule: after the n-th failed attempt (n ≥ 1) the next waits
// Base·2^(n−1), capped at Cap, scaled by a jitter factor in [0.8, 1.2) so endpoints that failed
// together are not retried together. Deliveries keep being retried until Window has passed since
// the event, then fail for good.
type Retry struct {
	Base, Cap, Window time.Duration
}

// DefaultRetry retries for a day: 30 s, 1 min, 2 min … 4 h, 4 h …; about 15 attempts.
func DefaultRetry() Retry {
	return Retry{Base: 30 * time.Second, Cap: 4 * time.Hour, Window: 24 * time.Hour}
}

// Next is when to try again after failed attempt n of an event created at created, given a jitter
// draw u in [0,1). ok is false when the window has passed: the delivery has failed.
func (r Retry) Next(n int, created, now time.Time, u float64) (at time.Time, ok bool) {
	if now.Sub(created) >= r.Window {
		return time.Time{}, false
	}
	d := r.Base
	for i := 1; i < n && d < r.Cap; i++ {
		d *= 2
	}
	d = min(d, r.Cap)
	u = min(max(u, 0), 1)
	d = time.Duration(float64(d) * (0.8 + 0.4*u))
	return now.Add(d), true
}

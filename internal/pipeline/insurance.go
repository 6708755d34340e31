package pipeline

import "time"

// Contract is one assignment's dates (End inclusive).
type Contract struct{ Start, End time.Time }

// Continuity is a fixed-term registrant's social-insurance continuity (§7.2): insurance continues
// only if a next contract of one month or more is settled within one month of the last one's end.
type Continuity struct {
	Applies  bool      // fixed-term registrant with at least one contract
	LastEnd  time.Time // end of the latest contract
	Deadline time.Time // the next contract (≥ 1 month) must start by this day
	AtRisk   bool      // the latest contract ends within the lead window or has ended, deadline not passed
	Lost     bool      // the deadline passed without a next contract
}

// InsuranceContinuity computes the deadline from the latest contract. A latest contract shorter than
// one month does not carry continuity, so the deadline then counts from the contract before it.
// gapDays nil means one calendar month (the agency default); lead is how early to warn.
func InsuranceContinuity(employment string, contracts []Contract, today time.Time, gapDays *int, lead time.Duration) Continuity {
	if employment != "FIXED_TERM" || len(contracts) == 0 {
		return Continuity{}
	}
	latest := contracts[0]
	for _, c := range contracts[1:] {
		if c.End.After(latest.End) {
			latest = c
		}
	}
	deadline := func(end time.Time) time.Time {
		if gapDays != nil {
			return end.AddDate(0, 0, *gapDays)
		}
		return addMonth(end)
	}
	c := Continuity{Applies: true, LastEnd: latest.End, Deadline: deadline(latest.End)}
	if !today.After(c.Deadline) {
		c.AtRisk = !today.Before(latest.End.Add(-lead))
	} else {
		c.Lost = true
	}
	return c
}

// IsLongEnough reports whether a contract runs at least one calendar month (start to end inclusive).
func IsLongEnough(c Contract) bool { return !c.End.AddDate(0, 0, 1).Before(addMonth(c.Start)) }

// addMonth is one calendar month later, clamped to the month's last day (Jan 31 → Feb 28), as
// periods are counted in Japan — Go's AddDate would roll over into March.
func addMonth(t time.Time) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+1, 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

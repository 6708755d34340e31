// Package tenure measures how long someone held a job. The client-facing skill sheet (pipeline) and
// the experience score (matching) both count months of work history; they must count them alike.
package tenure

import "time"

// daysPerMonth is the mean Gregorian month: a row's months do not depend on which months it spans.
const daysPerMonth = 30.44

// Months is the whole months from start to end; an open-ended row (end nil) runs to now. A row that
// ends before it starts (or starts in the future) counts as 0, never negative.
func Months(start time.Time, end *time.Time, now time.Time) int {
	e := now
	if end != nil {
		e = *end
	}
	return max(int(e.Sub(start).Hours()/24/daysPerMonth), 0)
}

// Worked is the whole months of an assignment through this agency that have been worked by now:
// Months from its start to its end, or to now while it is still running (a contract signed to run
// another year has not given a year of experience yet). Matching's experience and the skill sheet
// count assignments with it, alongside the registrant's own work history.
func Worked(start, end, now time.Time) int {
	if end.After(now) {
		end = now
	}
	return Months(start, &end, now)
}

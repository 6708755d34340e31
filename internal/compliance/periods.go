package compliance

import "time"

// PeriodEnd is the last day of a period of years and months counted from start (Civil Code art.
// 143), for other packages' legal periods (records: the employment-stability duty dates).
func PeriodEnd(start time.Time, years, months int) time.Time {
	return periodEnd(day(start), years, months)
}

// RunStart is the first day of the continuous run at p's org unit that contains the proposal (gaps
// of 3 months or less continue a run), as the individual limit counts it.
func RunStart(p Proposal) time.Time { return runStart(p) }

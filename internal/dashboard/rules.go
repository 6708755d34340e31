// Package dashboard is the partner dashboard (issue 15 item 7): for a sales rep their open postings
// with pipeline counts per stage, fill rate, median days to fill, assignments ending within the lead
// days without a renewal decision and the inquiries waiting on them with their SLA state; for admins
// the same per rep plus coordinator workload. A fixed number of SQL statements per request, however
// many reps, postings or applications; the figures are plain functions over the rows (this file).
package dashboard

import (
	"sort"
	"time"
)

// SLA states of a waiting inquiry.
const (
	OnTime  = "ON_TIME"
	DueSoon = "DUE_SOON"
	Overdue = "OVERDUE"
)

// DueSoonWindow: an inquiry due within it is DUE_SOON.
const DueSoonWindow = 30 * time.Minute

// SLAState is where a waiting inquiry stands against its first-response deadline: OVERDUE once past
// it (or escalated by the sweeper), DUE_SOON within DueSoonWindow of it, else ON_TIME (also without
// a deadline).
func SLAState(due, escalated *time.Time, now time.Time) string {
	switch {
	case escalated != nil, due != nil && !due.After(now):
		return Overdue
	case due != nil && due.Sub(now) <= DueSoonWindow:
		return DueSoon
	}
	return OnTime
}

// Fill is one posting's demand and what was placed on it.
type Fill struct {
	Headcount int
	Placed    int
	Opened    time.Time  // the posting's creation
	FirstFill *time.Time // the first placement's creation, nil if none
}

// FillRate is the share of the postings' headcount that was placed (each posting counts at most its
// headcount); nil without any headcount.
func FillRate(fs []Fill) *float64 {
	demand, filled := 0, 0
	for _, f := range fs {
		demand += f.Headcount
		filled += min(f.Placed, f.Headcount)
	}
	if demand == 0 {
		return nil
	}
	r := float64(filled) / float64(demand)
	return &r
}

// MedianDaysToFill is the median, over postings with a placement, of the days from opening to the
// first placement; nil when none was filled.
func MedianDaysToFill(fs []Fill) *float64 {
	var days []float64
	for _, f := range fs {
		if f.FirstFill != nil {
			days = append(days, f.FirstFill.Sub(f.Opened).Hours()/24)
		}
	}
	if len(days) == 0 {
		return nil
	}
	sort.Float64s(days)
	m := days[len(days)/2]
	if len(days)%2 == 0 {
		m = (days[len(days)/2-1] + days[len(days)/2]) / 2
	}
	return &m
}

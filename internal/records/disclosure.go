package records

import (
	"math"
	"sort"
	"time"

	"github.com/example/staffcrm/internal/compliance"
)

// Placement is one assignment as the disclosure and the stability list count it.
type Placement struct {
	AssignmentID int
	WorkerID     int
	WorkerName   string
	Employment   string // FixedTerm or Indefinite
	SiteID       int    // the client site; MarginDisclosure groups by it as the establishment it is given
	SiteName     string
	OrgUnitID    int
	OrgUnit      string
	Start, End   time.Time // End inclusive
	HourlyWage   int
	BillRate     *int
	Measures     []string // 雇用安定措置 recorded so far
	Status       string   // SCHEDULED, ACTIVE, ENDED or TERMINATED
	Is60Plus     bool     // 60 or over at the start: exempt from the individual limit
	Renewed      bool     // a renewal continues it
}

// Margin is one establishment's figures for the margin disclosure (マージン率等の情報提供, 法23条5項).
type Margin struct {
	SiteID         int
	SiteName       string
	Workers        int     // dispatched workers in the fiscal year
	AverageBill    int     // yen per hour, mean over the assignments
	AverageWage    int     // yen per hour
	MarginRate     float64 // (bill − wage) / bill, percent with one decimal
	WithoutBill    int     // assignments left out: no bill rate recorded
	AssignmentsSum int     // assignments counted
}

// MarginDisclosure computes, per establishment, the figures an agency publishes for fiscal year fy
// from the assignments that ran in it. An assignment without a bill rate cannot be counted: it is
// reported per site instead of lowering the rate.
func MarginDisclosure(fy int, ps []Placement) []Margin {
	from := time.Date(fy, time.April, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(fy+1, time.March, 31, 0, 0, 0, 0, time.UTC)
	type acc struct {
		m          Margin
		workers    map[int]bool
		bill, wage int
	}
	sites := map[int]*acc{}
	for _, p := range ps {
		if p.End.Before(from) || p.Start.After(to) {
			continue
		}
		a := sites[p.SiteID]
		if a == nil {
			a = &acc{m: Margin{SiteID: p.SiteID, SiteName: p.SiteName}, workers: map[int]bool{}}
			sites[p.SiteID] = a
		}
		if p.BillRate == nil {
			a.m.WithoutBill++
			continue
		}
		a.workers[p.WorkerID] = true
		a.m.AssignmentsSum++
		a.bill += *p.BillRate
		a.wage += p.HourlyWage
	}
	out := make([]Margin, 0, len(sites))
	for _, a := range sites {
		m := a.m
		m.Workers = len(a.workers)
		if n := m.AssignmentsSum; n > 0 {
			m.AverageBill = int(math.Round(float64(a.bill) / float64(n)))
			m.AverageWage = int(math.Round(float64(a.wage) / float64(n)))
			if a.bill > 0 {
				m.MarginRate = math.Round(float64(a.bill-a.wage)/float64(a.bill)*1000) / 10
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SiteID < out[j].SiteID })
	return out
}

// Stability duties of 法30条 for fixed-term workers at one org unit.
const (
	DutyMeasures  = "DUTY"   // expected to reach 3 years: the agency must take a stability measure
	EffortMeasure = "EFFORT" // expected to reach 1 year: the agency must endeavour to
)

// StabilityCase is a fixed-term worker whose run at one org unit reaches a 法30条 threshold.
type StabilityCase struct {
	WorkerID   int
	WorkerName string
	OrgUnitID  int
	OrgUnit    string
	RunStart   time.Time // first day of the continuous run (gaps of 3 months or less continue it)
	PlannedEnd time.Time
	Duty       string    // DutyMeasures or EffortMeasure
	Reaches    time.Time // the day the run completes 3 years (duty) or 1 year (effort)
	Measures   []string
}

// StabilityDuties lists the fixed-term workers whose current or planned run at an org unit is
// expected to last 3 years (duty) or 1 year (effort), with the date it gets there and the measures
// recorded so far. Runs that ended before asOf are left out.
func StabilityDuties(asOf time.Time, ps []Placement) []StabilityCase {
	type key struct{ worker, unit int }
	runs := map[key][]Placement{}
	for _, p := range ps {
		if p.Employment == Indefinite {
			continue
		}
		k := key{p.WorkerID, p.OrgUnitID}
		runs[k] = append(runs[k], p)
	}
	var out []StabilityCase
	for k, list := range runs {
		sort.Slice(list, func(i, j int) bool { return list[i].End.Before(list[j].End) })
		last := list[len(list)-1]
		if last.End.Before(asOf) {
			continue
		}
		history := make([]compliance.Placement, 0, len(list)-1)
		for _, p := range list[:len(list)-1] {
			history = append(history, compliance.Placement{OrgUnitID: k.unit, Start: p.Start, End: p.End})
		}
		start := compliance.RunStart(compliance.Proposal{OrgUnitID: k.unit, Start: last.Start, End: last.End, History: history})
		c := StabilityCase{WorkerID: k.worker, WorkerName: last.WorkerName, OrgUnitID: k.unit, OrgUnit: last.OrgUnit,
			RunStart: start, PlannedEnd: last.End}
		for _, p := range list {
			c.Measures = append(c.Measures, p.Measures...)
		}
		switch three, one := compliance.PeriodEnd(start, 3, 0), compliance.PeriodEnd(start, 1, 0); {
		case !last.End.Before(three):
			c.Duty, c.Reaches = DutyMeasures, three
		case !last.End.Before(one):
			c.Duty, c.Reaches = EffortMeasure, one
		default:
			continue
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Reaches.Equal(out[j].Reaches) {
			return out[i].Reaches.Before(out[j].Reaches)
		}
		return out[i].WorkerID < out[j].WorkerID
	})
	return out
}

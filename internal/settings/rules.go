// Package settings owns an agency's operating settings (DESIGN §3, §10): business hours, working
// weekdays, holidays, SLA, ack timeout, inquiry rate limit, next-job lead days, insurance gap days and
// the routing weights. The rules are plain Go over plain values (Check); Service applies a checked
// change to the viewer's agency and records it in the audit log in the same transaction.
package settings

import (
	"math"
	"slices"
	"time"

	"github.com/example/staffcrm/internal/businesstime"
	"github.com/example/staffcrm/internal/invalid"
)

// Current is the stored settings a change applies to (the cross-field rules need both).
type Current struct {
	Timezone                string
	BusinessOpen            string
	BusinessClose           string
	WorkingWeekdays         []int
	Holidays                []string
	FirstResponseSLAMinutes int
	AckTimeoutMinutes       int
	InquiryRateLimit        int
	NextJobLeadDays         int
	InsuranceGapDays        *int
	RoutingWeightContinuity float64
	RoutingWeightSpecialty  float64
	RoutingWeightRegion     float64
}

// Change is what an admin asks to change; nil fields stay as they are. ClearInsuranceGapDays goes
// back to the default (one calendar month, §7.2).
type Change struct {
	Timezone                *string
	BusinessOpen            *string
	BusinessClose           *string
	WorkingWeekdays         []int // nil: unchanged; empty: refused (no business time at all)
	Holidays                []string
	FirstResponseSLAMinutes *int
	AckTimeoutMinutes       *int
	InquiryRateLimit        *int
	NextJobLeadDays         *int
	InsuranceGapDays        *int
	ClearInsuranceGapDays   bool
	RoutingWeightContinuity *float64
	RoutingWeightSpecialty  *float64
	RoutingWeightRegion     *float64
}

// Limits of each knob (business minutes, counts, days, weights).
const (
	MaxSLAMinutes        = 60 * 24 * 14
	MaxAckTimeoutMinutes = 60 * 24 * 7
	MaxInquiryRateLimit  = 1000
	MaxLeadDays          = 365
	MaxGapDays           = 365
	MaxRoutingWeight     = 100
	MaxHolidays          = 1000
)

// Applied is a checked change: the settings after it, and the GraphQL names of the fields it
// actually changes (for the audit log), in a fixed order.
type Applied struct {
	Settings Current
	Changed  []string
}

// Check validates change against cur and returns the resulting settings. The first rejected field is
// an *invalid.Error naming it by its GraphQL input name. Holidays are normalised (sorted, duplicates
// dropped).
func Check(cur Current, c Change) (Applied, error) {
	next := cur
	next.WorkingWeekdays = slices.Clone(cur.WorkingWeekdays)
	next.Holidays = slices.Clone(cur.Holidays)
	if c.Timezone != nil {
		if _, err := businesstime.NewCalendar(*c.Timezone, "09:00", "18:00", []int{1}, nil); err != nil || *c.Timezone == "" {
			return Applied{}, invalid.Field("timezone", "unknown IANA time zone %q (e.g. Asia/Tokyo)", *c.Timezone)
		}
		next.Timezone = *c.Timezone
	}
	if c.BusinessOpen != nil {
		if _, err := businesstime.ParseClock(*c.BusinessOpen); err != nil || len(*c.BusinessOpen) != 5 {
			return Applied{}, invalid.Field("businessOpen", "must be HH:MM (00:00–23:59), got %q", *c.BusinessOpen)
		}
		next.BusinessOpen = *c.BusinessOpen
	}
	if c.BusinessClose != nil {
		if _, err := businesstime.ParseClock(*c.BusinessClose); err != nil || len(*c.BusinessClose) != 5 {
			return Applied{}, invalid.Field("businessClose", "must be HH:MM (00:00–23:59), got %q", *c.BusinessClose)
		}
		next.BusinessClose = *c.BusinessClose
	}
	if next.BusinessClose <= next.BusinessOpen { // HH:MM compares as text
		field := "businessClose"
		if c.BusinessClose == nil {
			field = "businessOpen"
		}
		return Applied{}, invalid.Field(field, "business hours must close after they open (open %s, close %s)", next.BusinessOpen, next.BusinessClose)
	}
	if c.WorkingWeekdays != nil {
		if len(c.WorkingWeekdays) == 0 {
			return Applied{}, invalid.Field("workingWeekdays", "at least one working weekday is required")
		}
		seen := map[int]bool{}
		for _, d := range c.WorkingWeekdays {
			if d < 0 || d > 6 {
				return Applied{}, invalid.Field("workingWeekdays", "weekday %d is out of range 0 (Sunday) to 6 (Saturday)", d)
			}
			if seen[d] {
				return Applied{}, invalid.Field("workingWeekdays", "weekday %d is listed twice", d)
			}
			seen[d] = true
		}
		next.WorkingWeekdays = slices.Sorted(slices.Values(c.WorkingWeekdays))
	}
	if c.Holidays != nil {
		if len(c.Holidays) > MaxHolidays {
			return Applied{}, invalid.Field("holidays", "at most %d holidays", MaxHolidays)
		}
		out := make([]string, 0, len(c.Holidays))
		for _, h := range c.Holidays {
			d, err := time.Parse(time.DateOnly, h)
			if err != nil || d.Format(time.DateOnly) != h {
				return Applied{}, invalid.Field("holidays", "%q is not a date YYYY-MM-DD", h)
			}
			if !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
		slices.Sort(out)
		next.Holidays = out
	}
	ints := []struct {
		field string
		v     *int
		max   int
		dst   *int
	}{
		{"firstResponseSLAMinutes", c.FirstResponseSLAMinutes, MaxSLAMinutes, &next.FirstResponseSLAMinutes},
		{"ackTimeoutMinutes", c.AckTimeoutMinutes, MaxAckTimeoutMinutes, &next.AckTimeoutMinutes},
		{"inquiryRateLimit", c.InquiryRateLimit, MaxInquiryRateLimit, &next.InquiryRateLimit},
		{"nextJobLeadDays", c.NextJobLeadDays, MaxLeadDays, &next.NextJobLeadDays},
	}
	for _, k := range ints {
		if k.v == nil {
			continue
		}
		if *k.v < 1 || *k.v > k.max {
			return Applied{}, invalid.Field(k.field, "must be between 1 and %d, got %d", k.max, *k.v)
		}
		*k.dst = *k.v
	}
	if c.ClearInsuranceGapDays && c.InsuranceGapDays != nil {
		return Applied{}, invalid.Field("insuranceGapDays", "give a number of days or clearInsuranceGapDays, not both")
	}
	switch {
	case c.ClearInsuranceGapDays:
		next.InsuranceGapDays = nil
	case c.InsuranceGapDays != nil:
		if *c.InsuranceGapDays < 1 || *c.InsuranceGapDays > MaxGapDays {
			return Applied{}, invalid.Field("insuranceGapDays", "must be between 1 and %d, got %d", MaxGapDays, *c.InsuranceGapDays)
		}
		v := *c.InsuranceGapDays
		next.InsuranceGapDays = &v
	}
	weights := []struct {
		field string
		v     *float64
		dst   *float64
	}{
		{"routingWeightContinuity", c.RoutingWeightContinuity, &next.RoutingWeightContinuity},
		{"routingWeightSpecialty", c.RoutingWeightSpecialty, &next.RoutingWeightSpecialty},
		{"routingWeightRegion", c.RoutingWeightRegion, &next.RoutingWeightRegion},
	}
	for _, w := range weights {
		if w.v == nil {
			continue
		}
		if math.IsNaN(*w.v) || *w.v < 0 || *w.v > MaxRoutingWeight {
			return Applied{}, invalid.Field(w.field, "must be between 0 and %d, got %v", MaxRoutingWeight, *w.v)
		}
		*w.dst = *w.v
	}
	return Applied{Settings: next, Changed: changed(cur, next)}, nil
}

// changed lists the GraphQL names of the fields whose value differs.
func changed(a, b Current) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("timezone", a.Timezone != b.Timezone)
	add("businessOpen", a.BusinessOpen != b.BusinessOpen)
	add("businessClose", a.BusinessClose != b.BusinessClose)
	add("workingWeekdays", !slices.Equal(a.WorkingWeekdays, b.WorkingWeekdays))
	add("holidays", !slices.Equal(a.Holidays, b.Holidays))
	add("firstResponseSLAMinutes", a.FirstResponseSLAMinutes != b.FirstResponseSLAMinutes)
	add("ackTimeoutMinutes", a.AckTimeoutMinutes != b.AckTimeoutMinutes)
	add("inquiryRateLimit", a.InquiryRateLimit != b.InquiryRateLimit)
	add("nextJobLeadDays", a.NextJobLeadDays != b.NextJobLeadDays)
	add("insuranceGapDays", (a.InsuranceGapDays == nil) != (b.InsuranceGapDays == nil) ||
		(a.InsuranceGapDays != nil && *a.InsuranceGapDays != *b.InsuranceGapDays))
	add("routingWeightContinuity", a.RoutingWeightContinuity != b.RoutingWeightContinuity)
	add("routingWeightSpecialty", a.RoutingWeightSpecialty != b.RoutingWeightSpecialty)
	add("routingWeightRegion", a.RoutingWeightRegion != b.RoutingWeightRegion)
	return out
}

package settings

import (
	"errors"
	"slices"
	"testing"

	"github.com/example/staffcrm/internal/invalid"
)

func defaults() Current {
	return Current{Timezone: "Asia/Tokyo", BusinessOpen: "09:00", BusinessClose: "18:00", WorkingWeekdays: []int{1, 2, 3, 4, 5},
		Holidays: []string{}, FirstResponseSLAMinutes: 120, AckTimeoutMinutes: 30, InquiryRateLimit: 5, NextJobLeadDays: 30,
		RoutingWeightContinuity: 3, RoutingWeightSpecialty: 2, RoutingWeightRegion: 1}
}

func ptr[T any](v T) *T { return &v }

func TestCheckRejects(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		c           Change
	}{
		{"unknown zone", "timezone", Change{Timezone: ptr("Mars/Olympus")}},
		{"empty zone", "timezone", Change{Timezone: ptr("")}},
		{"Local zone", "timezone", Change{Timezone: ptr("Local")}},
		{"open not a clock", "businessOpen", Change{BusinessOpen: ptr("9:00")}},
		{"open 24:00", "businessOpen", Change{BusinessOpen: ptr("24:00")}},
		{"close not a clock", "businessClose", Change{BusinessClose: ptr("18:5")}},
		{"close before open", "businessClose", Change{BusinessClose: ptr("08:00")}},
		{"open after stored close", "businessOpen", Change{BusinessOpen: ptr("19:00")}},
		{"open equals close", "businessClose", Change{BusinessOpen: ptr("10:00"), BusinessClose: ptr("10:00")}},
		{"no weekdays", "workingWeekdays", Change{WorkingWeekdays: []int{}}},
		{"weekday 7", "workingWeekdays", Change{WorkingWeekdays: []int{1, 7}}},
		{"weekday negative", "workingWeekdays", Change{WorkingWeekdays: []int{-1}}},
		{"weekday twice", "workingWeekdays", Change{WorkingWeekdays: []int{1, 1}}},
		{"holiday not a date", "holidays", Change{Holidays: []string{"2026-02-30"}}},
		{"holiday short form", "holidays", Change{Holidays: []string{"2026-1-2"}}},
		{"SLA zero", "firstResponseSLAMinutes", Change{FirstResponseSLAMinutes: ptr(0)}},
		{"SLA too long", "firstResponseSLAMinutes", Change{FirstResponseSLAMinutes: ptr(MaxSLAMinutes + 1)}},
		{"ack negative", "ackTimeoutMinutes", Change{AckTimeoutMinutes: ptr(-5)}},
		{"ack too long", "ackTimeoutMinutes", Change{AckTimeoutMinutes: ptr(MaxAckTimeoutMinutes + 1)}},
		{"rate limit zero", "inquiryRateLimit", Change{InquiryRateLimit: ptr(0)}},
		{"rate limit huge", "inquiryRateLimit", Change{InquiryRateLimit: ptr(1001)}},
		{"lead days zero", "nextJobLeadDays", Change{NextJobLeadDays: ptr(0)}},
		{"lead days > a year", "nextJobLeadDays", Change{NextJobLeadDays: ptr(366)}},
		{"gap days zero", "insuranceGapDays", Change{InsuranceGapDays: ptr(0)}},
		{"gap days and clear", "insuranceGapDays", Change{InsuranceGapDays: ptr(20), ClearInsuranceGapDays: true}},
		{"weight negative", "routingWeightContinuity", Change{RoutingWeightContinuity: ptr(-0.5)}},
		{"weight too big", "routingWeightSpecialty", Change{RoutingWeightSpecialty: ptr(101.0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(defaults(), tc.c)
			var ie *invalid.Error
			if !errors.As(err, &ie) || ie.Field != tc.field {
				t.Fatalf("err = %v, want an invalid.Error for %s", err, tc.field)
			}
		})
	}
}

func TestCheckApplies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cur     func(*Current)
		c       Change
		changed []string
		check   func(t *testing.T, n Current)
	}{
		{"nothing", nil, Change{}, nil, nil},
		{"same values change nothing", nil, Change{BusinessOpen: ptr("09:00"), InquiryRateLimit: ptr(5)}, nil, nil},
		{"hours", nil, Change{BusinessOpen: ptr("08:30"), BusinessClose: ptr("17:30")}, []string{"businessOpen", "businessClose"}, nil},
		{"open moves past the old close together with it", nil, Change{BusinessOpen: ptr("19:00"), BusinessClose: ptr("23:00")},
			[]string{"businessOpen", "businessClose"}, nil},
		{"weekdays sorted", nil, Change{WorkingWeekdays: []int{6, 1, 2}}, []string{"workingWeekdays"},
			func(t *testing.T, n Current) {
				if !slices.Equal(n.WorkingWeekdays, []int{1, 2, 6}) {
					t.Fatalf("weekdays %v", n.WorkingWeekdays)
				}
			}},
		{"holidays sorted and deduplicated", nil, Change{Holidays: []string{"2027-01-01", "2026-12-31", "2027-01-01"}},
			[]string{"holidays"}, func(t *testing.T, n Current) {
				if !slices.Equal(n.Holidays, []string{"2026-12-31", "2027-01-01"}) {
					t.Fatalf("holidays %v", n.Holidays)
				}
			}},
		{"gap days set", nil, Change{InsuranceGapDays: ptr(31)}, []string{"insuranceGapDays"}, nil},
		{"gap days cleared", func(c *Current) { c.InsuranceGapDays = ptr(20) }, Change{ClearInsuranceGapDays: true},
			[]string{"insuranceGapDays"}, func(t *testing.T, n Current) {
				if n.InsuranceGapDays != nil {
					t.Fatalf("gap %v", *n.InsuranceGapDays)
				}
			}},
		{"limits and weights", nil, Change{FirstResponseSLAMinutes: ptr(60), AckTimeoutMinutes: ptr(MaxAckTimeoutMinutes),
			InquiryRateLimit: ptr(1), NextJobLeadDays: ptr(365), RoutingWeightRegion: ptr(0.0), RoutingWeightContinuity: ptr(100.0)},
			[]string{"firstResponseSLAMinutes", "ackTimeoutMinutes", "inquiryRateLimit", "nextJobLeadDays", "routingWeightContinuity", "routingWeightRegion"}, nil},
		{"zone", nil, Change{Timezone: ptr("UTC")}, []string{"timezone"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cur := defaults()
			if tc.cur != nil {
				tc.cur(&cur)
			}
			ap, err := Check(cur, tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ap.Changed, tc.changed) {
				t.Fatalf("changed %v, want %v", ap.Changed, tc.changed)
			}
			if tc.check != nil {
				tc.check(t, ap.Settings)
			}
		})
	}
}

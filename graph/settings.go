package graph

import (
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/settings"
)

// The agency-settings edge: input mapping for settings.resolvers.go. The rules are in internal/settings.

func (r *Resolver) settings() *settings.Service { return &settings.Service{Client: r.Client} }

func settingsChange(in model.UpdateAgencySettingsInput) settings.Change {
	c := settings.Change{Timezone: in.Timezone, BusinessOpen: in.BusinessOpen, BusinessClose: in.BusinessClose,
		WorkingWeekdays: in.WorkingWeekdays, Holidays: in.Holidays, FirstResponseSLAMinutes: in.FirstResponseSLAMinutes,
		AckTimeoutMinutes: in.AckTimeoutMinutes, InquiryRateLimit: in.InquiryRateLimit, NextJobLeadDays: in.NextJobLeadDays,
		InsuranceGapDays: in.InsuranceGapDays, RoutingWeightContinuity: in.RoutingWeightContinuity,
		RoutingWeightSpecialty: in.RoutingWeightSpecialty, RoutingWeightRegion: in.RoutingWeightRegion}
	if in.ClearInsuranceGapDays != nil {
		c.ClearInsuranceGapDays = *in.ClearInsuranceGapDays
	}
	return c
}

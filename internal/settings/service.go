package settings

import (
	"context"
	"errors"
	"fmt"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtx"
)

// ErrAdminOnly: agency settings are changed by the agency's admins.
var ErrAdminOnly = errors.New("only admins change the agency settings")

// AuditEntity is the entity type of the audit events a settings change writes.
const AuditEntity = "Agency"

// Service changes the viewer's agency's settings.
type Service struct{ Client *ent.Client }

// CurrentOf reads the settings of a stored agency.
func CurrentOf(ag *ent.Agency) Current {
	return Current{Timezone: ag.Timezone, BusinessOpen: ag.BusinessOpen, BusinessClose: ag.BusinessClose,
		WorkingWeekdays: ag.WorkingWeekdays, Holidays: ag.Holidays, FirstResponseSLAMinutes: ag.FirstResponseSLAMinutes,
		AckTimeoutMinutes: ag.AckTimeoutMinutes, InquiryRateLimit: ag.InquiryRateLimit, NextJobLeadDays: ag.NextJobLeadDays,
		InsuranceGapDays: ag.InsuranceGapDays, RoutingWeightContinuity: ag.RoutingWeightContinuity,
		RoutingWeightSpecialty: ag.RoutingWeightSpecialty, RoutingWeightRegion: ag.RoutingWeightRegion}
}

// Update applies change to the viewer's agency: checked by Check, written under the viewer's privacy
// (the agency row's policy lets only its admins write it) together with one CHANGE audit event naming
// the fields that changed. A change that changes nothing writes nothing.
func (s *Service) Update(ctx context.Context, change Change) (*ent.Agency, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("update agency settings: %w", access.ErrNoViewer)
	}
	if v.Role != auth.RoleAdmin {
		return nil, fmt.Errorf("update agency settings: %w", ErrAdminOnly)
	}
	var out *ent.Agency
	err := dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		ag, err := tx.Agency.Get(ctx, v.AgencyID)
		if err != nil {
			return err
		}
		ap, err := Check(CurrentOf(ag), change)
		if err != nil {
			return err
		}
		if len(ap.Changed) == 0 {
			out = ag
			return nil
		}
		n := ap.Settings
		u := tx.Agency.UpdateOne(ag).SetTimezone(n.Timezone).SetBusinessOpen(n.BusinessOpen).SetBusinessClose(n.BusinessClose).
			SetWorkingWeekdays(n.WorkingWeekdays).SetHolidays(n.Holidays).SetFirstResponseSLAMinutes(n.FirstResponseSLAMinutes).
			SetAckTimeoutMinutes(n.AckTimeoutMinutes).SetInquiryRateLimit(n.InquiryRateLimit).SetNextJobLeadDays(n.NextJobLeadDays).
			SetRoutingWeightContinuity(n.RoutingWeightContinuity).SetRoutingWeightSpecialty(n.RoutingWeightSpecialty).
			SetRoutingWeightRegion(n.RoutingWeightRegion)
		if n.InsuranceGapDays == nil {
			u.ClearInsuranceGapDays()
		} else {
			u.SetInsuranceGapDays(*n.InsuranceGapDays)
		}
		if out, err = u.Save(ctx); err != nil {
			return err
		}
		return tx.AuditEvent.Create().SetAgencyID(ag.ID).SetActorID(v.AccountID).SetAction(auditevent.ActionCHANGE).
			SetEntityType(AuditEntity).SetEntityID(ag.ID).SetFields(ap.Changed).Exec(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("update agency settings: %w", err)
	}
	return out.Unwrap(), nil
}

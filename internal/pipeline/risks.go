package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
)

// Insurance computes the social-insurance continuity (§7.2) of each registrant named that the
// caller may see, with their agency's gap and lead days. Registrants the caller may not see are left
// out of the map (the caller answers ErrNotFound for them): a batch loader may name ids of another
// kind alongside, and one invisible id must not fail the others.
func (s *Service) Insurance(ctx context.Context, registrantIDs []int) (map[int]Continuity, error) {
	if _, err := viewer(ctx, false); err != nil {
		return nil, fmt.Errorf("insurance: %w", err)
	}
	regs, err := s.Client.Registrant.Query().Where(registrant.IDIn(registrantIDs...)).
		Select(registrant.FieldID, registrant.FieldAgencyID, registrant.FieldEmployment).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("insurance: %w", err)
	}
	return s.continuity(ctx, regs)
}

// RegistrantsAtInsuranceRisk lists the fixed-term registrants in the caller's scope whose continuity
// is at risk, by id. Staff only.
func (s *Service) RegistrantsAtInsuranceRisk(ctx context.Context) ([]*ent.Registrant, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("insurance risks: %w", err)
	}
	regs, err := s.Client.Registrant.Query().Where(registrant.EmploymentEQ(registrant.EmploymentFIXED_TERM),
		registrant.HasAssignments()).Order(ent.Asc(registrant.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("insurance risks: %w", err)
	}
	cs, err := s.continuity(ctx, regs)
	if err != nil {
		return nil, err
	}
	var out []*ent.Registrant
	for _, r := range regs {
		if cs[r.ID].AtRisk {
			out = append(out, r)
		}
	}
	return out, nil
}

// continuity computes the continuity of registrants already read in the caller's scope: one query
// for their agencies' knobs, one for all their contracts.
func (s *Service) continuity(ctx context.Context, regs []*ent.Registrant) (map[int]Continuity, error) {
	out := make(map[int]Continuity, len(regs))
	if len(regs) == 0 {
		return out, nil
	}
	ids, agencyIDs := make([]int, len(regs)), make([]int, len(regs))
	for i, r := range regs {
		ids[i], agencyIDs[i] = r.ID, r.AgencyID
	}
	ags, err := s.Client.Agency.Query().Where(agency.IDIn(agencyIDs...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("insurance: %w", err)
	}
	byID := make(map[int]*ent.Agency, len(ags))
	for _, a := range ags {
		byID[a.ID] = a
	}
	// All of a registrant's contracts count, not only those in the viewer's scope (a sales rep sees
	// the placements at their own postings); the registrants were read in that scope above.
	rows, err := s.Client.Assignment.Query().Where(assignment.RegistrantIDIn(ids...), assignment.StatusNEQ(assignment.StatusTERMINATED)).
		Select(assignment.FieldRegistrantID, assignment.FieldStartDate, assignment.FieldEndDate).
		All(access.System(ctx, "insurance: all of a registrant's contracts count, not only those in the viewer's scope"))
	if err != nil {
		return nil, fmt.Errorf("insurance: %w", err)
	}
	contracts := map[int][]Contract{}
	for _, a := range rows {
		contracts[a.RegistrantID] = append(contracts[a.RegistrantID], Contract{Start: a.StartDate, End: a.EndDate})
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	for _, r := range regs {
		ag := byID[r.AgencyID]
		if ag == nil {
			return nil, fmt.Errorf("insurance: agency of registrant %d: %w", r.ID, ErrNotFound)
		}
		out[r.ID] = InsuranceContinuity(r.Employment.String(), contracts[r.ID], today, ag.InsuranceGapDays,
			time.Duration(ag.NextJobLeadDays)*24*time.Hour)
	}
	return out, nil
}

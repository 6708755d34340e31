package records

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/clientsite"
	"github.com/example/staffcrm/ent/dispatchcontact"
	"github.com/example/staffcrm/ent/ledgerlog"
	"github.com/example/staffcrm/ent/orgunit"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
)

// ErrAdminOnlyContact: the agency's own contacts (派遣元責任者, its complaint desk) are named by admins.
var ErrAdminOnlyContact = errors.New("only admins name the agency's own contacts")

// ErrCoordinatorsOnly: insurance enrollment is recorded by the staff who handle registrants' data.
var ErrCoordinatorsOnly = errors.New("only admins and coordinators record insurance enrollment")

// Contacts lists the agency's dispatch contacts for staff: the agency's own first, then by place.
func (s *Service) Contacts(ctx context.Context) ([]*ent.DispatchContact, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, err
	}
	out, err := s.Client.DispatchContact.Query().
		Order(ent.Asc(dispatchcontact.FieldScopeKey), ent.Asc(dispatchcontact.FieldRole)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("dispatch contacts: %w", err)
	}
	return out, nil
}

// SetContact sets the contact of a role and place, replacing the one there. The place must be one
// the viewer may edit (a site or org unit of a client a sales rep serves); agency roles are admins'.
func (s *Service) SetContact(ctx context.Context, in ContactInput) (*ent.DispatchContact, error) {
	v, err := viewer(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("set dispatch contact: %w", err)
	}
	// Every place named must be one the viewer sees before its shape is judged.
	if in.SiteID != nil {
		if err := access.MustSee(ctx, "site", s.Client.ClientSite.Query().Where(clientsite.ID(*in.SiteID)).Exist, ErrNotFound); err != nil {
			return nil, fmt.Errorf("set dispatch contact: %w", err)
		}
	}
	if in.OrgUnitID != nil {
		if err := access.MustSee(ctx, "org unit", s.Client.OrgUnit.Query().Where(orgunit.ID(*in.OrgUnitID)).Exist, ErrNotFound); err != nil {
			return nil, fmt.Errorf("set dispatch contact: %w", err)
		}
	}
	in, scope, err := CheckContact(in)
	if err != nil {
		return nil, err
	}
	if v != nil && v.Role != auth.RoleAdmin && scope == ScopeAgency {
		return nil, ErrAdminOnlyContact
	}
	var id int
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		// Touching the place under the viewer's privacy is the right to name its contacts.
		var n int
		switch {
		case in.SiteID != nil:
			n, err = tx.ClientSite.Update().Where(clientsite.ID(*in.SiteID)).SetUpdatedAt(s.now()).Save(ctx)
		case in.OrgUnitID != nil:
			n, err = tx.OrgUnit.Update().Where(orgunit.ID(*in.OrgUnitID)).SetUpdatedAt(s.now()).Save(ctx)
		default:
			n = 1
		}
		if err != nil {
			return err
		}
		if n != 1 {
			return ErrNotFound
		}
		id, err = tx.DispatchContact.Create().SetRole(dispatchcontact.Role(in.Role)).SetNillableSiteID(in.SiteID).
			SetNillableOrgUnitID(in.OrgUnitID).SetScopeKey(scope).SetName(in.Name).SetDepartment(in.Department).
			SetPhone(in.Phone).
			OnConflictColumns(dispatchcontact.FieldAgencyID, dispatchcontact.FieldRole, dispatchcontact.FieldScopeKey).
			Update(func(u *ent.DispatchContactUpsert) {
				u.UpdateName().UpdateDepartment().UpdatePhone().UpdateUpdatedAt()
			}).ID(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("set dispatch contact: %w", err)
	}
	return s.Client.DispatchContact.Get(ctx, id)
}

// RemoveContact removes a contact the viewer may edit; the records then report the item as a gap.
func (s *Service) RemoveContact(ctx context.Context, id int) (int, error) {
	if _, err := viewer(ctx, true); err != nil {
		return 0, fmt.Errorf("remove dispatch contact: %w", err)
	}
	n, err := s.Client.DispatchContact.Delete().Where(dispatchcontact.ID(id)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("remove dispatch contact: %w", err)
	}
	if n == 0 {
		return 0, fmt.Errorf("remove dispatch contact: %w", ErrNotFound)
	}
	return id, nil
}

// Logs lists ledger logs in the viewer's scope, newest first, of a registrant and/or an assignment.
func (s *Service) Logs(ctx context.Context, registrantID, assignmentID *int, kind *string) ([]*ent.LedgerLog, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, err
	}
	q := s.Client.LedgerLog.Query()
	if registrantID != nil {
		q.Where(ledgerlog.RegistrantID(*registrantID))
	}
	if assignmentID != nil {
		q.Where(ledgerlog.AssignmentID(*assignmentID))
	}
	if kind != nil {
		q.Where(ledgerlog.KindEQ(ledgerlog.Kind(*kind)))
	}
	out, err := q.Order(ent.Desc(ledgerlog.FieldOccurredOn), ent.Desc(ledgerlog.FieldID)).Limit(1000).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger logs: %w", err)
	}
	return out, nil
}

// RecordLog records a ledger log about a registrant the viewer may see (and, when named, one of her
// assignments the viewer may see).
func (s *Service) RecordLog(ctx context.Context, in LogInput) (*ent.LedgerLog, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("record ledger log: %w", err)
	}
	in, err := CheckLog(in, s.today(ctx))
	if err != nil {
		return nil, err
	}
	if err := access.MustSee(ctx, "registrant", s.Client.Registrant.Query().Where(registrant.ID(in.RegistrantID)).Exist, ErrNotFound); err != nil {
		return nil, fmt.Errorf("record ledger log: %w", err)
	}
	if in.AssignmentID != nil {
		a, err := s.Client.Assignment.Query().Where(assignment.ID(*in.AssignmentID)).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, fmt.Errorf("record ledger log: assignment: %w", ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("record ledger log: %w", err)
		}
		if a.RegistrantID != in.RegistrantID {
			return nil, invalid.Field("assignmentId", "not an assignment of this registrant")
		}
	}
	l, err := s.Client.LedgerLog.Create().SetKind(ledgerlog.Kind(in.Kind)).SetRegistrantID(in.RegistrantID).
		SetNillableAssignmentID(in.AssignmentID).SetOccurredOn(day(in.OccurredOn)).SetContent(in.Content).
		SetNillableHandling(in.Handling).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record ledger log: %w", err)
	}
	return l, nil
}

// UpdateLog corrects a log or records how it was handled: its author or an admin (the policy).
func (s *Service) UpdateLog(ctx context.Context, id int, content, handling *string) (*ent.LedgerLog, error) {
	if _, err := viewer(ctx, true); err != nil {
		return nil, fmt.Errorf("update ledger log: %w", err)
	}
	content, handling, err := CheckLogTexts(content, handling)
	if err != nil {
		return nil, err
	}
	u := s.Client.LedgerLog.UpdateOneID(id).SetNillableContent(content)
	if handling != nil {
		u.SetHandling(*handling)
	}
	l, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("update ledger log: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("update ledger log: %w", err)
	}
	return l, nil
}

// RecordInsurance records a registrant's social and employment insurance enrollment (admins and
// coordinators, for a registrant they may see).
func (s *Service) RecordInsurance(ctx context.Context, in InsuranceInput) (*ent.Registrant, error) {
	v, err := viewer(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("record insurance: %w", err)
	}
	if v != nil && v.Role != auth.RoleAdmin && v.Role != auth.RoleCoordinator {
		return nil, ErrCoordinatorsOnly
	}
	if in, err = CheckInsuranceReason(in); err != nil {
		return nil, err
	}
	var out *ent.Registrant
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		u := tx.Registrant.UpdateOneID(in.RegistrantID).SetNillableHealthInsuranceEnrolled(in.Health).
			SetNillablePensionInsuranceEnrolled(in.Pension).SetNillableEmploymentInsuranceEnrolled(in.Employment)
		if in.ReasonNotEnrolled != nil {
			if *in.ReasonNotEnrolled == "" {
				u.ClearInsuranceNotEnrolledReason()
			} else {
				u.SetInsuranceNotEnrolledReason(*in.ReasonNotEnrolled)
			}
		}
		// The update locks the row; the state it leaves is what is checked (then kept or rolled back).
		out, err = u.Save(ctx)
		if ent.IsNotFound(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return CheckInsurance([3]*bool{out.HealthInsuranceEnrolled, out.PensionInsuranceEnrolled, out.EmploymentInsuranceEnrolled},
			out.InsuranceNotEnrolledReason)
	})
	if err != nil {
		return nil, fmt.Errorf("record insurance: %w", err)
	}
	return out.Unwrap(), nil
}

// today is the agency's local date of the viewer (UTC for a System caller).
func (s *Service) today(ctx context.Context) time.Time {
	now := s.now()
	if v, ok := auth.ViewerFrom(ctx); ok {
		if ag, err := s.Client.Agency.Get(ctx, v.AgencyID); err == nil {
			if loc, err := time.LoadLocation(ag.Timezone); err == nil {
				now = now.In(loc)
			}
		}
	}
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

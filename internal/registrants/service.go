package registrants

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/skill"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/records"
)

var (
	// ErrNotFound: the registrant or work-history entry is not one the caller may see.
	ErrNotFound = errors.New("not found")
	// ErrCannotEdit: sales reps read registrants' experience but do not edit it.
	ErrCannotEdit = errors.New("only the registrant herself, coordinators and admins edit skills and work history")
	// ErrNotRegistrant: the disclosure copy and deletion are a registrant's own requests.
	ErrNotRegistrant = errors.New("only a registrant can ask for her own data or its deletion")
	// ErrAssignmentOngoing: she is employed by the agency on a current or upcoming assignment.
	ErrAssignmentOngoing = errors.New("you have a current or upcoming assignment; your account can be deleted after it ends — please contact your coordinator")
)

// Withdrawer withdraws a registrant's open application as her (internal/pipeline).
type Withdrawer interface {
	Advance(ctx context.Context, m pipeline.Move) (*pipeline.Result, error)
}

// Service edits, exports and deletes registrants' own data.
type Service struct {
	Client   *ent.Client
	Pipeline Withdrawer       // deletion withdraws her open applications through it
	Now      func() time.Time // nil: time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// subject is the registrant whose experience the viewer edits: herself (named nil or her own id),
// or for coordinators and admins the one named, if they can see her.
func (s *Service) subject(ctx context.Context, named *int) (int, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return 0, access.ErrNoViewer
	}
	switch v.Role {
	case auth.RoleRegistrant:
		if named != nil && *named != v.ProfileID {
			return 0, ErrNotFound
		}
		return v.ProfileID, nil
	case auth.RoleCoordinator, auth.RoleAdmin:
		if named == nil {
			return 0, invalid.Field("registrantId", "required")
		}
		ok, err := s.Client.Registrant.Query().Where(registrant.ID(*named), registrant.AnonymizedAtIsNil()).Exist(ctx)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, ErrNotFound
		}
		return *named, nil
	}
	return 0, ErrCannotEdit
}

// loaded reads the registrant with her skills, work history and consents, as the answer of an edit.
func (s *Service) loaded(ctx context.Context, id int) (*ent.Registrant, error) {
	return s.Client.Registrant.Query().Where(registrant.ID(id)).WithSkills().WithWorkHistories().WithConsents().Only(ctx)
}

// SetSkills replaces the registrant's skill list (an app edits it as one list).
func (s *Service) SetSkills(ctx context.Context, registrantID *int, skills []Skill) (*ent.Registrant, error) {
	id, err := s.subject(ctx, registrantID)
	if err != nil {
		return nil, fmt.Errorf("set skills: %w", err)
	}
	if skills, err = CheckSkills(skills); err != nil {
		return nil, err
	}
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if _, err := tx.Skill.Delete().Where(skill.RegistrantID(id)).Exec(ctx); err != nil {
			return err
		}
		creates := make([]*ent.SkillCreate, len(skills))
		for i, k := range skills {
			creates[i] = tx.Skill.Create().SetRegistrantID(id).SetName(k.Name).SetLevel(k.Level).SetYears(k.Years)
		}
		return tx.Skill.CreateBulk(creates...).Exec(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("set skills: %w", err)
	}
	return s.loaded(ctx, id)
}

// AddWorkHistory adds a past job to the registrant's history.
func (s *Service) AddWorkHistory(ctx context.Context, registrantID *int, in WorkHistory) (*ent.Registrant, error) {
	id, err := s.subject(ctx, registrantID)
	if err != nil {
		return nil, fmt.Errorf("add work history: %w", err)
	}
	if in, err = CheckWorkHistory(in, true, WorkHistory{}, s.now()); err != nil {
		return nil, err
	}
	c := s.Client.WorkHistory.Create().SetRegistrantID(id).SetCompany(*in.Company).SetJobCategory(*in.JobCategory).
		SetStartDate(*in.StartDate).SetNillableEndDate(in.EndDate).SetKind(workhistory.Kind(*in.Kind)).
		SetNillableIndustry(in.Industry).SetNillableTasks(in.Tasks)
	if in.TaskTags != nil {
		c.SetTaskTags(in.TaskTags)
	}
	if in.LegalEntityNumber != nil && *in.LegalEntityNumber != "" {
		c.SetLegalEntityNumber(*in.LegalEntityNumber)
	}
	if err := c.Exec(ctx); err != nil {
		return nil, fmt.Errorf("add work history: %w", err)
	}
	return s.loaded(ctx, id)
}

// entry reads a work-history entry the viewer may edit.
func (s *Service) entry(ctx context.Context, id int) (*ent.WorkHistory, error) {
	w, err := s.Client.WorkHistory.Query().Where(workhistory.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.subject(ctx, &w.RegistrantID); err != nil {
		return nil, err
	}
	return w, nil
}

// UpdateWorkHistory changes an entry of a registrant's history.
func (s *Service) UpdateWorkHistory(ctx context.Context, id int, in WorkHistory) (*ent.Registrant, error) {
	w, err := s.entry(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("update work history: %w", err)
	}
	if in, err = CheckWorkHistory(in, false, WorkHistory{StartDate: &w.StartDate, EndDate: w.EndDate}, s.now()); err != nil {
		return nil, err
	}
	u := w.Update().SetNillableCompany(in.Company).SetNillableJobCategory(in.JobCategory).
		SetNillableIndustry(in.Industry).SetNillableTasks(in.Tasks).SetNillableStartDate(in.StartDate).
		SetNillableEndDate(in.EndDate)
	if in.ClearEndDate {
		u.ClearEndDate()
	}
	if in.Kind != nil {
		u.SetKind(workhistory.Kind(*in.Kind))
	}
	if in.TaskTags != nil {
		u.SetTaskTags(in.TaskTags)
	}
	if in.LegalEntityNumber != nil {
		if *in.LegalEntityNumber == "" {
			u.ClearLegalEntityNumber()
		} else {
			u.SetLegalEntityNumber(*in.LegalEntityNumber)
		}
	}
	if err := u.Exec(ctx); err != nil {
		return nil, fmt.Errorf("update work history: %w", err)
	}
	return s.loaded(ctx, w.RegistrantID)
}

// RemoveWorkHistory deletes an entry and returns the registrant it belonged to.
func (s *Service) RemoveWorkHistory(ctx context.Context, id int) (*ent.Registrant, error) {
	w, err := s.entry(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("remove work history: %w", err)
	}
	if err := s.Client.WorkHistory.DeleteOne(w).Exec(ctx); err != nil {
		return nil, fmt.Errorf("remove work history: %w", err)
	}
	return s.loaded(ctx, w.RegistrantID)
}

// self is the signed-in registrant.
func self(ctx context.Context) (*auth.Viewer, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, access.ErrNoViewer
	}
	if v.Role != auth.RoleRegistrant || v.ProfileID <= 0 {
		return nil, ErrNotRegistrant
	}
	return v, nil
}

// Deletion says what became of a deleted registrant's data.
type Deletion struct {
	// RetainedUntil is when the kept records may go (nil: nothing had to be kept).
	RetainedUntil *time.Time
	// Retained lists what was kept and why, in words she can read.
	Retained []string
}

// Delete anonymises the signed-in registrant at her request, confirmed with her password: her
// contact details, sensitive fields, skills, work history, messages and contact notes go; her
// account can no longer sign in (every session ends) and its e-mail address is freed. What the
// dispatch law makes the agency keep is kept and named in the answer: her name with her assignments
// for the agency ledger (法37条) until 3 years after the last one ended, and the consent records
// (個人情報保護法 29条). Open applications are withdrawn. Refused while an assignment is current or
// upcoming.
func (s *Service) Delete(ctx context.Context, password string) (Deletion, error) {
	v, err := self(ctx)
	if err != nil {
		return Deletion{}, fmt.Errorf("delete registrant: %w", err)
	}
	assignments, err := s.Client.Assignment.Query().Where(assignment.RegistrantID(v.ProfileID)).All(ctx)
	if err != nil {
		return Deletion{}, fmt.Errorf("delete registrant: %w", err)
	}
	today := s.now()
	var lastEnd time.Time
	for _, a := range assignments {
		if a.Status == assignment.StatusSCHEDULED || a.Status == assignment.StatusACTIVE {
			return Deletion{}, ErrAssignmentOngoing
		}
		if a.EndDate.After(lastEnd) {
			lastEnd = a.EndDate
		}
	}
	acc, err := s.Client.Account.Query().Where(account.ID(v.AccountID)).Only(ctx)
	if err != nil {
		return Deletion{}, fmt.Errorf("delete registrant: %w", err)
	}
	if err := auth.VerifyPassword(acc.PasswordHash, password); err != nil {
		if errors.Is(err, auth.ErrPasswordMismatch) {
			return Deletion{}, invalid.Field("password", "not correct")
		}
		return Deletion{}, fmt.Errorf("delete registrant: %w", err)
	}
	out := RetentionOf(lastEnd, today)
	open, err := s.Client.Application.Query().Where(application.RegistrantID(v.ProfileID),
		application.StatusIn(openApplications...)).IDs(ctx)
	if err != nil {
		return Deletion{}, fmt.Errorf("delete registrant: %w", err)
	}
	for _, id := range open {
		if _, err := s.Pipeline.Advance(ctx, pipeline.Move{ApplicationID: id, To: string(application.StatusWITHDRAWN),
			Reason: "登録者の退会(アカウント削除)"}); err != nil && !errors.Is(err, pipeline.ErrInvalidTransition) {
			return Deletion{}, fmt.Errorf("delete registrant: withdraw application %d: %w", id, err)
		}
	}
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		return s.anonymise(ctx, tx, v, out.RetainedUntil == nil)
	})
	if err != nil {
		return Deletion{}, fmt.Errorf("delete registrant: %w", err)
	}
	return out, nil
}

// openApplications are the states a deletion withdraws from.
var openApplications = []application.Status{
	application.StatusAPPLIED, application.StatusSCREENING, application.StatusSCREENING_PASSED,
	application.StatusCLIENT_MEETING, application.StatusOFFERED, application.StatusACCEPTED,
}

// DeletedName replaces a deleted registrant's name once nothing requires it.
const DeletedName = "削除済み登録者"

// RetentionOf says what a deletion keeps, given the end of her last assignment (zero: none).
func RetentionOf(lastEnd, today time.Time) Deletion {
	out := Deletion{Retained: []string{"同意の記録(同意した規約の版と日時): 個人情報保護法に基づく第三者提供の記録として保存します"}}
	if lastEnd.IsZero() {
		return out
	}
	until := lastEnd.AddDate(records.LedgerRetentionYears, 0, 0)
	if !until.After(today) {
		return out
	}
	out.RetainedUntil = &until
	out.Retained = append(out.Retained, fmt.Sprintf(
		"氏名と派遣就業の記録（苦情処理・教育訓練・雇用安定措置の記録を含む）: 労働者派遣法37条の派遣元管理台帳として %s まで保存し、その後削除します", until.Format("2006-01-02")))
	return out
}

// anonymise clears the registrant's personal data and closes her account, in tx.
func (s *Service) anonymise(ctx context.Context, tx *ent.Tx, v *auth.Viewer, dropName bool) error {
	now := s.now()
	u := tx.Registrant.UpdateOneID(v.ProfileID).SetKana("").ClearPhone().ClearEmail().SetPreferredContactHours("").
		SetCity("").SetNearestStation("").ClearDesiredHourlyWage().SetDesiredJobCategories([]string{}).
		ClearAvailableFrom().ClearBirthDate().ClearEducation().ClearGender().ClearContactPressureFlaggedAt().
		SetAnonymizedAt(now)
	if dropName {
		u.SetName(DeletedName)
	}
	if err := u.Exec(ctx); err != nil {
		return err
	}
	if _, err := tx.Skill.Delete().Where(skill.RegistrantID(v.ProfileID)).Exec(ctx); err != nil {
		return err
	}
	if _, err := tx.WorkHistory.Delete().Where(workhistory.RegistrantID(v.ProfileID)).Exec(ctx); err != nil {
		return err
	}
	// Her messages and the staff's notes about her are rows she cannot write; the account is no
	// viewer's to change. The viewer was checked above and these statements touch only her rows.
	sys := access.System(ctx, "registrants: anonymise the requesting registrant's messages, contact notes and account")
	if err := tx.Inquiry.Update().Where(inquiry.RegistrantID(v.ProfileID)).SetMessage("(削除済み)").Exec(sys); err != nil {
		return err
	}
	if err := tx.ContactLog.Update().Where(contactlog.RegistrantID(v.ProfileID)).SetNote("").Exec(sys); err != nil {
		return err
	}
	placeholder, err := auth.HashPassword(rand.Text())
	if err != nil {
		return err
	}
	if err := tx.Account.UpdateOneID(v.AccountID).SetEmail(fmt.Sprintf("deleted-%d@deleted.invalid", v.AccountID)).
		SetPasswordHash(placeholder).SetDisabled(true).SetEmailUnverified(false).AddTokenVersion(1).Exec(sys); err != nil {
		return err
	}
	return tx.AuditEvent.Create().SetAgencyID(v.AgencyID).SetActorID(v.AccountID).SetAction(auditevent.ActionCHANGE).
		SetEntityType("Registrant").SetEntityID(v.ProfileID).SetFields([]string{"anonymized"}).SetAt(now).Exec(sys)
}

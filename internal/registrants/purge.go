package registrants

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/consent"
	"github.com/example/staffcrm/ent/ledgerlog"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/skill"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtx"
)

// UnverifiedSignupDays is how long a self-registered account may wait for its e-mail to be verified
// before the purge job deletes it with what it holds: nobody completed that sign-up, so nothing
// justifies keeping the data (個人情報保護法 22条, data no longer needed is deleted).
const UnverifiedSignupDays = 7

// Purged is what one run of Purge removed.
type Purged struct {
	// Names: deleted registrants whose ledger retention (3 years after the last assignment ended)
	// has passed; their name, the last personal datum kept, is now gone too.
	Names int
	// Signups: self-registered accounts never verified within UnverifiedSignupDays, deleted whole.
	Signups int
}

// Purge is the retention job, across agencies: it removes what deletions kept only for the law
// once the law no longer asks for it, and sign-ups nobody completed. Safe to run any number of
// times, in any number of processes.
func (s *Service) Purge(ctx context.Context) (Purged, error) {
	sys := access.System(ctx, "registrants purge job: retention expiry and unverified sign-ups across agencies")
	now := s.now()
	var out Purged
	var errs []error
	kept, err := s.Client.Registrant.Query().Where(registrant.AnonymizedAtNotNil(), registrant.NameNEQ(DeletedName)).
		WithAssignments().All(sys)
	if err != nil {
		return out, fmt.Errorf("purge: %w", err)
	}
	for _, r := range kept {
		var lastEnd time.Time
		for _, a := range r.Edges.Assignments {
			if a.Status == assignment.StatusSCHEDULED || a.Status == assignment.StatusACTIVE {
				lastEnd = time.Time{}
				break
			}
			if a.EndDate.After(lastEnd) {
				lastEnd = a.EndDate
			}
		}
		if RetentionOf(lastEnd, now).RetainedUntil != nil || (lastEnd.IsZero() && len(r.Edges.Assignments) > 0) {
			continue // still kept for the ledger
		}
		err := dbtx.WithTx(sys, s.Client, func(tx *ent.Tx) error {
			n, err := tx.Registrant.Update().Where(registrant.ID(r.ID), registrant.NameNEQ(DeletedName)).SetName(DeletedName).Save(sys)
			if err != nil || n == 0 {
				return err
			}
			out.Names++
			// Her ledger logs (complaints, training, stability measures) were kept for the same ledger.
			if _, err := tx.LedgerLog.Delete().Where(ledgerlog.RegistrantID(r.ID)).Exec(sys); err != nil {
				return err
			}
			return tx.AuditEvent.Create().SetAgencyID(r.AgencyID).SetAction(auditevent.ActionCHANGE).
				SetEntityType("Registrant").SetEntityID(r.ID).SetFields([]string{"name"}).SetAt(now).Exec(sys)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("registrant %d: %w", r.ID, err))
		}
	}
	stale, err := s.Client.Account.Query().Where(account.RoleEQ(account.RoleREGISTRANT), account.EmailUnverified(true),
		account.CreatedAtLT(now.AddDate(0, 0, -UnverifiedSignupDays))).WithRegistrant().All(sys)
	if err != nil {
		return out, fmt.Errorf("purge: %w", err)
	}
	for _, acc := range stale {
		err := dbtx.WithTx(sys, s.Client, func(tx *ent.Tx) error {
			if reg := acc.Edges.Registrant; reg != nil {
				if _, err := tx.Consent.Delete().Where(consent.RegistrantID(reg.ID)).Exec(sys); err != nil {
					return err
				}
				if _, err := tx.Skill.Delete().Where(skill.RegistrantID(reg.ID)).Exec(sys); err != nil {
					return err
				}
				if _, err := tx.WorkHistory.Delete().Where(workhistory.RegistrantID(reg.ID)).Exec(sys); err != nil {
					return err
				}
				if err := tx.Registrant.DeleteOneID(reg.ID).Exec(sys); err != nil {
					return err
				}
			}
			// Conditional: an address verified meanwhile keeps its account.
			n, err := tx.Account.Delete().Where(account.ID(acc.ID), account.EmailUnverified(true)).Exec(sys)
			if err != nil {
				return err
			}
			if n == 0 {
				return errVerifiedMeanwhile
			}
			out.Signups++
			return nil
		})
		if err != nil && !errors.Is(err, errVerifiedMeanwhile) {
			errs = append(errs, fmt.Errorf("unverified account %d: %w", acc.ID, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("purge: %w", err) // the other rows were purged; these are retried next run
	}
	return out, nil
}

var errVerifiedMeanwhile = errors.New("verified meanwhile")

package staff

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/onetime"
	"github.com/example/staffcrm/internal/routing"
)

var (
	// ErrAdminOnly: inviting, disabling and changing staff is for the agency's admins.
	ErrAdminOnly = errors.New("only admins manage staff accounts")
	// ErrNotFound: the account or staff profile named is not one the caller may see (of another
	// agency, outside the caller's scope, or missing).
	ErrNotFound = errors.New("not found")
	// ErrNoShift: only coordinators and sales reps (with a profile) go on and off shift.
	ErrNoShift = errors.New("only coordinators and sales reps go on and off shift")
	// ErrLinkInvalid: the set-password link is unknown, used or expired (one answer for all three).
	ErrLinkInvalid = errors.New("the set-password link is invalid or has expired; ask an admin for a new invitation")
)

// DefaultLinkTTL is how long a set-password link works.
const DefaultLinkTTL = 72 * time.Hour

// Service manages the viewer's agency's staff.
type Service struct {
	Client    *ent.Client
	Router    *routing.Router
	Mailer    mail.Mailer      // nil: mail.Log without links
	PublicURL string           // links are PublicURL/set-password?token=…; "": config.Defaults.PublicURL (mail.Link)
	LinkTTL   time.Duration    // 0: DefaultLinkTTL
	Now       func() time.Time // nil: time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) mailer() mail.Mailer {
	if s.Mailer == nil {
		return mail.Log{}
	}
	return s.Mailer
}

func admin(ctx context.Context) (*auth.Viewer, error) {
	v, ok := auth.ViewerFrom(ctx)
	switch {
	case !ok:
		return nil, access.ErrNoViewer
	case v.Role != auth.RoleAdmin:
		return nil, ErrAdminOnly
	}
	return v, nil
}

// Invited is a new staff account and when its set-password link expires.
type Invited struct {
	Account   *ent.Account
	Staff     ent.Noder // *ent.Coordinator, *ent.SalesRep or nil (admins)
	ExpiresAt time.Time
}

// Invite creates a staff account of the admin's agency with its profile and a one-time
// set-password link, and mails the link — all or nothing: if the mail cannot be handed over, no row
// is left behind. The account has a random password nobody knows until the link is used.
func (s *Service) Invite(ctx context.Context, in Invite) (Invited, error) {
	v, err := admin(ctx)
	if err != nil {
		return Invited{}, fmt.Errorf("invite staff: %w", err)
	}
	in, err = CheckInvite(in)
	if err != nil {
		return Invited{}, err
	}
	placeholder, err := auth.HashPassword(rand.Text())
	if err != nil {
		return Invited{}, fmt.Errorf("invite staff: %w", err)
	}
	out := Invited{ExpiresAt: s.now().Add(s.ttl())}
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		acc, err := tx.Account.Create().SetEmail(in.Email).SetRole(account.Role(in.Role)).SetPasswordHash(placeholder).Save(ctx)
		if err != nil {
			return err
		}
		out.Account = acc
		// The account ↔ profile link is server-owned (no viewer's write may set it): the admin's
		// right to create the account was checked above.
		sys := access.System(ctx, "staff: link the invited account to its profile")
		switch in.Role {
		case auth.RoleCoordinator:
			out.Staff, err = tx.Coordinator.Create().SetAgencyID(v.AgencyID).SetAccountID(acc.ID).SetName(in.Name).
				SetCapacity(*in.Capacity).SetSpecialties(orEmpty(in.Specialties)).SetRegions(orEmpty(in.Regions)).Save(sys)
		case auth.RoleSalesRep:
			out.Staff, err = tx.SalesRep.Create().SetAgencyID(v.AgencyID).SetAccountID(acc.ID).SetName(in.Name).
				SetKind(salesrep.Kind(in.SalesRepKind)).SetCapacity(*in.Capacity).SetSpecialties(orEmpty(in.Specialties)).Save(sys)
		}
		if err != nil {
			return err
		}
		return s.issueLink(ctx, tx, acc, in.Name, out.ExpiresAt)
	})
	if err != nil {
		return Invited{}, fmt.Errorf("invite staff: %w", err)
	}
	out.Account = out.Account.Unwrap()
	switch p := out.Staff.(type) {
	case *ent.Coordinator:
		out.Staff = p.Unwrap()
	case *ent.SalesRep:
		out.Staff = p.Unwrap()
	}
	return out, nil
}

func (s *Service) ttl() time.Duration {
	if s.LinkTTL <= 0 {
		return DefaultLinkTTL
	}
	return s.LinkTTL
}

// issueLink stores a set-password token for acc (earlier unused ones stop working) and mails the
// link, inside tx: a mail that cannot be handed over rolls everything back. The caller has checked
// that the admin may manage acc.
func (s *Service) issueLink(ctx context.Context, tx *ent.Tx, acc *ent.Account, name string, expires time.Time) error {
	raw, err := onetime.Issue(ctx, tx, acc.ID, onetime.SetPassword, s.now(), expires)
	if err != nil {
		return err
	}
	return s.mailer().Send(ctx, mail.Message{To: acc.Email, Purpose: "staff_set_password",
		Subject: "パスワード設定のご案内", Link: s.link(raw),
		Body: name + " 様\n\n次のリンクからパスワードを設定してください(一度だけ有効、期限 " +
			expires.Format("2006-01-02 15:04 MST") + ")。"})
}

// SendLink e-mails a staff account of the admin's agency a new one-time set-password link (an
// invitation that expired or got lost, a forgotten password); earlier unused links stop working.
// Setting the password through it ends the account's sessions.
func (s *Service) SendLink(ctx context.Context, accountID int) (*ent.Account, time.Time, error) {
	if _, err := admin(ctx); err != nil {
		return nil, time.Time{}, fmt.Errorf("send set-password link: %w", err)
	}
	acc, err := s.staffAccount(ctx, accountID)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("send set-password link: %w", err)
	}
	name := acc.Email
	switch {
	case acc.Edges.Coordinator != nil:
		name = acc.Edges.Coordinator.Name
	case acc.Edges.SalesRep != nil:
		name = acc.Edges.SalesRep.Name
	}
	expires := s.now().Add(s.ttl())
	if err := dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		return s.issueLink(ctx, tx, acc, name, expires)
	}); err != nil {
		return nil, time.Time{}, fmt.Errorf("send set-password link: %w", err)
	}
	return acc, expires, nil
}

func orEmpty(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func (s *Service) link(raw string) string { return mail.Link(s.PublicURL, "/set-password", raw) }

// SetPassword sets the password of the account a set-password link was made for, once: the token is
// spent by a conditional update, so of two concurrent uses one wins. Unknown, used and expired
// tokens get the same answer. No viewer is needed — the token is the authority.
func (s *Service) SetPassword(ctx context.Context, token, password string) (*ent.Account, error) {
	if token == "" {
		return nil, invalid.Field("token", "required")
	}
	if err := auth.CheckNewPassword(password); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, fmt.Errorf("set password: %w", err)
	}
	var out *ent.Account
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		id, err := onetime.Spend(ctx, tx, token, onetime.SetPassword, s.now())
		if errors.Is(err, onetime.ErrInvalid) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		// The token is the authority for this one account's password. Following the link also proves
		// the mailbox, so a self-registered account still waiting for verification is verified.
		out, err = tx.Account.UpdateOneID(id).SetPasswordHash(hash).SetEmailUnverified(false).AddTokenVersion(1).
			Save(access.System(ctx, "staff: set the password of the account a spent set-password link was made for"))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("set password: %w", err)
	}
	return out.Unwrap(), nil
}

// Released says what became of a disabled member's open inquiries.
type Released struct {
	Account    *ent.Account
	Reassigned int // now with a colleague
	Queued     int // back in the queue, none eligible yet
}

// Disable disables a staff account of the admin's agency: its sessions end at once (the session
// state follows the account's disabled flag and token version, in every process), its profile goes
// off shift, and each of its open inquiries is routed again through routing.Router.Reassign — to a
// colleague, or back to the queue — so none is lost. The account is disabled first, so routing no
// longer considers it; each inquiry moves in its own routing transaction, and calling Disable again
// for an account already disabled routes whatever is still assigned to it (a retry after a failure
// finishes the job).
func (s *Service) Disable(ctx context.Context, accountID int) (Released, error) {
	v, err := admin(ctx)
	if err != nil {
		return Released{}, fmt.Errorf("disable staff: %w", err)
	}
	acc, err := s.staffAccount(ctx, accountID)
	if err != nil {
		return Released{}, fmt.Errorf("disable staff: %w", err)
	}
	if acc.ID == v.AccountID {
		return Released{}, invalid.Field("accountId", "admins cannot disable their own account")
	}
	out := Released{Account: acc}
	if !acc.Disabled {
		// Off shift in the same transaction: the router claims an assignee only while it is on shift
		// (a conditional update on the profile row), so a claim racing this one either commits
		// first — and is seen below — or finds the row off shift and takes someone else.
		err := dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
			a, err := tx.Account.UpdateOne(acc).SetDisabled(true).AddTokenVersion(1).Save(ctx)
			if err != nil {
				return err
			}
			out.Account = a
			switch {
			case acc.Edges.Coordinator != nil:
				return tx.Coordinator.UpdateOneID(acc.Edges.Coordinator.ID).SetAvailable(false).Exec(ctx)
			case acc.Edges.SalesRep != nil:
				return tx.SalesRep.UpdateOneID(acc.Edges.SalesRep.ID).SetAvailable(false).Exec(ctx)
			}
			return nil
		})
		if err != nil {
			return Released{}, fmt.Errorf("disable staff: %w", err)
		}
		out.Account = out.Account.Unwrap()
	}
	// Look again until nothing open is left on the account (a retry after a failure, or anything
	// that reached it before the disable committed).
	for pass := 0; pass < 5; pass++ {
		ids, err := s.openInquiries(ctx, acc)
		if err != nil {
			return out, fmt.Errorf("disable staff: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			inq, err := s.Router.Reassign(ctx, v, id, "the assignee's account was disabled")
			if errors.Is(err, routing.ErrInvalidTransition) {
				continue // resolved or moved meanwhile
			}
			if err != nil {
				return out, fmt.Errorf("disable staff: inquiry %d: %w", id, err)
			}
			if inq.Status == inquiry.StatusQUEUED {
				out.Queued++
			} else {
				out.Reassigned++
			}
		}
	}
	return out, nil
}

// Enable re-enables a disabled staff account. Sessions ended by Disable stay ended (the token
// version moved on); the member signs in again, and is off shift until they (setAvailability) or an
// admin (Update) put them on it.
func (s *Service) Enable(ctx context.Context, accountID int) (*ent.Account, error) {
	_, err := admin(ctx)
	if err != nil {
		return nil, fmt.Errorf("enable staff: %w", err)
	}
	acc, err := s.staffAccount(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("enable staff: %w", err)
	}
	if !acc.Disabled {
		return acc, nil
	}
	if acc, err = s.Client.Account.UpdateOne(acc).SetDisabled(false).Save(ctx); err != nil {
		return nil, fmt.Errorf("enable staff: %w", err)
	}
	return acc, nil
}

// retryBatch bounds how many queued inquiries one shift change tries at once (the sweeper does the rest).
const retryBatch = 50

// staffAccount reads a staff account under the viewer's privacy.
func (s *Service) staffAccount(ctx context.Context, id int) (*ent.Account, error) {
	acc, err := s.Client.Account.Query().Where(account.ID(id)).WithCoordinator().WithSalesRep().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("account: %w", ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if acc.Role == account.RoleREGISTRANT {
		return nil, invalid.Field("accountId", "not a staff account")
	}
	return acc, nil
}

// openInquiries lists the open inquiries assigned to the account's profile (read as the admin).
func (s *Service) openInquiries(ctx context.Context, acc *ent.Account) ([]int, error) {
	open := inquiry.StatusIn(inquiry.StatusASSIGNED, inquiry.StatusACKNOWLEDGED, inquiry.StatusHANDED_OFF)
	switch {
	case acc.Edges.Coordinator != nil:
		return s.Client.Inquiry.Query().Where(inquiry.CoordinatorID(acc.Edges.Coordinator.ID), open).IDs(ctx)
	case acc.Edges.SalesRep != nil:
		return s.Client.Inquiry.Query().Where(inquiry.SalesRepID(acc.Edges.SalesRep.ID), open).IDs(ctx)
	}
	return nil, nil
}

// Update changes a coordinator's or sales rep's name, capacity, specialties, regions or shift
// (admins). More capacity, a wider reach or going on shift can make queued inquiries assignable:
// the queue is retried.
func (s *Service) Update(ctx context.Context, profileID int, c Changes) (ent.Noder, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, fmt.Errorf("update staff: %w", err)
	}
	var out ent.Noder
	if co, err := s.Client.Coordinator.Get(ctx, profileID); err == nil {
		if c, err = CheckChanges(auth.RoleCoordinator, c); err != nil {
			return nil, err
		}
		u := co.Update().SetNillableName(c.Name).SetNillableCapacity(c.Capacity).SetNillableAvailable(c.Available)
		if c.Specialties != nil {
			u.SetSpecialties(c.Specialties)
		}
		if c.Regions != nil {
			u.SetRegions(c.Regions)
		}
		if out, err = u.Save(ctx); err != nil {
			return nil, fmt.Errorf("update staff: %w", err)
		}
	} else if !ent.IsNotFound(err) {
		return nil, fmt.Errorf("update staff: %w", err)
	} else if sr, err := s.Client.SalesRep.Get(ctx, profileID); err == nil {
		if c, err = CheckChanges(auth.RoleSalesRep, c); err != nil {
			return nil, err
		}
		u := sr.Update().SetNillableName(c.Name).SetNillableCapacity(c.Capacity).SetNillableAvailable(c.Available)
		if c.Specialties != nil {
			u.SetSpecialties(c.Specialties)
		}
		if out, err = u.Save(ctx); err != nil {
			return nil, fmt.Errorf("update staff: %w", err)
		}
	} else if ent.IsNotFound(err) {
		return nil, fmt.Errorf("update staff: %w", ErrNotFound)
	} else {
		return nil, fmt.Errorf("update staff: %w", err)
	}
	if _, err := s.Router.RetryQueued(ctx, v.AgencyID, retryBatch); err != nil {
		return out, fmt.Errorf("update staff: retry queue: %w", err)
	}
	return out, nil
}

// Shift is the viewer's profile after a shift change, and how many queued inquiries were assigned.
type Shift struct {
	Staff    ent.Noder
	Assigned int
}

// SetAvailability puts the signed-in coordinator or sales rep on or off shift. Going on shift
// retries the agency's queue at once (whoever is now eligible gets queued inquiries, most urgent
// first); going off shift keeps what they hold (they still answer it) but routes nothing new to them.
func (s *Service) SetAvailability(ctx context.Context, available bool) (Shift, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return Shift{}, fmt.Errorf("set availability: %w", access.ErrNoViewer)
	}
	if (v.Role != auth.RoleCoordinator && v.Role != auth.RoleSalesRep) || v.ProfileID <= 0 {
		return Shift{}, fmt.Errorf("set availability: %w", ErrNoShift)
	}
	// Staff rows are written by admins only (ent/schema/policy.go); this one statement changes one
	// column of the viewer's own profile, chosen from the viewer above.
	sys := access.System(ctx, "staff: a coordinator or sales rep puts their own profile on or off shift")
	var (
		out Shift
		err error
	)
	if v.Role == auth.RoleCoordinator {
		out.Staff, err = s.Client.Coordinator.UpdateOneID(v.ProfileID).Where(coordinator.AgencyID(v.AgencyID)).
			SetAvailable(available).Save(sys)
	} else {
		out.Staff, err = s.Client.SalesRep.UpdateOneID(v.ProfileID).Where(salesrep.AgencyID(v.AgencyID)).
			SetAvailable(available).Save(sys)
	}
	if ent.IsNotFound(err) {
		return Shift{}, fmt.Errorf("set availability: %w", ErrNoShift)
	}
	if err != nil {
		return Shift{}, fmt.Errorf("set availability: %w", err)
	}
	if available {
		if out.Assigned, err = s.Router.RetryQueued(ctx, v.AgencyID, retryBatch); err != nil {
			return out, fmt.Errorf("set availability: retry queue: %w", err)
		}
	}
	return out, nil
}

// Bootstrap is the first admin of an agency, made from the command line (`admin create`).
type Bootstrap struct {
	AgencySlug string
	AgencyName string // set: create the agency; empty: the agency with AgencySlug must exist
	Timezone   string // new agencies; "": the schema's default (Asia/Tokyo)
	Email      string
}

// ErrNotCLI: Bootstrap is for trusted callers (the command line), never a signed-in viewer.
var ErrNotCLI = errors.New("admin bootstrap runs from the command line only")

// CreateAdmin makes an admin account (and, with AgencyName, its agency) for a trusted caller and
// returns its one-time set-password link for the operator to hand over; nothing is mailed or logged.
// An existing e-mail or agency slug is refused, so running it twice changes nothing.
func (s *Service) CreateAdmin(ctx context.Context, b Bootstrap) (link string, expires time.Time, err error) {
	if _, check, err := access.Caller(ctx); err != nil || check {
		return "", time.Time{}, ErrNotCLI
	}
	email, err := auth.NormalizeEmail(b.Email)
	if err != nil {
		return "", time.Time{}, err
	}
	placeholder, err := auth.HashPassword(rand.Text())
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create admin: %w", err)
	}
	expires = s.now().Add(s.ttl())
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		var agencyID int
		if b.AgencyName != "" {
			c := tx.Agency.Create().SetName(b.AgencyName).SetSlug(b.AgencySlug)
			if b.Timezone != "" {
				c.SetTimezone(b.Timezone)
			}
			ag, err := c.Save(ctx)
			if ent.IsConstraintError(err) {
				return invalid.Field("agency-slug", "an agency with slug %q exists; omit -agency-name to add an admin to it", b.AgencySlug)
			}
			if err != nil {
				return err
			}
			agencyID = ag.ID
		} else {
			ag, err := tx.Agency.Query().Where(agency.Slug(b.AgencySlug)).Only(ctx)
			if ent.IsNotFound(err) {
				return invalid.Field("agency-slug", "no agency with slug %q; give -agency-name to create it", b.AgencySlug)
			}
			if err != nil {
				return err
			}
			agencyID = ag.ID
		}
		acc, err := tx.Account.Create().SetAgencyID(agencyID).SetEmail(email).SetRole(account.RoleADMIN).
			SetPasswordHash(placeholder).Save(ctx)
		if ent.IsConstraintError(err) {
			return invalid.Field("email", "an account with %s exists", email)
		}
		if err != nil {
			return err
		}
		raw, err := onetime.Issue(ctx, tx, acc.ID, onetime.SetPassword, s.now(), expires)
		link = s.link(raw)
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create admin: %w", err)
	}
	return link, expires, nil
}

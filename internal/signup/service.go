// Package signup lets registrants sign up from the app (an account pending until its e-mail is
// verified, with her consents recorded), and anyone with an account ask for a password reset. Every
// answer about an e-mail address is the same whether or not an account has it (no enumeration); the
// difference is only in what the address's owner receives. The one-time links are internal/onetime's.
package signup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/consent"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/onetime"
	"github.com/example/staffcrm/internal/ratelimit"
)

// ErrLinkInvalid: the verification link is unknown, used or expired (one answer for all three).
var ErrLinkInvalid = errors.New("the verification link is invalid or has expired; ask for a new one")

// Defaults of the service's settings (config.Config carries the ones an operator sets).
const (
	DefaultVerifyTTL = 48 * time.Hour
	DefaultResetTTL  = time.Hour
)

// Service is the sign-up and password-reset service.
type Service struct {
	Client        *ent.Client
	Mailer        mail.Mailer // nil: mail.Log without links
	PublicURL     string      // links are PublicURL + /verify-email or /set-password ?token=…; "": config.Defaults.PublicURL
	PolicyVersion string      // the consent texts' current version; "": config.Defaults.PolicyVersion
	// MailsPerAddress bounds the mails one address receives (nil: none). When it is spent the
	// request is answered as usual and nothing is sent, so it neither leaks nor mail-bombs.
	MailsPerAddress *ratelimit.Limiter
	VerifyTTL       time.Duration    // 0: DefaultVerifyTTL
	ResetTTL        time.Duration    // 0: DefaultResetTTL
	Now             func() time.Time // nil: time.Now
}

// Receipt is the one answer to every request about an e-mail address.
type Receipt struct {
	Email   string
	Message string
}

func receipt(email string) Receipt {
	return Receipt{Email: email, Message: "ご入力のアドレス宛てにご案内をお送りしました。メールが届かない場合はアドレスをご確認ください。"}
}

// Terms is what the sign-up screen shows before she registers: whose app it is and the consent
// version she agrees to.
type Terms struct {
	AgencyName    string
	AgencySlug    string
	PolicyVersion string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) version() string {
	if s.PolicyVersion == "" {
		return config.Defaults.PolicyVersion
	}
	return s.PolicyVersion
}

func (s *Service) mailer() mail.Mailer {
	if s.Mailer == nil {
		return mail.Log{}
	}
	return s.Mailer
}

func (s *Service) link(path, raw string) string { return mail.Link(s.PublicURL, path, raw) }

func ttl(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// mayMail spends one of the address's mails; false means send nothing this time.
func (s *Service) mayMail(email string) bool {
	if s.MailsPerAddress == nil {
		return true
	}
	ok, _ := s.MailsPerAddress.Take("mail:" + email)
	return ok
}

func (s *Service) agency(ctx context.Context, slug string) (*ent.Agency, error) {
	a, err := s.Client.Agency.Query().Where(agency.Slug(slug)).
		Only(access.System(ctx, "signup: find the agency a registrant signs up with, before anyone is signed in"))
	if ent.IsNotFound(err) {
		return nil, invalid.Field("agencySlug", "no agency with this slug")
	}
	return a, err
}

// Terms returns the sign-up terms of the agency with slug.
func (s *Service) Terms(ctx context.Context, slug string) (Terms, error) {
	a, err := s.agency(ctx, strings.TrimSpace(slug))
	if err != nil {
		return Terms{}, fmt.Errorf("signup terms: %w", err)
	}
	return Terms{AgencyName: a.Name, AgencySlug: a.Slug, PolicyVersion: s.version()}, nil
}

// Register signs a registrant up: a REGISTRANT account waiting for e-mail verification, her
// registrant profile, her two consents (version and time) and a verification link, in one
// transaction with the mail handed over. If the address already has an account, nothing is created
// and its owner is told so (with a set-password link, in case she forgot); the caller gets the same
// receipt either way, after the same password hashing work.
func (s *Service) Register(ctx context.Context, in Registration) (Receipt, error) {
	ctx = auth.Anonymous(ctx)
	in, err := CheckRegistration(in, s.version())
	if err != nil {
		return Receipt{}, err
	}
	ag, err := s.agency(ctx, in.AgencySlug)
	if err != nil {
		return Receipt{}, fmt.Errorf("register: %w", err)
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return Receipt{}, fmt.Errorf("register: %w", err)
	}
	if !s.mayMail(in.Email) {
		return receipt(in.Email), nil
	}
	// Nobody is signed in: the rows are created for the agency named by the slug, and each statement
	// below says why it may.
	sys := access.System(ctx, "signup: create a self-registered registrant's pending account, profile, consents and verification link")
	err = dbtx.WithTx(sys, s.Client, func(tx *ent.Tx) error {
		existing, err := tx.Account.Query().Where(account.Email(in.Email)).Only(sys)
		switch {
		case err == nil:
			return s.alreadyRegistered(ctx, tx, existing)
		case !ent.IsNotFound(err):
			return err
		}
		now := s.now()
		acc, err := tx.Account.Create().SetAgencyID(ag.ID).SetEmail(in.Email).SetRole(account.RoleREGISTRANT).
			SetPasswordHash(hash).SetEmailUnverified(true).Save(sys)
		if err != nil {
			return err
		}
		r := tx.Registrant.Create().SetAgencyID(ag.ID).SetAccountID(acc.ID).SetName(in.Name).SetKana(in.Kana).
			SetEmail(in.Email).SetPrefecture(in.Prefecture).SetRegisteredAt(now)
		if in.Phone != "" {
			r.SetPhone(in.Phone)
		}
		reg, err := r.Save(sys)
		if err != nil {
			return err
		}
		for _, k := range []consent.Kind{consent.KindPRIVACY_POLICY, consent.KindSKILL_SHEET_PROVISION} {
			if err := tx.Consent.Create().SetAgencyID(ag.ID).SetRegistrantID(reg.ID).SetKind(k).
				SetVersion(s.version()).SetGrantedAt(now).Exec(sys); err != nil {
				return err
			}
		}
		return s.sendVerification(ctx, tx, acc, in.Name, ag.Name)
	})
	if ent.IsConstraintError(err) {
		// Another sign-up for the same address committed first: the same answer as for any
		// existing address.
		return receipt(in.Email), nil
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("register: %w", err)
	}
	return receipt(in.Email), nil
}

func (s *Service) sendVerification(ctx context.Context, tx *ent.Tx, acc *ent.Account, name, agencyName string) error {
	now := s.now()
	expires := now.Add(ttl(s.VerifyTTL, DefaultVerifyTTL))
	raw, err := onetime.Issue(ctx, tx, acc.ID, onetime.VerifyEmail, now, expires)
	if err != nil {
		return err
	}
	return s.mailer().Send(ctx, mail.Message{To: acc.Email, Purpose: "registrant_verify_email",
		Subject: "【" + agencyName + "】メールアドレスの確認", Link: s.link("/verify-email", raw),
		Body: name + " 様\n\nご登録ありがとうございます。次のリンクからメールアドレスを確認してください(一度だけ有効、期限 " +
			expires.Format("2006-01-02 15:04 MST") + ")。"})
}

// alreadyRegistered tells the owner of an address that already has an account that someone signed
// up with it, with a set-password link in case it was her and she forgot her password.
func (s *Service) alreadyRegistered(ctx context.Context, tx *ent.Tx, acc *ent.Account) error {
	if acc.Disabled {
		return nil
	}
	now := s.now()
	expires := now.Add(ttl(s.ResetTTL, DefaultResetTTL))
	raw, err := onetime.Issue(ctx, tx, acc.ID, onetime.SetPassword, now, expires)
	if err != nil {
		return err
	}
	return s.mailer().Send(ctx, mail.Message{To: acc.Email, Purpose: "signup_existing_account",
		Subject: "ご登録済みのアドレスです", Link: s.link("/set-password", raw),
		Body: "このアドレスで新規登録のお申し込みがありましたが、すでにアカウントがあります。\n" +
			"お心当たりがなければこのメールは破棄してください。パスワードをお忘れの場合は次のリンクから再設定できます(期限 " +
			expires.Format("2006-01-02 15:04 MST") + ")。"})
}

// Verify spends an e-mail verification link: the account can sign in from now on.
func (s *Service) Verify(ctx context.Context, token string) (string, error) {
	if strings.TrimSpace(token) == "" {
		return "", invalid.Field("token", "required")
	}
	var email string
	err := dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		id, err := onetime.Spend(ctx, tx, token, onetime.VerifyEmail, s.now())
		if errors.Is(err, onetime.ErrInvalid) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		acc, err := tx.Account.UpdateOneID(id).SetEmailUnverified(false).
			Save(access.System(ctx, "signup: mark verified the account a spent verification link was made for"))
		if err != nil {
			return err
		}
		email = acc.Email
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("verify e-mail: %w", err)
	}
	return email, nil
}

// ResendVerification mails a new verification link to an account still waiting for one (earlier
// links stop working). The answer is the same for any address.
func (s *Service) ResendVerification(ctx context.Context, email string) (Receipt, error) {
	email, err := auth.NormalizeEmail(email)
	if err != nil {
		return Receipt{}, err
	}
	acc, err := s.findAccount(ctx, email)
	if err != nil {
		return Receipt{}, fmt.Errorf("resend verification: %w", err)
	}
	if acc == nil || !acc.EmailUnverified || acc.Disabled || !s.mayMail(email) {
		return receipt(email), nil
	}
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		name, agencyName, err := s.names(ctx, tx, acc)
		if err != nil {
			return err
		}
		return s.sendVerification(ctx, tx, acc, name, agencyName)
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("resend verification: %w", err)
	}
	return receipt(email), nil
}

// RequestPasswordReset mails a one-time set-password link (valid ResetTTL) to the account with the
// address, of any role, unless it is disabled; setPassword spends it. The answer is the same for any
// address.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) (Receipt, error) {
	email, err := auth.NormalizeEmail(email)
	if err != nil {
		return Receipt{}, err
	}
	acc, err := s.findAccount(ctx, email)
	if err != nil {
		return Receipt{}, fmt.Errorf("request password reset: %w", err)
	}
	if acc == nil || acc.Disabled || !s.mayMail(email) {
		return receipt(email), nil
	}
	now := s.now()
	expires := now.Add(ttl(s.ResetTTL, DefaultResetTTL))
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		raw, err := onetime.Issue(ctx, tx, acc.ID, onetime.SetPassword, now, expires)
		if err != nil {
			return err
		}
		return s.mailer().Send(ctx, mail.Message{To: acc.Email, Purpose: "password_reset",
			Subject: "パスワード再設定のご案内", Link: s.link("/set-password", raw),
			Body: "パスワード再設定のお申し込みを受け付けました。次のリンクから新しいパスワードを設定してください(一度だけ有効、期限 " +
				expires.Format("2006-01-02 15:04 MST") + ")。お心当たりがなければこのメールは破棄してください。"})
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("request password reset: %w", err)
	}
	return receipt(email), nil
}

// findAccount reads the account with the address, nil when there is none. The caller is anonymous:
// what it learns is only ever the receipt.
func (s *Service) findAccount(ctx context.Context, email string) (*ent.Account, error) {
	acc, err := s.Client.Account.Query().Where(account.Email(email)).
		Only(access.System(ctx, "signup: find the account an anonymous caller asked a link for (answered the same either way)"))
	if ent.IsNotFound(err) {
		// Known residue: an unknown address answers a few milliseconds sooner than a known one (no
		// token write, no mail hand-over). Delivering through the outbox (issue 18) removes it.
		return nil, nil
	}
	return acc, err
}

func (s *Service) names(ctx context.Context, tx *ent.Tx, acc *ent.Account) (name, agencyName string, err error) {
	sys := access.System(ctx, "signup: the registrant's name and agency for her verification mail")
	ag, err := tx.Agency.Get(sys, acc.AgencyID)
	if err != nil {
		return "", "", err
	}
	name = acc.Email
	if r, err := tx.Account.QueryRegistrant(acc).Only(sys); err == nil {
		name = r.Name
	}
	return name, ag.Name, nil
}

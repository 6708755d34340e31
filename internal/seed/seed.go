// Package seed fills an empty database with deterministic demo data: two agencies (one in COORDINATOR
// mode, one in DIRECT mode, DESIGN.md §5.1) with clients, sites, org units, staff, postings,
// registrants, applications, assignments, inquiries, contact logs and demo logins.
//
// The data is generated from a fixed random seed and dated relative to the day the seed runs, so
// "an assignment ending in 20 days" stays true whenever the demo is set up.
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
)

// PasswordHasher turns a plain password into a stored hash (the caller passes auth.HashPassword).
type PasswordHasher func(password string) (string, error)

// DemoPassword is the password of every demo account.
const DemoPassword = "demo-password"

// Login is one documented demo account.
type Login struct {
	Email, Role, AgencySlug string
}

// DemoLogins lists the documented demo accounts (email, role, agency slug), for the README and tests.
// Every account except the admins is linked to a profile (coordinator, sales rep or registrant).
var DemoLogins = []Login{
	{"admin@demo.example", "ADMIN", "demo"},
	{"coordinator@demo.example", "COORDINATOR", "demo"},
	{"coordinator2@demo.example", "COORDINATOR", "demo"},
	{"sales@demo.example", "SALES_REP", "demo"},
	{"registrant@demo.example", "REGISTRANT", "demo"},
	{"admin@direct.example", "ADMIN", "direct"},
	{"sales@direct.example", "SALES_REP", "direct"},
	{"registrant@direct.example", "REGISTRANT", "direct"},
}

// ErrNotEmpty is returned by Demo when the database already has an agency.
var ErrNotEmpty = errors.New("seed: database is not empty")

// Empty reports whether the database has no agencies (seeding only ever happens on an empty database).
func Empty(ctx context.Context, client *ent.Client) (bool, error) {
	exists, err := client.Agency.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("seed: check for agencies: %w", err)
	}
	return !exists, nil
}

// Demo fills an empty database with demo data, in one transaction: a failure leaves nothing behind.
// ctx must allow writing everything (the caller's privacy bypass); Demo makes none itself. It returns
// ErrNotEmpty, and changes nothing, when the database already has an agency.
func Demo(ctx context.Context, client *ent.Client, hash PasswordHasher) error {
	empty, err := Empty(ctx, client)
	if err != nil {
		return err
	}
	if !empty {
		return ErrNotEmpty
	}
	// one hash for every account: password hashing is deliberately slow
	pw, err := hash(DemoPassword)
	if err != nil {
		return fmt.Errorf("seed: hash demo password: %w", err)
	}
	return demo(ctx, client, pw, time.Now())
}

// demo writes the demo data dated relative to now.
func demo(ctx context.Context, client *ent.Client, passwordHash string, now time.Time) (err error) {
	p := newPlanner(now)
	plans := make([]*agencyPlan, 0, len(agencies))
	for i := range agencies {
		ap, err := p.plan(&agencies[i])
		if err != nil {
			return err
		}
		plans = append(plans, ap)
	}

	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("seed: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	// checked again inside the transaction: another seeder may have won the race
	empty, err := Empty(ctx, tx.Client())
	if err != nil {
		return err
	}
	if !empty {
		return ErrNotEmpty
	}
	for _, ap := range plans {
		w := &writer{p: p, tx: tx, ap: ap, pw: passwordHash}
		if err := w.write(ctx); err != nil {
			return fmt.Errorf("seed: agency %s: %w", ap.spec.slug, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return nil
}

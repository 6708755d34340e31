package clients

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/clientcompany"
	"github.com/example/staffcrm/ent/clientsite"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtx"
)

var (
	// ErrNotFound: a client, site or org unit named is not one the caller may edit (of another
	// agency, not served by the sales rep, or missing).
	ErrNotFound = errors.New("not found")
	// ErrServiceRepOnlySelf: a sales rep creating a client is its service rep; only admins name another.
	ErrServiceRepOnlySelf = errors.New("a sales rep creating a client is its service rep; only admins name another")
)

// Service writes the client master as the viewer in ctx. Every write runs under the viewer's
// privacy (ent/schema/policy.go decides who may write which client, site and org unit); adding a
// site or an org unit first updates its parent in the same transaction, so the parent's write rule
// is the child's too, and a refused parent leaves nothing written.
type Service struct {
	Client *ent.Client
	Now    func() time.Time // nil: time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func viewer(ctx context.Context) (*auth.Viewer, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, access.ErrNoViewer
	}
	return v, nil
}

func notFound(what string, err error) error {
	if ent.IsNotFound(err) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return err
}

// Create creates a client. A sales rep's client is served by them (the policy's owner hook sets it).
func (s *Service) Create(ctx context.Context, in NewClient) (*ent.ClientCompany, error) {
	v, err := viewer(ctx)
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	if in, err = CheckNewClient(in); err != nil {
		return nil, err
	}
	if v.Role == auth.RoleSalesRep && in.ServiceRepID != nil && *in.ServiceRepID != v.ProfileID {
		return nil, fmt.Errorf("create client: %w", ErrServiceRepOnlySelf)
	}
	c, err := s.Client.ClientCompany.Create().SetName(in.Name).SetIndustry(in.Industry).
		SetNillableLegalEntityNumber(in.LegalEntityNumber).SetNillableServiceRepID(in.ServiceRepID).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	return c, nil
}

// Update edits a client the viewer may edit.
func (s *Service) Update(ctx context.Context, id int, in ClientChanges) (*ent.ClientCompany, error) {
	if _, err := viewer(ctx); err != nil {
		return nil, fmt.Errorf("update client: %w", err)
	}
	in, err := CheckClientChanges(in)
	if err != nil {
		return nil, err
	}
	u := s.Client.ClientCompany.UpdateOneID(id).SetNillableName(in.Name).SetNillableIndustry(in.Industry).
		SetNillableLegalEntityNumber(in.LegalEntityNumber).SetNillableServiceRepID(in.ServiceRepID)
	if in.ClearLegalEntityNumber {
		u.ClearLegalEntityNumber()
	}
	c, err := u.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("update client: %w", notFound("client", err))
	}
	return c, nil
}

// CreateSite adds a site to a client the viewer may edit.
func (s *Service) CreateSite(ctx context.Context, in NewSite) (*ent.ClientSite, error) {
	if _, err := viewer(ctx); err != nil {
		return nil, fmt.Errorf("create site: %w", err)
	}
	in, err := CheckNewSite(in)
	if err != nil {
		return nil, err
	}
	var out *ent.ClientSite
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if err := touchClient(ctx, tx, in.ClientID, s.now()); err != nil {
			return err
		}
		out, err = tx.ClientSite.Create().SetClientID(in.ClientID).SetName(in.Name).SetAddress(in.Address).
			SetPrefecture(in.Prefecture).Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create site: %w", err)
	}
	return out.Unwrap(), nil
}

// touchClient updates the client's updated_at under the viewer's privacy: it succeeds only for a
// client the viewer may edit (its write policy), which is the right to add to it.
func touchClient(ctx context.Context, tx *ent.Tx, id int, now time.Time) error {
	n, err := tx.ClientCompany.Update().Where(clientcompany.ID(id)).SetUpdatedAt(now).Save(ctx)
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("client: %w", ErrNotFound)
	}
	return nil
}

func touchSite(ctx context.Context, tx *ent.Tx, id int, now time.Time) error {
	n, err := tx.ClientSite.Update().Where(clientsite.ID(id)).SetUpdatedAt(now).Save(ctx)
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("site: %w", ErrNotFound)
	}
	return nil
}

// UpdateSite edits a site the viewer may edit. Its conflict date changes only by RecordNotice.
func (s *Service) UpdateSite(ctx context.Context, id int, in SiteChanges) (*ent.ClientSite, error) {
	if _, err := viewer(ctx); err != nil {
		return nil, fmt.Errorf("update site: %w", err)
	}
	in, err := CheckSiteChanges(in)
	if err != nil {
		return nil, err
	}
	st, err := s.Client.ClientSite.UpdateOneID(id).SetNillableName(in.Name).SetNillableAddress(in.Address).
		SetNillablePrefecture(in.Prefecture).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("update site: %w", notFound("site", err))
	}
	return st, nil
}

// RecordNotice records the client's notice of a site's conflict date. Earlier notices stay (the
// site's conflictDateNotices); the site's conflict date and notice date become those of the notice
// with the latest notice date, so back-filling an older notice does not overwrite a newer one.
func (s *Service) RecordNotice(ctx context.Context, n Notice) (*ent.ClientSite, error) {
	v, err := viewer(ctx)
	if err != nil {
		return nil, fmt.Errorf("record conflict date notice: %w", err)
	}
	loc := time.UTC
	if ag, err := s.Client.Agency.Get(ctx, v.AgencyID); err == nil {
		if l, err := time.LoadLocation(ag.Timezone); err == nil {
			loc = l
		}
	}
	if err := CheckNotice(n, s.now().In(loc)); err != nil {
		return nil, err
	}
	var out *ent.ClientSite
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		cur, err := tx.ClientSite.Get(ctx, n.SiteID)
		if err != nil {
			return notFound("site", err)
		}
		u := tx.ClientSite.UpdateOneID(n.SiteID).SetUpdatedAt(s.now())
		if cur.ConflictDateNotifiedAt == nil || !n.NotifiedOn.Before(*cur.ConflictDateNotifiedAt) {
			u.SetConflictDate(n.ConflictDate).SetConflictDateNotifiedAt(n.NotifiedOn)
		}
		// The site's write policy decides: a refused site leaves no notice behind.
		if out, err = u.Save(ctx); err != nil {
			return notFound("site", err)
		}
		return tx.ConflictDateNotice.Create().SetSiteID(n.SiteID).SetConflictDate(n.ConflictDate).
			SetNotifiedOn(n.NotifiedOn).SetCreatedAt(s.now()).Exec(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("record conflict date notice: %w", err)
	}
	return out.Unwrap(), nil
}

// CreateOrgUnit adds an org unit to a site the viewer may edit.
func (s *Service) CreateOrgUnit(ctx context.Context, siteID int, name string) (*ent.OrgUnit, error) {
	if _, err := viewer(ctx); err != nil {
		return nil, fmt.Errorf("create org unit: %w", err)
	}
	name, err := CheckOrgUnitName(name)
	if err != nil {
		return nil, err
	}
	var out *ent.OrgUnit
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if err := touchSite(ctx, tx, siteID, s.now()); err != nil {
			return err
		}
		out, err = tx.OrgUnit.Create().SetSiteID(siteID).SetName(name).Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create org unit: %w", err)
	}
	return out.Unwrap(), nil
}

// UpdateOrgUnit renames an org unit the viewer may edit.
func (s *Service) UpdateOrgUnit(ctx context.Context, id int, name string) (*ent.OrgUnit, error) {
	if _, err := viewer(ctx); err != nil {
		return nil, fmt.Errorf("update org unit: %w", err)
	}
	name, err := CheckOrgUnitName(name)
	if err != nil {
		return nil, err
	}
	ou, err := s.Client.OrgUnit.UpdateOneID(id).SetName(name).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("update org unit: %w", notFound("org unit", err))
	}
	return ou, nil
}

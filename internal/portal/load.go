package portal

import (
	"context"
	"fmt"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

// Loader reads the registrant-facing views. Rows come through the caller's privacy scope; the only
// values read past it are workplaces the registrant may know and staff display names, each through a
// named System context limited to the ids already in scope.
type Loader struct{ Client *ent.Client }

// Workplaces returns client name and site address for the postings among ps that viewer may know
// the workplace of: the posting discloses it, or the registrant is (or was) placed there.
func (l Loader) Workplaces(ctx context.Context, ps []*ent.Posting) (map[int]Workplace, error) {
	v, _ := auth.ViewerFrom(ctx)
	placed := map[int]bool{}
	if v != nil && v.Role == auth.RoleRegistrant && len(ps) > 0 {
		ids := make([]int, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		got, err := l.Client.Assignment.Query().
			Where(assignment.RegistrantID(v.ProfileID), assignment.PostingIDIn(ids...)).
			Select(assignment.FieldPostingID).Ints(ctx)
		if err != nil {
			return nil, fmt.Errorf("workplaces: %w", err)
		}
		for _, id := range got {
			placed[id] = true
		}
	}
	var allowed []int
	for _, p := range ps {
		if p.DisclosesClient || placed[p.ID] {
			allowed = append(allowed, p.ID)
		}
	}
	out := make(map[int]Workplace, len(allowed))
	if len(allowed) == 0 {
		return out, nil
	}
	sys := access.System(ctx, "portal: workplace of postings the registrant is placed at or that disclose it")
	rows, err := l.Client.Posting.Query().Where(posting.IDIn(allowed...)).
		WithOrgUnit(func(q *ent.OrgUnitQuery) { q.WithSite(func(q *ent.ClientSiteQuery) { q.WithClient() }) }).
		All(sys)
	if err != nil {
		return nil, fmt.Errorf("workplaces: %w", err)
	}
	for _, p := range rows {
		site := p.Edges.OrgUnit.Edges.Site
		out[p.ID] = Workplace{ClientName: site.Edges.Client.Name, SiteAddress: site.Address}
	}
	return out, nil
}

// PublicPostings maps postings to their public view.
func (l Loader) PublicPostings(ctx context.Context, ps []*ent.Posting) ([]*PublicPosting, error) {
	wps, err := l.Workplaces(ctx, ps)
	if err != nil {
		return nil, err
	}
	out := make([]*PublicPosting, len(ps))
	for i, p := range ps {
		var wp *Workplace
		if w, ok := wps[p.ID]; ok {
			wp = &w
		}
		out[i] = NewPublicPosting(p, wp)
	}
	return out, nil
}

// PublicPosting returns one posting the viewer may see, in its public view.
func (l Loader) PublicPosting(ctx context.Context, id int) (*PublicPosting, error) {
	p, err := l.Client.Posting.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	out, err := l.PublicPostings(ctx, []*ent.Posting{p})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func registrantID(ctx context.Context) (int, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return 0, access.ErrNoViewer
	}
	if v.Role != auth.RoleRegistrant || v.ProfileID <= 0 {
		return 0, ErrNotRegistrant
	}
	return v.ProfileID, nil
}

// ErrNotRegistrant is returned by the "my…" views for callers that are not registrants.
var ErrNotRegistrant = fmt.Errorf("only registrants have this view")

// Profile returns the registrant's own profile.
func (l Loader) Profile(ctx context.Context) (*MyProfile, error) {
	id, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	r, err := l.Client.Registrant.Query().Where(registrant.ID(id)).WithSkills().WithWorkHistories().WithConsents().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("my profile: %w", err)
	}
	return NewMyProfile(r), nil
}

// Applications returns the registrant's applications, newest first.
func (l Loader) Applications(ctx context.Context) ([]*MyApplication, error) {
	id, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	as, err := l.Client.Application.Query().Where(application.RegistrantID(id)).
		Order(ent.Desc(application.FieldCreatedAt), ent.Desc(application.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("my applications: %w", err)
	}
	out := make([]*MyApplication, len(as))
	for i, a := range as {
		out[i] = NewMyApplication(a)
	}
	return out, nil
}

// Inquiries returns the registrant's inquiries, newest first, with the handler's display name.
func (l Loader) Inquiries(ctx context.Context) ([]*MyInquiry, error) {
	id, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := l.Client.Inquiry.Query().Where(inquiry.RegistrantID(id)).
		Order(ent.Desc(inquiry.FieldCreatedAt), ent.Desc(inquiry.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("my inquiries: %w", err)
	}
	return l.withHandlers(ctx, qs)
}

// Inquiry returns one of the registrant's inquiries; another's is not found.
func (l Loader) Inquiry(ctx context.Context, id int) (*MyInquiry, error) {
	rid, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	q, err := l.Client.Inquiry.Query().Where(inquiry.ID(id), inquiry.RegistrantID(rid)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("my inquiry: %w", err)
	}
	out, err := l.withHandlers(ctx, []*ent.Inquiry{q})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// withHandlers maps the registrant's inquiries to their view, with the handler's display name.
func (l Loader) withHandlers(ctx context.Context, qs []*ent.Inquiry) ([]*MyInquiry, error) {
	var cIDs, sIDs []int
	for _, q := range qs {
		if q.CoordinatorID != nil {
			cIDs = append(cIDs, *q.CoordinatorID)
		}
		if q.SalesRepID != nil {
			sIDs = append(sIDs, *q.SalesRepID)
		}
	}
	cName, sName := map[int]string{}, map[int]string{}
	// Registrants may know who handles their inquiry by display name only (§4).
	sys := access.System(ctx, "portal: display names of the staff handling the registrant's inquiries")
	if len(cIDs) > 0 {
		cs, err := l.Client.Coordinator.Query().Where(coordinator.IDIn(cIDs...)).Select(coordinator.FieldName).All(sys)
		if err != nil {
			return nil, fmt.Errorf("inquiry handlers: %w", err)
		}
		for _, c := range cs {
			cName[c.ID] = c.Name
		}
	}
	if len(sIDs) > 0 {
		ss, err := l.Client.SalesRep.Query().Where(salesrep.IDIn(sIDs...)).Select(salesrep.FieldName).All(sys)
		if err != nil {
			return nil, fmt.Errorf("inquiry handlers: %w", err)
		}
		for _, r := range ss {
			sName[r.ID] = r.Name
		}
	}
	out := make([]*MyInquiry, len(qs))
	for i, q := range qs {
		var name *string
		switch {
		case q.CoordinatorID != nil:
			n := cName[*q.CoordinatorID]
			name = &n
		case q.SalesRepID != nil:
			n := sName[*q.SalesRepID]
			name = &n
		}
		out[i] = NewMyInquiry(q, name)
	}
	return out, nil
}

// Assignments returns the registrant's placements, latest first, with their workplaces.
func (l Loader) Assignments(ctx context.Context) ([]*MyAssignment, error) {
	id, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	as, err := l.Client.Assignment.Query().Where(assignment.RegistrantID(id)).
		Order(ent.Desc(assignment.FieldStartDate), ent.Desc(assignment.FieldID)).WithPosting().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("my assignments: %w", err)
	}
	return l.withWorkplaces(ctx, as)
}

// Assignment returns one of the registrant's placements; another's is not found.
func (l Loader) Assignment(ctx context.Context, id int) (*MyAssignment, error) {
	rid, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	a, err := l.Client.Assignment.Query().Where(assignment.ID(id), assignment.RegistrantID(rid)).WithPosting().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("my assignment: %w", err)
	}
	out, err := l.withWorkplaces(ctx, []*ent.Assignment{a})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (l Loader) withWorkplaces(ctx context.Context, as []*ent.Assignment) ([]*MyAssignment, error) {
	ps := make([]*ent.Posting, 0, len(as))
	for _, a := range as {
		ps = append(ps, a.Edges.Posting)
	}
	wps, err := l.Workplaces(ctx, ps)
	if err != nil {
		return nil, err
	}
	out := make([]*MyAssignment, len(as))
	for i, a := range as {
		out[i] = NewMyAssignment(a, wps[a.PostingID])
	}
	return out, nil
}

// ContactLogs returns the registrant's contact logs, latest first.
func (l Loader) ContactLogs(ctx context.Context) ([]*MyContactLog, error) {
	id, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := l.Client.ContactLog.Query().Where(contactlog.RegistrantID(id)).
		Order(ent.Desc(contactlog.FieldOccurredAt), ent.Desc(contactlog.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("my contact logs: %w", err)
	}
	out := make([]*MyContactLog, len(cs))
	for i, c := range cs {
		out[i] = NewMyContactLog(c)
	}
	return out, nil
}

// Node maps an entity a registrant fetched by id to its registrant-facing type; entities with no
// registrant view are not found. The entity is read again in full: node(id:) loads only the fields
// the query selected on the staff type, which a registrant's query never names.
func (l Loader) Node(ctx context.Context, n ent.Noder) (ent.Noder, error) {
	switch e := n.(type) {
	case *ent.Account, *ent.Agency:
		return n, nil // own account and agency: their field rules apply
	case *ent.ContactLog:
		c, err := l.Client.ContactLog.Get(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		return NewMyContactLog(c), nil
	case *ent.Posting:
		return l.PublicPosting(ctx, e.ID)
	case *ent.Application:
		a, err := l.Client.Application.Get(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		return NewMyApplication(a), nil
	case *ent.Registrant:
		return l.Profile(ctx)
	case *ent.Inquiry:
		return l.Inquiry(ctx, e.ID)
	case *ent.Assignment:
		return l.Assignment(ctx, e.ID)
	case *ent.WorkHistory:
		w, err := l.Client.WorkHistory.Get(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		return NewMyWorkHistory(w), nil
	}
	return nil, &ent.NotFoundError{}
}

// View gives registrants the registrant-facing type of a node fetched by id; staff get the staff
// type itself, whose fields the field rules check.
func (l Loader) View(ctx context.Context, n ent.Noder) (ent.Noder, error) {
	if v, ok := auth.ViewerFrom(ctx); ok && v.Role == auth.RoleRegistrant {
		return l.Node(ctx, n)
	}
	return n, nil
}

package graph

import (
	"context"
	"errors"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"entgo.io/contrib/entgql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/graph/portal"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

func (r *Resolver) portal() portal.Loader { return portal.Loader{Client: r.Client} }

// forViewer gives registrants the registrant-facing type of a node fetched by id; staff get the
// staff type, whose fields are checked by the field rules.
func (r *Resolver) forViewer(ctx context.Context, n ent.Noder) (ent.Noder, error) {
	if v, ok := auth.ViewerFrom(ctx); ok && v.Role == auth.RoleRegistrant {
		return r.portal().Node(ctx, n)
	}
	return n, nil
}

var publicOrderFields = map[model.PublicPostingOrderField]*ent.PostingOrderField{
	model.PublicPostingOrderFieldCreatedAt:  ent.PostingOrderFieldCreatedAt,
	model.PublicPostingOrderFieldHourlyWage: ent.PostingOrderFieldHourlyWage,
	model.PublicPostingOrderFieldStartDate:  ent.PostingOrderFieldStartDate,
}

// publicPostings is the registrant feed: open postings, newest first by default. Registrants see
// public ones plus those introduced to them (the privacy policy decides); staff previewing the feed
// see exactly what the public sees.
func (r *Resolver) publicPostings(ctx context.Context, after *entgql.Cursor[int], first *int, before *entgql.Cursor[int], last *int,
	orderBy *model.PublicPostingOrder, where *model.PublicPostingWhereInput) (*model.PublicPostingConnection, error) {
	w := &ent.PostingWhereInput{}
	open := posting.StatusOPEN
	w.Status = &open
	if v, ok := auth.ViewerFrom(ctx); !ok || v.Role != auth.RoleRegistrant {
		pub := posting.VisibilityPUBLIC
		w.Visibility = &pub
	}
	if where != nil {
		w.JobCategory, w.JobCategoryIn = where.JobCategory, where.JobCategoryIn
		w.Prefecture, w.PrefectureIn = where.Prefecture, where.PrefectureIn
		w.HourlyWageGTE, w.BusRequired, w.Type, w.TitleContains = where.HourlyWageGte, where.BusRequired, where.Type, where.TitleContains
	}
	order := &ent.PostingOrder{Direction: entgql.OrderDirectionDesc, Field: ent.PostingOrderFieldCreatedAt}
	if orderBy != nil {
		order = &ent.PostingOrder{Direction: orderBy.Direction, Field: publicOrderFields[orderBy.Field]}
	}
	conn, err := r.Client.Posting.Query().Paginate(ctx, after, first, before, last,
		ent.WithPostingOrder(order), ent.WithPostingFilter(w.Filter))
	if err != nil {
		return nil, err
	}
	nodes := make([]*ent.Posting, len(conn.Edges))
	for i, e := range conn.Edges {
		nodes[i] = e.Node
	}
	var public []*portal.PublicPosting
	if selectsNodeField(ctx, "clientName", "siteAddress") {
		if public, err = r.portal().PublicPostings(ctx, nodes); err != nil {
			return nil, err
		}
	} else { // the workplace lookup is a statement per page: only when asked
		public = make([]*portal.PublicPosting, len(nodes))
		for i, p := range nodes {
			public[i] = portal.NewPublicPosting(p, nil)
		}
	}
	out := &model.PublicPostingConnection{PageInfo: &conn.PageInfo, TotalCount: conn.TotalCount,
		Edges: make([]*model.PublicPostingEdge, len(conn.Edges))}
	for i, e := range conn.Edges {
		out.Edges[i] = &model.PublicPostingEdge{Node: public[i], Cursor: e.Cursor}
	}
	return out, nil
}

// updateMyProfile lets a registrant edit their own profile; the privacy policy limits the update to
// their own row, and the id comes from the viewer, never from input.
func (r *Resolver) updateMyProfile(ctx context.Context, in model.UpdateMyProfileInput) (*portal.MyProfile, error) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok || v.Role != auth.RoleRegistrant {
		return nil, portal.ErrNotRegistrant
	}
	u := r.Client.Registrant.UpdateOneID(v.ProfileID).
		SetNillableName(in.Name).SetNillableKana(in.Kana).SetNillablePhone(in.Phone).SetNillableEmail(in.Email).
		SetNillablePreferredContactHours(in.PreferredContactHours).SetNillablePrefecture(in.Prefecture).
		SetNillableCity(in.City).SetNillableNearestStation(in.NearestStation).
		SetNillableMaxCommuteMinutes(in.MaxCommuteMinutes).SetNillableAcceptsBus(in.AcceptsBus).
		SetNillableDesiredHourlyWage(in.DesiredHourlyWage).SetNillableAvailableFrom(in.AvailableFrom)
	if in.DesiredJobCategories != nil {
		u.SetDesiredJobCategories(in.DesiredJobCategories)
	}
	if err := u.Exec(ctx); err != nil {
		return nil, err
	}
	return r.portal().Profile(ctx)
}

// hideDenied answers NOT_FOUND for a row whose whole type the viewer's role may not read: fetching
// it by id must not tell it apart from an id that does not exist.
func hideDenied(err error) error {
	if errors.Is(err, privacy.Deny) && !errors.Is(err, access.ErrNoViewer) {
		return &ent.NotFoundError{}
	}
	return err
}

// selectsNodeField reports whether the PublicPosting connection being resolved selects any of names
// on edges.node (fragments included).
func selectsNodeField(ctx context.Context, names ...string) bool {
	oc := graphql.GetOperationContext(ctx)
	for _, edges := range graphql.CollectFields(oc, graphql.GetFieldContext(ctx).Field.Selections, []string{"PublicPostingConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, []string{"PublicPostingEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, []string{"PublicPosting", "Node"}) {
				if slices.Contains(names, f.Name) {
					return true
				}
			}
		}
	}
	return false
}

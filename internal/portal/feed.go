package portal

import (
	"context"
	"fmt"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/predicate"
	"github.com/example/staffcrm/internal/auth"
)

// FeedFilter narrows the registrant feed (the API's PublicPostingWhereInput).
type FeedFilter struct {
	JobCategory   *string       `json:"jobCategory,omitempty"`
	JobCategoryIn []string      `json:"jobCategoryIn,omitempty"`
	Prefecture    *string       `json:"prefecture,omitempty"`
	PrefectureIn  []string      `json:"prefectureIn,omitempty"`
	HourlyWageGte *int          `json:"hourlyWageGTE,omitempty"`
	BusRequired   *bool         `json:"busRequired,omitempty"`
	Type          *posting.Type `json:"type,omitempty"`
	TitleContains *string       `json:"titleContains,omitempty"`
}

// FeedQuery asks for one page of the feed.
type FeedQuery struct {
	After, Before *entgql.Cursor[int]
	First, Last   *int
	Order         *ent.PostingOrder // nil: newest first
	Filter        *FeedFilter
	// WithWorkplace looks up client names and site addresses (one statement per page): only when
	// the caller selected them.
	WithWorkplace bool
}

// FeedPage is one page of the feed (the API's PublicPostingConnection).
type FeedPage struct {
	Edges      []*FeedEdge           `json:"edges,omitempty"`
	PageInfo   *entgql.PageInfo[int] `json:"pageInfo"`
	TotalCount int                   `json:"totalCount"`
}

// FeedEdge is one posting of a feed page with its cursor.
type FeedEdge struct {
	Node   *PublicPosting     `json:"node,omitempty"`
	Cursor entgql.Cursor[int] `json:"cursor"`
}

// Feed is the registrant feed: open postings, newest first by default. Registrants see public ones
// plus those introduced to them (the privacy policy decides); anyone else previewing the feed sees
// exactly what the public sees.
func (l Loader) Feed(ctx context.Context, q FeedQuery) (*FeedPage, error) {
	w := &ent.PostingWhereInput{}
	open := posting.StatusOPEN
	w.Status = &open
	if v, ok := auth.ViewerFrom(ctx); !ok || v.Role != auth.RoleRegistrant {
		pub := posting.VisibilityPUBLIC
		w.Visibility = &pub
	}
	if f := q.Filter; f != nil {
		w.JobCategory, w.JobCategoryIn = f.JobCategory, f.JobCategoryIn
		w.Prefecture, w.PrefectureIn = f.Prefecture, f.PrefectureIn
		w.HourlyWageGTE, w.BusRequired, w.Type, w.TitleContains = f.HourlyWageGte, f.BusRequired, f.Type, f.TitleContains
	}
	order := q.Order
	if order == nil {
		order = &ent.PostingOrder{Direction: entgql.OrderDirectionDesc, Field: ent.PostingOrderFieldCreatedAt}
	}
	conn, err := l.Client.Posting.Query().Paginate(ctx, q.After, q.First, q.Before, q.Last,
		ent.WithPostingOrder(order), ent.WithPostingFilter(w.Filter))
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	nodes := make([]*ent.Posting, len(conn.Edges))
	for i, e := range conn.Edges {
		nodes[i] = e.Node
	}
	var public []*PublicPosting
	if q.WithWorkplace {
		if public, err = l.PublicPostings(ctx, nodes); err != nil {
			return nil, err
		}
	} else {
		public = make([]*PublicPosting, len(nodes))
		for i, p := range nodes {
			public[i] = NewPublicPosting(p, nil)
		}
	}
	out := &FeedPage{PageInfo: &conn.PageInfo, TotalCount: conn.TotalCount, Edges: make([]*FeedEdge, len(conn.Edges))}
	for i, e := range conn.Edges {
		out.Edges[i] = &FeedEdge{Node: public[i], Cursor: e.Cursor}
	}
	return out, nil
}

// ProfileChanges are the fields a registrant may change on her own profile (the API's
// UpdateMyProfileInput); nil leaves a field as it is.
type ProfileChanges struct {
	Name                  *string    `json:"name,omitempty"`
	Kana                  *string    `json:"kana,omitempty"`
	Phone                 *string    `json:"phone,omitempty"`
	Email                 *string    `json:"email,omitempty"`
	PreferredContactHours *string    `json:"preferredContactHours,omitempty"`
	Prefecture            *string    `json:"prefecture,omitempty"`
	City                  *string    `json:"city,omitempty"`
	NearestStation        *string    `json:"nearestStation,omitempty"`
	MaxCommuteMinutes     *int       `json:"maxCommuteMinutes,omitempty"`
	AcceptsBus            *bool      `json:"acceptsBus,omitempty"`
	DesiredHourlyWage     *int       `json:"desiredHourlyWage,omitempty"`
	DesiredJobCategories  []string   `json:"desiredJobCategories,omitempty"`
	AvailableFrom         *time.Time `json:"availableFrom,omitempty"`
}

// UpdateProfile changes the registrant's own profile: the row is the viewer's, never one named by
// input, and the privacy policy limits the update to it.
func (l Loader) UpdateProfile(ctx context.Context, in ProfileChanges) (*MyProfile, error) {
	id, err := registrantID(ctx)
	if err != nil {
		return nil, err
	}
	u := l.Client.Registrant.UpdateOneID(id).
		SetNillableName(in.Name).SetNillableKana(in.Kana).SetNillablePhone(in.Phone).SetNillableEmail(in.Email).
		SetNillablePreferredContactHours(in.PreferredContactHours).SetNillablePrefecture(in.Prefecture).
		SetNillableCity(in.City).SetNillableNearestStation(in.NearestStation).
		SetNillableMaxCommuteMinutes(in.MaxCommuteMinutes).SetNillableAcceptsBus(in.AcceptsBus).
		SetNillableDesiredHourlyWage(in.DesiredHourlyWage).SetNillableAvailableFrom(in.AvailableFrom)
	if in.DesiredJobCategories != nil {
		u.SetDesiredJobCategories(in.DesiredJobCategories)
	}
	if err := u.Exec(ctx); err != nil {
		return nil, fmt.Errorf("update my profile: %w", err)
	}
	return l.Profile(ctx)
}

// PersonalFeed reports whether the signed-in registrant's feed holds a posting introduced to her: an
// open non-public posting linked to her by an application, inquiry or assignment (what the posting
// policy lets her see beyond the public ones). Without one her feed is exactly every such
// registrant's, which the response cache shares. Asked from her side — her few rows, each looked up
// by index — rather than as the feed's own policy, which filters every open posting.
func (l Loader) PersonalFeed(ctx context.Context) (bool, error) {
	reg, err := registrantID(ctx)
	if err != nil {
		return false, err
	}
	introduced := []predicate.Posting{posting.StatusEQ(posting.StatusOPEN), posting.VisibilityEQ(posting.VisibilityNON_PUBLIC)}
	for _, exist := range []func(context.Context) (bool, error){
		l.Client.Application.Query().Where(application.RegistrantID(reg), application.HasPostingWith(introduced...)).Exist,
		l.Client.Inquiry.Query().Where(inquiry.RegistrantID(reg), inquiry.HasPostingWith(introduced...)).Exist,
		l.Client.Assignment.Query().Where(assignment.RegistrantID(reg), assignment.HasPostingWith(introduced...)).Exist,
	} {
		ok, err := exist(ctx)
		if err != nil {
			return false, fmt.Errorf("personal feed: %w", err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

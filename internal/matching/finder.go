package matching

import (
	"context"
	"fmt"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/orgunit"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/tenure"
)

// Finder ranks postings for a registrant and registrants for a posting. The coarse filter runs in
// SQL on indexed columns (same job category and prefecture first, widened to the category
// anywhere when that finds too few); the shortlist — at most Shortlist rows — is scored in Go with
// Score, compliance flags included, and ranked.
type Finder struct {
	Client    *ent.Client
	Weights   Weights
	Shortlist int // default 1000
	Now       func() time.Time
}

// WeightsFrom overrides the defaults with an agency's configured weights (component name → weight).
func WeightsFrom(cfg map[string]float64) Weights {
	w := DefaultWeights()
	for name, ptr := range map[string]*float64{
		ComponentExperience: &w.Experience, ComponentTasks: &w.Tasks, ComponentSkills: &w.Skills, ComponentWage: &w.Wage,
		ComponentCommute: &w.Commute, ComponentAvailability: &w.Availability, ComponentCompliance: &w.Compliance, ComponentHistory: &w.History,
	} {
		if v, ok := cfg[name]; ok {
			*ptr = v
		}
	}
	return w
}

// Hit is one ranked result.
type Hit struct {
	ID    int
	Match Match
}

func (f *Finder) limit() int {
	if f.Shortlist > 0 {
		return f.Shortlist
	}
	return 1000
}

func (f *Finder) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// widenBelow: when the tight filter finds fewer rows than this, widen it.
const widenBelow = 100

// site is what compliance needs to know about where a posting is.
type site struct {
	orgUnit, siteID, clientID int
	legalEntity               string
	conflict, notified        *time.Time
}

// sites reads org unit → site → client for the given org units (one query), past the viewer's scope:
// a registrant may not read clients, but the compliance flag they produce is theirs to see.
func (f *Finder) sites(ctx context.Context, orgUnits []int) (map[int]site, error) {
	sys := access.System(ctx, "matching: sites and clients of shortlisted postings, for compliance flags")
	us, err := f.Client.OrgUnit.Query().Where(orgunit.IDIn(orgUnits...)).
		WithSite(func(q *ent.ClientSiteQuery) { q.WithClient() }).All(sys)
	if err != nil {
		return nil, err
	}
	out := make(map[int]site, len(us))
	for _, u := range us {
		s := site{orgUnit: u.ID, siteID: u.SiteID, clientID: u.Edges.Site.ClientID,
			conflict: u.Edges.Site.ConflictDate, notified: u.Edges.Site.ConflictDateNotifiedAt}
		if le := u.Edges.Site.Edges.Client.LegalEntityNumber; le != nil {
			s.legalEntity = *le
		}
		out[u.ID] = s
	}
	return out, nil
}

// toRegistrant is the registrant as Score sees her: her own work history and, as experience too,
// the months she has worked through this agency (worked, from pastOf).
func toRegistrant(r *ent.Registrant, worked []Experience, now time.Time) Registrant {
	out := Registrant{ID: r.ID, Prefecture: r.Prefecture, City: r.City, NearestStation: r.NearestStation,
		MaxCommuteMinutes: r.MaxCommuteMinutes, AcceptsBus: r.AcceptsBus, DesiredCategories: r.DesiredJobCategories,
		AvailableFrom: r.AvailableFrom}
	if r.DesiredHourlyWage != nil {
		out.DesiredHourlyWage = *r.DesiredHourlyWage
	}
	for _, s := range r.Edges.Skills {
		out.Skills = append(out.Skills, Skill{Name: s.Name, Level: s.Level, Years: s.Years})
	}
	for _, w := range r.Edges.WorkHistories {
		out.Experience = append(out.Experience, Experience{JobCategory: w.JobCategory, Industry: w.Industry,
			Company: w.Company, TaskTags: w.TaskTags, Months: tenure.Months(w.StartDate, w.EndDate, now)})
	}
	out.Experience = append(out.Experience, worked...)
	return out
}

func toPosting(p *ent.Posting, st site) Posting {
	return Posting{ID: p.ID, JobCategory: p.JobCategory, Prefecture: p.Prefecture, City: p.City,
		NearestStation: p.NearestStation, TaskTags: p.TaskTags, RequiredSkills: p.RequiredSkills, HourlyWage: p.HourlyWage,
		WalkMinutes: p.WalkMinutes, BusRequired: p.BusRequired, StartDate: p.StartDate, ClientLegalEntity: st.legalEntity}
}

// proposal is the compliance check of placing r at p for the posting's expected period.
func proposal(reg *ent.Registrant, p *ent.Posting, st site, history []compliance.Placement, now time.Time) compliance.Proposal {
	start := now.UTC().Truncate(24 * time.Hour)
	if p.StartDate != nil && p.StartDate.After(start) {
		start = *p.StartDate
	}
	months := 3
	if p.ExpectedDurationMonths != nil {
		months = *p.ExpectedDurationMonths
	}
	prop := compliance.Proposal{
		Person: compliance.Person{BirthDate: reg.BirthDate, Employment: reg.Employment.String(),
			DaytimeStudent: reg.DaytimeStudent, IncomeExemption: reg.IncomeExemption, RetiredAtMandatoryAge: reg.RetiredAtMandatoryAge},
		OrgUnitID: st.orgUnit, SiteID: st.siteID, ClientLegalEntity: st.legalEntity,
		Site:  compliance.Site{ConflictDate: st.conflict, ConflictNotifiedAt: st.notified},
		Start: start, End: start.AddDate(0, months, -1), ContractSignedOn: now,
		JobCategory: p.JobCategory, PostingType: p.Type.String(), History: history,
	}
	for _, w := range reg.Edges.WorkHistories {
		if w.Kind == workhistory.KindDIRECT_EMPLOYMENT {
			de := compliance.DirectEmployment{End: w.EndDate}
			if w.LegalEntityNumber != nil {
				de.LegalEntity = *w.LegalEntityNumber
			}
			prop.DirectEmployments = append(prop.DirectEmployments, de)
		}
	}
	return prop
}

// PostingsFor ranks the open postings the caller can see for a registrant. The person's age is read
// only inside the compliance check, which yields flags, never a score input.
func (f *Finder) PostingsFor(ctx context.Context, registrantID int) ([]Hit, error) {
	now := f.now()
	reg, err := f.Client.Registrant.Query().Where(registrant.ID(registrantID)).WithSkills().WithWorkHistories().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("match postings: %w", err)
	}
	past, err := f.pastOf(ctx, []int{registrantID}, now)
	if err != nil {
		return nil, fmt.Errorf("match postings: %w", err)
	}
	r := toRegistrant(reg, past.worked[registrantID], now)
	cats := map[string]bool{}
	for _, c := range r.DesiredCategories {
		cats[c] = true
	}
	for _, e := range r.Experience {
		cats[e.JobCategory] = true
	}
	catList := make([]string, 0, len(cats))
	for c := range cats {
		catList = append(catList, c)
	}
	base := func() *ent.PostingQuery {
		return f.Client.Posting.Query().Where(posting.StatusEQ(posting.StatusOPEN)).
			Order(ent.Desc(posting.FieldCreatedAt)).Limit(f.limit())
	}
	ps, err := base().Where(posting.JobCategoryIn(catList...), posting.Prefecture(reg.Prefecture)).All(ctx)
	if err == nil && len(ps) < widenBelow {
		ps, err = base().Where(posting.Or(posting.JobCategoryIn(catList...), posting.Prefecture(reg.Prefecture))).All(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("match postings: %w", err)
	}
	units := make([]int, 0, len(ps))
	for _, p := range ps {
		units = append(units, p.OrgUnitID)
	}
	sites, err := f.sites(ctx, units)
	if err != nil {
		return nil, fmt.Errorf("match postings: %w", err)
	}
	items := make([]Ranked, 0, len(ps))
	for _, p := range ps {
		st := sites[p.OrgUnitID]
		c := Context{Now: now, RejectedAtClientBefore: past.rejected[registrantID][st.clientID],
			Compliance: compliance.Check(proposal(reg, p, st, past.history[registrantID], now), nil).Findings}
		items = append(items, Ranked{ID: p.ID, Match: Score(r, toPosting(p, st), c, f.Weights)})
	}
	return hits(Rank(items)), nil
}

// RegistrantsFor ranks the registrants the caller can see for a posting.
func (f *Finder) RegistrantsFor(ctx context.Context, postingID int) ([]Hit, error) {
	now := f.now()
	p, err := f.Client.Posting.Get(ctx, postingID)
	if err != nil {
		return nil, fmt.Errorf("match registrants: %w", err)
	}
	sites, err := f.sites(ctx, []int{p.OrgUnitID})
	if err != nil {
		return nil, fmt.Errorf("match registrants: %w", err)
	}
	st := sites[p.OrgUnitID]
	// Experienced in the category: by her own work history or by an assignment through this agency.
	experienced := registrant.Or(registrant.HasWorkHistoriesWith(workhistory.JobCategory(p.JobCategory)),
		registrant.HasAssignmentsWith(assignment.HasPostingWith(posting.JobCategory(p.JobCategory))))
	base := func() *ent.RegistrantQuery {
		return f.Client.Registrant.Query().Order(ent.Desc(registrant.FieldRegisteredAt)).Limit(f.limit()).
			WithSkills().WithWorkHistories()
	}
	regs, err := base().Where(registrant.Prefecture(p.Prefecture), experienced).All(ctx)
	if err == nil && len(regs) < widenBelow {
		regs, err = base().Where(registrant.Or(experienced, registrant.Prefecture(p.Prefecture))).All(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("match registrants: %w", err)
	}
	ids := make([]int, len(regs))
	for i, r := range regs {
		ids[i] = r.ID
	}
	past, err := f.pastOf(ctx, ids, now)
	if err != nil {
		return nil, fmt.Errorf("match registrants: %w", err)
	}
	mp := toPosting(p, st)
	items := make([]Ranked, 0, len(regs))
	for _, reg := range regs {
		c := Context{Now: now, RejectedAtClientBefore: past.rejected[reg.ID][st.clientID],
			Compliance: compliance.Check(proposal(reg, p, st, past.history[reg.ID], now), nil).Findings}
		items = append(items, Ranked{ID: reg.ID, Match: Score(toRegistrant(reg, past.worked[reg.ID], now), mp, c, f.Weights)})
	}
	return hits(Rank(items)), nil
}

// past is what pastOf reads about shortlisted registrants.
type past struct {
	history  map[int][]compliance.Placement // placements, for the 3-year and former-employer rules
	rejected map[int]map[int]bool           // client ids where an application was rejected
	worked   map[int][]Experience           // months worked through this agency, as experience
}

// pastOf reads, for the registrants, their placements (for the 3-year and former-employer rules,
// and as experience: the job category and tasks of the posting, the client's industry, never its
// name) and the clients where an application of theirs was rejected — in two queries, past the
// viewer's scope because they only turn into flags and scores.
func (f *Finder) pastOf(ctx context.Context, registrantIDs []int, now time.Time) (past, error) {
	sys := access.System(ctx, "matching: earlier placements and rejections of shortlisted registrants, for flags and experience")
	as, err := f.Client.Assignment.Query().Where(assignment.RegistrantIDIn(registrantIDs...)).
		WithPosting(func(q *ent.PostingQuery) { q.Select(posting.FieldJobCategory, posting.FieldTaskTags) }).
		WithOrgUnit(func(q *ent.OrgUnitQuery) { q.WithSite(func(q *ent.ClientSiteQuery) { q.WithClient() }) }).All(sys)
	if err != nil {
		return past{}, err
	}
	history := map[int][]compliance.Placement{}
	worked := map[int][]Experience{}
	for _, a := range as {
		s := a.Edges.OrgUnit.Edges.Site
		pl := compliance.Placement{OrgUnitID: a.OrgUnitID, SiteID: s.ID, Start: a.StartDate, End: a.EndDate}
		if le := s.Edges.Client.LegalEntityNumber; le != nil {
			pl.ClientLegalEntity = *le
		}
		history[a.RegistrantID] = append(history[a.RegistrantID], pl)
		if p := a.Edges.Posting; p != nil {
			worked[a.RegistrantID] = append(worked[a.RegistrantID], Experience{JobCategory: p.JobCategory,
				Industry: s.Edges.Client.Industry, TaskTags: p.TaskTags, Months: tenure.Worked(a.StartDate, a.EndDate, now)})
		}
	}
	rej, err := f.Client.Application.Query().Where(application.RegistrantIDIn(registrantIDs...),
		application.StatusIn(application.StatusSCREENING_REJECTED, application.StatusCLIENT_REJECTED)).
		WithPosting(func(q *ent.PostingQuery) {
			q.WithOrgUnit(func(q *ent.OrgUnitQuery) { q.WithSite() })
		}).All(sys)
	if err != nil {
		return past{}, err
	}
	rejected := map[int]map[int]bool{}
	for _, a := range rej {
		if rejected[a.RegistrantID] == nil {
			rejected[a.RegistrantID] = map[int]bool{}
		}
		rejected[a.RegistrantID][a.Edges.Posting.Edges.OrgUnit.Edges.Site.ClientID] = true
	}
	return past{history: history, rejected: rejected, worked: worked}, nil
}

func hits(rs []Ranked) []Hit {
	out := make([]Hit, len(rs))
	for i, r := range rs {
		out[i] = Hit{ID: r.ID, Match: r.Match}
	}
	return out
}

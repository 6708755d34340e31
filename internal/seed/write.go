package seed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/applicationevent"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/consent"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/routingdecision"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/routing/record"
)

// bulkSize keeps every INSERT well below the bind-parameter limits of SQLite and PostgreSQL.
const bulkSize = 100

// bulk saves builders in chunks with mk (e.g. tx.Posting.CreateBulk) and returns the ids in order.
func bulk[B any, S interface {
	Save(context.Context) ([]T, error)
}, T any](ctx context.Context, mk func(...B) S, bs []B, id func(T) int) ([]int, error) {
	ids := make([]int, 0, len(bs))
	for len(bs) > 0 {
		n := min(len(bs), bulkSize)
		saved, err := mk(bs[:n]...).Save(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range saved {
			ids = append(ids, id(e))
		}
		bs = bs[n:]
	}
	return ids, nil
}

type writer struct {
	p  *planner
	tx *ent.Tx
	ap *agencyPlan
	pw string

	agencyID                         int
	accounts                         map[string]int // login e-mail → account id
	coordIDs, repIDs                 []int          // coordinators; sales reps in spec order
	accountReps, serviceReps         []int          // indexes into repIDs
	clientIDs, siteIDs, unitIDs      []int
	postingIDs, registrantIDs        []int
	appIDs, assignmentIDs            []int
	coordLoad, repLoad               []int // open inquiries per coordinator / sales rep
	lastBusinessDay, prevBusinessDay time.Time
}

func (w *writer) write(ctx context.Context) error {
	w.lastBusinessDay = w.p.addBusinessDays(w.p.today, -1)
	w.prevBusinessDay = w.p.addBusinessDays(w.lastBusinessDay, -1)
	for _, step := range []struct {
		name string
		fn   func(context.Context) error
	}{
		{"agency", w.agency}, {"minimum wages", w.minimumWages}, {"accounts", w.accountsAndStaff}, {"clients", w.clients},
		{"postings", w.postings}, {"registrants", w.registrants}, {"applications", w.applications},
		{"assignments", w.assignments}, {"inquiries", w.inquiries}, {"contact logs", w.contactLogs},
		{"dispatch records", w.records},
	} {
		if err := step.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}
	return nil
}

func (w *writer) agency(ctx context.Context) error {
	sp := w.ap.spec
	a, err := w.tx.Agency.Create().
		SetName(sp.name).SetSlug(sp.slug).SetRoutingMode(agency.RoutingMode(sp.mode)).
		SetTimezone("Asia/Tokyo").SetBusinessOpen("09:00").SetBusinessClose("18:00").
		SetWorkingWeekdays([]int{1, 2, 3, 4, 5}).SetHolidays(holidays).
		SetCreatedAt(w.p.officeTime(w.p.day(-1000))).
		Save(ctx)
	if err != nil {
		return err
	}
	w.agencyID = a.ID
	return nil
}

// sampleMinimumWages are demonstration figures for the minimum-wage table, marked sample: an agency
// imports the official table itself (importMinimumWages). They are the regional minimum wages of
// October 2023, below every demo posting's wage.
var sampleMinimumWages = []struct {
	pref string
	wage int
}{{"東京都", 1113}, {"神奈川県", 1112}, {"大阪府", 1064}, {"埼玉県", 1028}, {"愛知県", 1027}, {"千葉県", 1026}}

func (w *writer) minimumWages(ctx context.Context) error {
	from := time.Date(2023, 10, 1, 0, 0, 0, 0, time.UTC)
	bs := make([]*ent.MinimumWageCreate, len(sampleMinimumWages))
	for i, m := range sampleMinimumWages {
		bs[i] = w.tx.MinimumWage.Create().SetAgencyID(w.agencyID).SetPrefecture(m.pref).SetHourlyWage(m.wage).
			SetEffectiveFrom(from).SetSample(true)
	}
	return w.tx.MinimumWage.CreateBulk(bs...).Exec(ctx)
}

func (w *writer) accountsAndStaff(ctx context.Context) error {
	sp := w.ap.spec
	type login struct {
		email string
		role  account.Role
	}
	logins := []login{{sp.adminEmail, account.RoleADMIN}}
	for _, c := range sp.coordinators {
		logins = append(logins, login{c.email, account.RoleCOORDINATOR})
	}
	for _, s := range sp.salesReps {
		logins = append(logins, login{s.email, account.RoleSALES_REP})
	}
	for _, r := range w.ap.registrants {
		if r.account != "" {
			logins = append(logins, login{r.account, account.RoleREGISTRANT})
		}
	}
	created := w.p.officeTime(w.p.day(-900))
	var bs []*ent.AccountCreate
	for _, l := range logins {
		bs = append(bs, w.tx.Account.Create().SetAgencyID(w.agencyID).SetEmail(strings.ToLower(l.email)).
			SetPasswordHash(w.pw).SetRole(l.role).SetCreatedAt(created).SetUpdatedAt(created))
	}
	ids, err := bulk(ctx, w.tx.Account.CreateBulk, bs, func(a *ent.Account) int { return a.ID })
	if err != nil {
		return err
	}
	w.accounts = make(map[string]int, len(ids))
	for i, l := range logins {
		w.accounts[l.email] = ids[i]
	}

	var cs []*ent.CoordinatorCreate
	for _, c := range sp.coordinators {
		cs = append(cs, w.tx.Coordinator.Create().SetAgencyID(w.agencyID).SetAccountID(w.accounts[c.email]).
			SetName(c.name).SetSpecialties(c.specialties).SetRegions(c.regions).
			SetCapacity(c.capacity).SetAvailable(c.available))
	}
	if w.coordIDs, err = bulk(ctx, w.tx.Coordinator.CreateBulk, cs, func(c *ent.Coordinator) int { return c.ID }); err != nil {
		return err
	}
	var rs []*ent.SalesRepCreate
	for i, s := range sp.salesReps {
		rs = append(rs, w.tx.SalesRep.Create().SetAgencyID(w.agencyID).SetAccountID(w.accounts[s.email]).
			SetName(s.name).SetKind(salesrep.Kind(s.kind)).SetSpecialties(s.specialties).
			SetCapacity(s.capacity).SetAvailable(s.available))
		if s.kind == "ACCOUNT" {
			w.accountReps = append(w.accountReps, i)
		} else {
			w.serviceReps = append(w.serviceReps, i)
		}
	}
	if w.repIDs, err = bulk(ctx, w.tx.SalesRep.CreateBulk, rs, func(s *ent.SalesRep) int { return s.ID }); err != nil {
		return err
	}
	w.coordLoad, w.repLoad = make([]int, len(w.coordIDs)), make([]int, len(w.repIDs))
	return nil
}

func (w *writer) clients(ctx context.Context) error {
	created := w.p.officeTime(w.p.day(-800))
	var cs []*ent.ClientCompanyCreate
	for _, c := range w.ap.clients {
		b := w.tx.ClientCompany.Create().SetAgencyID(w.agencyID).SetName(c.spec.name).SetIndustry(c.spec.industry).
			SetLegalEntityNumber(c.legalEntity).SetCreatedAt(created).SetUpdatedAt(created)
		if len(w.serviceReps) > 0 {
			b.SetServiceRepID(w.repIDs[w.serviceReps[c.spec.serviceRep%len(w.serviceReps)]])
		}
		cs = append(cs, b)
	}
	var err error
	if w.clientIDs, err = bulk(ctx, w.tx.ClientCompany.CreateBulk, cs, func(c *ent.ClientCompany) int { return c.ID }); err != nil {
		return err
	}
	var ss []*ent.ClientSiteCreate
	for _, s := range w.ap.sites {
		ss = append(ss, w.tx.ClientSite.Create().SetAgencyID(w.agencyID).SetClientID(w.clientIDs[s.client]).
			SetName(s.spec.name).SetAddress(s.loc.address).SetPrefecture(s.loc.pref).
			SetConflictDate(s.conflict).SetNillableConflictDateNotifiedAt(s.notified).
			SetCreatedAt(created).SetUpdatedAt(created))
	}
	if w.siteIDs, err = bulk(ctx, w.tx.ClientSite.CreateBulk, ss, func(s *ent.ClientSite) int { return s.ID }); err != nil {
		return err
	}
	// Each notified conflict date is also the site's first entry in its notice history.
	var ns []*ent.ConflictDateNoticeCreate
	for i, s := range w.ap.sites {
		if s.notified != nil {
			ns = append(ns, w.tx.ConflictDateNotice.Create().SetAgencyID(w.agencyID).SetSiteID(w.siteIDs[i]).
				SetConflictDate(s.conflict).SetNotifiedOn(*s.notified).SetCreatedAt(created))
		}
	}
	if _, err = bulk(ctx, w.tx.ConflictDateNotice.CreateBulk, ns, func(n *ent.ConflictDateNotice) int { return n.ID }); err != nil {
		return err
	}
	var us []*ent.OrgUnitCreate
	for _, u := range w.ap.units {
		us = append(us, w.tx.OrgUnit.Create().SetAgencyID(w.agencyID).SetSiteID(w.siteIDs[u.site]).SetName(u.name).
			SetCreatedAt(created).SetUpdatedAt(created))
	}
	w.unitIDs, err = bulk(ctx, w.tx.OrgUnit.CreateBulk, us, func(u *ent.OrgUnit) int { return u.ID })
	return err
}

// accountRep returns the sales rep index (into repIDs) of the idx-th ACCOUNT rep.
func (w *writer) accountRep(idx int) int { return w.accountReps[idx%len(w.accountReps)] }

func (w *writer) postings(ctx context.Context) error {
	var bs []*ent.PostingCreate
	for _, pp := range w.ap.postings {
		loc := w.ap.sites[w.ap.units[pp.unit].site].loc
		bs = append(bs, w.tx.Posting.Create().SetAgencyID(w.agencyID).
			SetOrgUnitID(w.unitIDs[pp.unit]).SetAccountRepID(w.repIDs[w.accountRep(pp.rep)]).
			SetType(posting.Type(pp.typ)).SetVisibility(posting.Visibility(pp.vis)).SetStatus(posting.Status(pp.status)).
			SetTitle(pp.title).SetDescription(pp.description).SetJobCategory(pp.category).
			SetRequiredSkills(nonNil(pp.skills)).SetTaskTags(nonNil(pp.tags)).
			SetHourlyWage(pp.wage).SetPrefecture(loc.pref).SetCity(loc.city).SetNearestStation(loc.station).
			SetWalkMinutes(pp.walk).SetBusRequired(pp.bus).SetWorkingHours(pp.hours).
			SetAvgMonthlyOvertimeHours(pp.overtime).SetStartDate(pp.start).SetNillableExpectedDurationMonths(pp.duration).
			SetHeadcount(pp.headcount).SetDisclosesClient(pp.discloses).SetRepostCount(pp.repost).
			SetDepartmentDetails(pp.dept).SetHiringReason(pp.reason).SetAtmosphereNotes(pp.atmosphere).
			SetNillablePredecessorTenureMonths(pp.predecessor).SetBillRate(pp.bill).SetClientContact(pp.contact).
			SetCreatedAt(pp.created).SetUpdatedAt(pp.created))
	}
	var err error
	w.postingIDs, err = bulk(ctx, w.tx.Posting.CreateBulk, bs, func(p *ent.Posting) int { return p.ID })
	return err
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func (w *writer) registrants(ctx context.Context) error {
	var bs []*ent.RegistrantCreate
	for _, r := range w.ap.registrants {
		b := w.tx.Registrant.Create().SetAgencyID(w.agencyID).
			SetName(r.name.family + " " + r.name.given).SetKana(r.name.familyKana + " " + r.name.givenKana).
			SetPhone(r.phone).SetEmail(r.email).SetPreferredContactHours(r.hours).
			SetPrefecture(r.pref).SetCity(r.city).SetNearestStation(r.station).
			SetMaxCommuteMinutes(r.maxCommute).SetAcceptsBus(r.acceptsBus).SetDesiredHourlyWage(r.wage).
			SetDesiredJobCategories(r.desired).SetNillableAvailableFrom(r.available).
			SetEmployment(registrant.Employment(r.employment)).SetRegisteredAt(r.registered).
			SetBirthDate(r.birth).SetEducation(r.education).SetGender(registrant.Gender(r.gender)).
			SetCreatedAt(r.registered).SetUpdatedAt(r.registered)
		if r.account != "" {
			b.SetAccountID(w.accounts[r.account])
		}
		bs = append(bs, b)
	}
	var err error
	if w.registrantIDs, err = bulk(ctx, w.tx.Registrant.CreateBulk, bs, func(r *ent.Registrant) int { return r.ID }); err != nil {
		return err
	}
	var ss []*ent.SkillCreate
	var hs []*ent.WorkHistoryCreate
	var cs []*ent.ConsentCreate
	for i, r := range w.ap.registrants {
		// Everyone registered through the app's sign-up, which records both consents.
		for _, k := range []consent.Kind{consent.KindPRIVACY_POLICY, consent.KindSKILL_SHEET_PROVISION} {
			cs = append(cs, w.tx.Consent.Create().SetAgencyID(w.agencyID).SetRegistrantID(w.registrantIDs[i]).
				SetKind(k).SetVersion(config.Defaults.PolicyVersion).SetGrantedAt(r.registered))
		}
		for _, s := range r.skills {
			ss = append(ss, w.tx.Skill.Create().SetAgencyID(w.agencyID).SetRegistrantID(w.registrantIDs[i]).
				SetName(s.name).SetLevel(s.level).SetYears(s.years))
		}
		for _, h := range r.histories {
			hs = append(hs, w.tx.WorkHistory.Create().SetAgencyID(w.agencyID).SetRegistrantID(w.registrantIDs[i]).
				SetCompany(h.company).SetNillableLegalEntityNumber(h.legalEntity).SetIndustry(h.industry).
				SetJobCategory(h.category).SetTasks(h.tasks).SetTaskTags(nonNil(h.tags)).
				SetStartDate(h.start).SetNillableEndDate(h.end).SetKind(workhistory.Kind(h.kind)))
		}
	}
	if _, err := bulk(ctx, w.tx.Skill.CreateBulk, ss, func(s *ent.Skill) int { return s.ID }); err != nil {
		return err
	}
	if _, err := bulk(ctx, w.tx.Consent.CreateBulk, cs, func(c *ent.Consent) int { return c.ID }); err != nil {
		return err
	}
	_, err = bulk(ctx, w.tx.WorkHistory.CreateBulk, hs, func(h *ent.WorkHistory) int { return h.ID })
	return err
}

// handlerCoordinator is the coordinator who looks after a registrant: specialty and region match first.
func (w *writer) handlerCoordinator(reg int) int {
	r := w.ap.registrants[reg]
	best, bestScore := 0, -1
	for i, c := range w.ap.spec.coordinators {
		s := 0
		if slices.Contains(c.specialties, r.mainCat) {
			s += 2
		}
		if slices.Contains(c.regions, r.pref) {
			s++
		}
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

// postingRepAccount is the login of the account rep who owns a posting.
func (w *writer) postingRepAccount(post int) int {
	return w.accounts[w.ap.spec.salesReps[w.accountRep(w.ap.postings[post].rep)].email]
}

// staffAccount is the staff login that screens a registrant's application: their coordinator in
// COORDINATOR mode, the posting's account rep in DIRECT mode.
func (w *writer) staffAccount(reg, post int) int {
	if len(w.ap.spec.coordinators) > 0 {
		return w.accounts[w.ap.spec.coordinators[w.handlerCoordinator(reg)].email]
	}
	return w.postingRepAccount(post)
}

func (w *writer) applications(ctx context.Context) error {
	var bs []*ent.ApplicationCreate
	for _, a := range w.ap.apps {
		last := a.times[len(a.times)-1]
		b := w.tx.Application.Create().SetAgencyID(w.agencyID).
			SetRegistrantID(w.registrantIDs[a.reg]).SetPostingID(w.postingIDs[a.post]).
			SetStatus(application.Status(a.status)).SetCreatedAt(a.times[0]).SetUpdatedAt(last)
		if a.notes != "" {
			b.SetInternalNotes(a.notes)
		}
		if a.rejected != "" {
			b.SetRejectionReason(a.rejected)
		}
		bs = append(bs, b)
	}
	var err error
	if w.appIDs, err = bulk(ctx, w.tx.Application.CreateBulk, bs, func(a *ent.Application) int { return a.ID }); err != nil {
		return err
	}

	var es []*ent.ApplicationEventCreate
	for i, a := range w.ap.apps {
		r := w.ap.registrants[a.reg]
		self := 0
		if r.account != "" {
			self = w.accounts[r.account]
		}
		staff := w.staffAccount(a.reg, a.post)
		rep := w.postingRepAccount(a.post)
		for k, to := range a.path {
			var actor int
			var reason string
			switch to {
			case "APPLIED":
				actor = self
				if actor == 0 {
					actor, reason = staff, "電話で応募意思を確認し、担当者が代理で登録"
				}
			case "SCREENING":
				actor = staff
			case "SCREENING_PASSED":
				actor, reason = staff, "経験・スキルが要件を満たす"
			case "SCREENING_REJECTED":
				actor, reason = staff, a.rejected
			case "CLIENT_MEETING":
				actor, reason = rep, "職場見学（本人希望）"
				if w.ap.postings[a.post].typ == "TEMP_TO_PERM" {
					reason = "面接（紹介予定派遣）"
				}
			case "OFFERED":
				actor, reason = rep, "派遣先より受入れ可の回答"
			case "CLIENT_REJECTED":
				actor, reason = rep, a.rejected
			case "PLACED":
				actor, reason = rep, "派遣契約締結・就業条件明示済み"
			case "ACCEPTED", "DECLINED", "WITHDRAWN":
				actor = self
				switch {
				case to == "DECLINED":
					reason = "通勤時間を理由に辞退"
				case to == "WITHDRAWN":
					reason = "他社で就業が決まったため応募を取り下げ"
				}
				if actor == 0 {
					actor = staff
					reason = strings.TrimSpace("本人より電話連絡。" + reason)
				}
			}
			b := w.tx.ApplicationEvent.Create().SetAgencyID(w.agencyID).SetApplicationID(w.appIDs[i]).
				SetToStatus(applicationevent.ToStatus(to)).SetAt(a.times[k])
			if k > 0 {
				b.SetFromStatus(applicationevent.FromStatus(a.path[k-1]))
			}
			if actor != 0 {
				b.SetActorID(actor)
			}
			if reason != "" {
				b.SetReason(reason)
			}
			es = append(es, b)
		}
	}
	_, err = bulk(ctx, w.tx.ApplicationEvent.CreateBulk, es, func(e *ent.ApplicationEvent) int { return e.ID })
	return err
}

func (w *writer) assignments(ctx context.Context) error {
	w.assignmentIDs = make([]int, len(w.ap.assignments))
	// originals first, then renewals, which refer to them
	for _, renewals := range []bool{false, true} {
		var idx []int
		var bs []*ent.AssignmentCreate
		for i, a := range w.ap.assignments {
			if (a.renewalOf >= 0) != renewals {
				continue
			}
			var created time.Time
			if a.app >= 0 {
				app := w.ap.apps[a.app]
				created = app.times[len(app.times)-1]
			} else {
				created = w.p.officeTime(minTime(a.start.AddDate(0, 0, -30), w.p.day(-1)))
			}
			b := w.tx.Assignment.Create().SetAgencyID(w.agencyID).
				SetRegistrantID(w.registrantIDs[a.reg]).SetPostingID(w.postingIDs[a.post]).
				SetOrgUnitID(w.unitIDs[w.ap.postings[a.post].unit]).
				SetStartDate(a.start).SetEndDate(a.end).SetHourlyWage(a.wage).SetBillRate(a.bill).
				SetStatus(assignment.Status(a.status)).SetCreatedAt(created).SetUpdatedAt(created)
			if a.app >= 0 {
				b.SetApplicationID(w.appIDs[a.app])
			}
			if a.renewalOf >= 0 {
				b.SetRenewalOfID(w.assignmentIDs[a.renewalOf])
			}
			idx = append(idx, i)
			bs = append(bs, b)
		}
		ids, err := bulk(ctx, w.tx.Assignment.CreateBulk, bs, func(a *ent.Assignment) int { return a.ID })
		if err != nil {
			return err
		}
		for k, i := range idx {
			w.assignmentIDs[i] = ids[k]
		}
	}
	return nil
}

// inquiryPlan is one demo inquiry; routing happens in inquiries.
type inquiryPlan struct {
	reg, post int // post is -1 without a posting
	kind      string
	channel   string
	origin    string
	queued    bool
	created   time.Time
}

// latestAssignmentRep is the account rep (repIDs index) of a registrant's latest assignment, or -1.
func (w *writer) latestAssignmentRep(reg int) int {
	rep := -1
	var latest time.Time
	for _, a := range w.ap.assignments {
		if a.reg == reg && (rep < 0 || a.end.After(latest)) {
			rep, latest = w.accountRep(w.ap.postings[a.post].rep), a.end
		}
	}
	return rep
}

func (w *writer) inquiries(ctx context.Context) error {
	ap := w.ap
	lb := w.lastBusinessDay
	// an introduced NON_PUBLIC posting and a registrant interested in it
	intentPost, intentReg := -1, -1
	for i, pp := range ap.postings {
		if pp.vis == "NON_PUBLIC" && pp.status == "OPEN" {
			intentPost = i
			break
		}
	}
	for ri := 1; ri < appRegistrants && intentPost >= 0; ri++ {
		r := ap.registrants[ri]
		if !r.currentAssign && !ap.pairs[[2]int{ri, intentPost}] && slices.Contains(r.desired, ap.postings[intentPost].category) {
			intentReg = ri
			break
		}
	}
	// a registrant whose assignment ends soonest, with no renewal
	nextReg := -1
	var nextEnd time.Time
	renewed := map[int]bool{}
	for _, a := range ap.assignments {
		if a.renewalOf >= 0 {
			renewed[a.renewalOf] = true
		}
	}
	for i, a := range ap.assignments {
		if a.reg == 0 || a.status != "ACTIVE" || renewed[i] {
			continue
		}
		if nextReg < 0 || a.end.Before(nextEnd) {
			nextReg, nextEnd = a.reg, a.end
		}
	}
	publicPost := -1
	for _, i := range w.p.r.Perm(len(ap.postings)) {
		if i > 1 && ap.postings[i].vis == "PUBLIC" && ap.postings[i].status == "OPEN" {
			publicPost = i
			break
		}
	}
	plans := []inquiryPlan{
		{reg: 0, post: 1, kind: "POSTING_QUESTION", channel: "APP", origin: "REGISTRANT", created: clock(lb, 10, 15)},
	}
	if intentReg >= 0 {
		origin := "REGISTRANT"
		if ap.spec.mode == "COORDINATOR" {
			origin = "STAFF" // the coordinator recorded the intent during a call
		}
		plans = append(plans, inquiryPlan{reg: intentReg, post: intentPost, kind: "APPLICATION_INTENT", channel: "PHONE", origin: origin, created: clock(lb, 11, 30)})
	}
	if nextReg >= 0 {
		plans = append(plans, inquiryPlan{reg: nextReg, post: -1, kind: "NEXT_JOB", channel: "APP", origin: "REGISTRANT", created: clock(lb, 13, 5)})
	}
	plans = append(plans,
		inquiryPlan{reg: 5, post: -1, kind: "GENERAL", channel: "EMAIL", origin: "REGISTRANT", created: clock(lb, 15, 40)},
		inquiryPlan{reg: 8, post: publicPost, kind: "POSTING_QUESTION", channel: "APP", origin: "REGISTRANT", queued: true, created: clock(lb, 16, 20)},
		inquiryPlan{reg: 11, post: -1, kind: "GENERAL", channel: "PHONE", origin: "REGISTRANT", queued: true, created: clock(lb, 17, 10)},
	)

	var ibs []*ent.InquiryCreate
	var decisions []routed
	var routedPlans []inquiryPlan
	for k, q := range plans {
		if q.post < 0 && q.kind == "POSTING_QUESTION" {
			continue
		}
		msgs := inquiryMessages[q.kind]
		msg := msgs[k%len(msgs)]
		if q.reg == 0 && q.kind == "POSTING_QUESTION" {
			msg = msgs[0]
		}
		d := w.route(q)
		b := w.tx.Inquiry.Create().SetAgencyID(w.agencyID).SetRegistrantID(w.registrantIDs[q.reg]).
			SetKind(inquiry.Kind(q.kind)).SetChannel(inquiry.Channel(q.channel)).SetOrigin(inquiry.Origin(q.origin)).
			SetMessage(msg).SetDueAt(w.p.addBusinessMinutes(q.created, 120)).
			SetCreatedAt(q.created).SetUpdatedAt(q.created)
		if q.post >= 0 {
			b.SetPostingID(w.postingIDs[q.post])
		}
		if q.kind == "APPLICATION_INTENT" {
			b.SetPriority(1)
		}
		assignedAt := q.created.Add(time.Minute)
		switch {
		case d.coord >= 0:
			b.SetCoordinatorID(w.coordIDs[d.coord]).SetStatus(inquiry.StatusASSIGNED).SetAssignedAt(assignedAt).SetUpdatedAt(assignedAt)
			w.coordLoad[d.coord]++
		case d.rep >= 0:
			b.SetSalesRepID(w.repIDs[d.rep]).SetStatus(inquiry.StatusASSIGNED).SetAssignedAt(assignedAt).SetUpdatedAt(assignedAt)
			w.repLoad[d.rep]++
		default:
			b.SetStatus(inquiry.StatusQUEUED)
		}
		ibs = append(ibs, b)
		decisions = append(decisions, d)
		routedPlans = append(routedPlans, q)
	}
	ids, err := bulk(ctx, w.tx.Inquiry.CreateBulk, ibs, func(i *ent.Inquiry) int { return i.ID })
	if err != nil {
		return err
	}
	// The router keeps each assignee's open-inquiry counter; the seed's assignments must count too.
	for i, n := range w.coordLoad {
		if n > 0 {
			if err := w.tx.Coordinator.UpdateOneID(w.coordIDs[i]).SetOpenInquiries(n).Exec(ctx); err != nil {
				return err
			}
		}
	}
	for i, n := range w.repLoad {
		if n > 0 {
			if err := w.tx.SalesRep.UpdateOneID(w.repIDs[i]).SetOpenInquiries(n).Exec(ctx); err != nil {
				return err
			}
		}
	}
	var rbs []*ent.RoutingDecisionCreate
	for i, d := range decisions {
		q := routedPlans[i]
		b := w.tx.RoutingDecision.Create().SetAgencyID(w.agencyID).SetInquiryID(ids[i]).
			SetAction(d.action).SetReason(d.reason).SetCreatedAt(q.created.Add(time.Minute))
		b.SetCandidates(d.cands)
		if d.coord >= 0 {
			b.SetChosenCoordinatorID(w.coordIDs[d.coord])
		}
		if d.rep >= 0 {
			b.SetChosenSalesRepID(w.repIDs[d.rep])
		}
		rbs = append(rbs, b)
	}
	if _, err = bulk(ctx, w.tx.RoutingDecision.CreateBulk, rbs, func(r *ent.RoutingDecision) int { return r.ID }); err != nil {
		return err
	}
	// The e-mailed general question has a follow-up in its thread; the demo registrant's question
	// about the predecessor is still waiting for its answer.
	var mbs []*ent.InquiryMessageCreate
	for i, q := range routedPlans {
		if q.kind == "GENERAL" && q.channel == "EMAIL" {
			r := w.ap.registrants[q.reg]
			mbs = append(mbs, w.tx.InquiryMessage.Create().SetAgencyID(w.agencyID).SetInquiryID(ids[i]).
				SetFromStaff(false).SetAuthorName(r.name.family+" "+r.name.given).
				SetBody("追記です。平日の午前中でしたらお電話に出られます。").SetCreatedAt(q.created.Add(20*time.Minute)))
		}
	}
	_, err = bulk(ctx, w.tx.InquiryMessage.CreateBulk, mbs, func(m *ent.InquiryMessage) int { return m.ID })
	return err
}

// routed is the routing decision of one demo inquiry; coord and rep index the chosen staff (-1: none).
type routed struct {
	action     routingdecision.Action
	coord, rep int
	cands      []record.Candidate
	reason     string
}

// route decides a demo inquiry the way §5.1–5.2 describe, and explains it.
func (w *writer) route(q inquiryPlan) routed {
	sp := w.ap.spec
	r := w.ap.registrants[q.reg]
	cats := r.desired
	if q.post >= 0 {
		cats = []string{w.ap.postings[q.post].category}
	}
	out := routed{coord: -1, rep: -1}
	if q.queued {
		out.action = routingdecision.ActionQUEUE
		out.reason = "対応可能な担当者がいないためキューで待機（受付時点で全員が対応上限またはシフト外）"
		if sp.mode == "COORDINATOR" {
			for i, c := range sp.coordinators {
				out.cands = append(out.cands, record.Candidate{Kind: "COORDINATOR", ID: w.coordIDs[i], Name: c.name, Excluded: pick(w.p, []string{"対応上限に到達", "シフト外"})})
			}
		} else {
			for _, i := range w.accountReps {
				out.cands = append(out.cands, record.Candidate{Kind: "SALES_REP", ID: w.repIDs[i], Name: sp.salesReps[i].name, Excluded: pick(w.p, []string{"対応上限に到達", "シフト外"})})
			}
		}
		return out
	}
	out.action = routingdecision.ActionASSIGN
	score := func(specialties, regions []string, load, capacity int) (float64, map[string]float64) {
		comp := map[string]float64{"continuity": 0, "specialty": 0, "region": 0, "load": float64(load)}
		for _, c := range cats {
			if slices.Contains(specialties, c) {
				comp["specialty"] = 1
			}
		}
		if slices.Contains(regions, r.pref) {
			comp["region"] = 1
		}
		s := 3*comp["specialty"] + 2*comp["region"] + 1 - float64(load)/float64(max(capacity, 1))
		return s, comp
	}
	explain := func(name string, comp map[string]float64) string {
		var why []string
		if comp["specialty"] > 0 {
			why = append(why, "専門分野一致（"+strings.Join(cats, "・")+"）")
		}
		if comp["region"] > 0 {
			why = append(why, "担当地域一致（"+r.pref+"）")
		}
		why = append(why, fmt.Sprintf("対応中%d件", int(comp["load"])))
		return name + "に割当: " + strings.Join(why, "、")
	}

	if sp.mode == "COORDINATOR" {
		best, bestScore := -1, 0.0
		for i, c := range sp.coordinators {
			s, comp := score(c.specialties, c.regions, w.coordLoad[i], c.capacity)
			out.cands = append(out.cands, record.Candidate{Kind: "COORDINATOR", ID: w.coordIDs[i], Name: c.name, Score: s, Components: comp})
			if best < 0 || s > bestScore {
				best, bestScore = i, s
			}
		}
		out.coord = best
		out.reason = "COORDINATORモード: " + explain(sp.coordinators[best].name, out.cands[best].Components)
		return out
	}

	// DIRECT mode
	switch {
	case q.post >= 0:
		i := w.accountRep(w.ap.postings[q.post].rep)
		out.rep = i
		out.cands = []record.Candidate{{Kind: "SALES_REP", ID: w.repIDs[i], Name: sp.salesReps[i].name, Score: 1, Components: map[string]float64{"posting_owner": 1}}}
		out.reason = "DIRECTモード: 案件の担当営業（" + sp.salesReps[i].name + "）に割当"
	case w.latestAssignmentRep(q.reg) >= 0:
		i := w.latestAssignmentRep(q.reg)
		out.rep = i
		out.cands = []record.Candidate{{Kind: "SALES_REP", ID: w.repIDs[i], Name: sp.salesReps[i].name, Score: 1, Components: map[string]float64{"latest_assignment": 1}}}
		out.reason = "DIRECTモード: 直近の就業先の担当営業（" + sp.salesReps[i].name + "）に割当"
	default: // the job-introduction desk: the pool of account reps
		best, bestScore, bestK := -1, 0.0, -1
		for k, i := range w.accountReps {
			s, comp := score(sp.salesReps[i].specialties, nil, w.repLoad[i], sp.salesReps[i].capacity)
			out.cands = append(out.cands, record.Candidate{Kind: "SALES_REP", ID: w.repIDs[i], Name: sp.salesReps[i].name, Score: s, Components: comp})
			if best < 0 || s > bestScore {
				best, bestScore, bestK = i, s, k
			}
		}
		out.rep = best
		out.reason = "DIRECTモード（お仕事紹介窓口）: " + explain(sp.salesReps[best].name, out.cands[bestK].Components)
	}
	return out
}

func (w *writer) contactLogs(ctx context.Context) error {
	ap := w.ap
	lb, pb := w.lastBusinessDay, w.prevBusinessDay
	// the demo staff login that owns the callbacks
	staff := w.accounts[ap.spec.salesReps[w.accountRep(0)].email]
	if len(ap.spec.coordinators) > 0 {
		staff = w.accounts[ap.spec.coordinators[0].email]
	}
	feat := ap.registrants[0]
	var featEnd time.Time
	for _, a := range ap.assignments {
		if a.reg == 0 && a.end.After(featEnd) {
			featEnd = a.end
		}
	}
	type logPlan struct {
		reg       int
		channel   contactlog.Channel
		direction contactlog.Direction
		outcome   contactlog.Outcome
		at        time.Time
		callback  *time.Time
		done      bool
		note      string
	}
	missed := clock(lb, 18, 20)
	noAnswer := clock(lb, 11, 0)
	voicemail := clock(w.p.addBusinessDays(lb, -3), 16, 30)
	logs := []logPlan{
		{reg: 3, channel: contactlog.ChannelPHONE, direction: contactlog.DirectionINBOUND, outcome: contactlog.OutcomeNO_ANSWER,
			at: missed, callback: new(w.p.nextSlot(missed)), note: "営業時間外に着信あり（留守電なし）。翌営業日に折り返し。"},
		{reg: 0, channel: contactlog.ChannelPHONE, direction: contactlog.DirectionOUTBOUND, outcome: contactlog.OutcomeREACHED,
			at: clock(pb, 14, 0), done: true,
			note: fmt.Sprintf("契約満了（%s）に向けて次の仕事の希望をヒアリング。%s・時給%s円以上・通勤%d分以内を希望。",
				featEnd.Format("1月2日"), strings.Join(feat.desired, "／"), yen(feat.wage), feat.maxCommute)},
		{reg: 6, channel: contactlog.ChannelPHONE, direction: contactlog.DirectionOUTBOUND, outcome: contactlog.OutcomeNO_ANSWER,
			at: noAnswer, callback: new(clock(w.p.addBusinessDays(lb, 2), 11, 0)), note: "職場見学の日程調整で架電、不在。2営業日後に再架電。"},
		{reg: 9, channel: contactlog.ChannelPHONE, direction: contactlog.DirectionOUTBOUND, outcome: contactlog.OutcomeLEFT_VOICEMAIL,
			at: voicemail, callback: new(clock(w.p.addBusinessDays(dateOf(voicemail), 2), 16, 30)), done: true,
			note: "新着案件の紹介で架電、留守電に折り返し依頼を残した。翌日本人より折り返しあり。"},
		{reg: 12, channel: contactlog.ChannelEMAIL, direction: contactlog.DirectionINBOUND, outcome: contactlog.OutcomeREACHED,
			at: clock(lb, 9, 40), done: true, note: "勤怠の修正依頼をメールで受領、対応済み。"},
	}
	var bs []*ent.ContactLogCreate
	for _, l := range logs {
		bs = append(bs, w.tx.ContactLog.Create().SetAgencyID(w.agencyID).SetRegistrantID(w.registrantIDs[l.reg]).
			SetStaffID(staff).SetChannel(l.channel).SetDirection(l.direction).SetOutcome(l.outcome).
			SetNote(l.note).SetOccurredAt(l.at).SetNillableCallbackDueAt(l.callback).SetCallbackDone(l.done))
	}
	_, err := bulk(ctx, w.tx.ContactLog.CreateBulk, bs, func(c *ent.ContactLog) int { return c.ID })
	return err
}

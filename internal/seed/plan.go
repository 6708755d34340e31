package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// The demo data of one agency is planned in memory first (plain structs that refer to each other by
// index), so dates, statuses and headcounts can be made consistent across rows, and only then written.

type clientPlan struct {
	spec        *clientSpec
	legalEntity string
}

type sitePlan struct {
	client    int
	spec      *siteSpec
	loc       location
	conflict  time.Time
	notified  *time.Time
	firstUsed *time.Time // earliest assignment start at the site
}

type unitPlan struct {
	site int
	name string
	cats []string
}

type postingPlan struct {
	unit, rep                int // rep indexes the agency's ACCOUNT reps
	category, typ, vis       string
	status                   string
	title, description       string
	tags, skills             []string
	wage, bill               int
	walk, overtime           int
	bus, discloses           bool
	hours                    string
	start                    time.Time
	duration                 *int
	headcount, repost        int
	dept, reason, atmosphere string
	predecessor              *int
	contact                  string
	created                  time.Time
}

type skillPlan struct {
	name  string
	level int
	years float64
}

type historyPlan struct {
	company, industry, category string
	legalEntity                 *string
	tasks                       string
	tags                        []string
	start                       time.Time
	end                         *time.Time
	kind                        string
}

type registrantPlan struct {
	name                  nameParts
	pref, city, station   string
	phone, email, hours   string
	maxCommute, wage      int
	acceptsBus            bool
	mainCat               string
	desired               []string
	employment            string
	birth                 time.Time
	education             string
	gender                string
	available             *time.Time
	registered            time.Time
	account               string // login e-mail, "" without an account
	skills                []skillPlan
	histories             []historyPlan
	firstActivity         *time.Time
	currentAssign, placed bool
}

type appPlan struct {
	reg, post       int
	status          string
	path            []string
	times           []time.Time
	notes, rejected string
}

type assignmentPlan struct {
	app, reg, post int // app is -1 for renewals
	renewalOf      int // index into assignments, -1 if none
	start, end     time.Time
	wage, bill     int
	status         string
}

type agencyPlan struct {
	spec        *agencySpec
	clients     []clientPlan
	sites       []sitePlan
	units       []unitPlan
	postings    []postingPlan
	registrants []registrantPlan
	apps        []appPlan
	assignments []assignmentPlan
	pairs       map[[2]int]bool // registrant × posting pairs that have an application
}

// planner holds the random source and the date base shared by both agencies.
type planner struct {
	r        *rand.Rand
	today    time.Time // midnight UTC of today's date in Japan
	holidays map[string]bool
}

var jst = time.FixedZone("JST", 9*60*60) // Japan has no daylight saving time

func newPlanner(now time.Time) *planner {
	n := now.In(jst)
	p := &planner{
		r:        rand.New(rand.NewPCG(1, 2)),
		today:    time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC),
		holidays: make(map[string]bool, len(holidays)),
	}
	for _, h := range holidays {
		p.holidays[h] = true
	}
	return p
}

// between returns a uniform int in [lo, hi].
func (p *planner) between(lo, hi int) int { return lo + p.r.IntN(hi-lo+1) }

func (p *planner) chance(f float64) bool { return p.r.Float64() < f }

func pick[T any](p *planner, xs []T) T { return xs[p.r.IntN(len(xs))] }

// subset picks k distinct elements of xs, keeping their order in xs.
func subset[T any](p *planner, xs []T, k int) []T {
	k = min(k, len(xs))
	idx := p.r.Perm(len(xs))[:k]
	slices.Sort(idx)
	out := make([]T, 0, k)
	for _, i := range idx {
		out = append(out, xs[i])
	}
	return out
}

// day returns the date n days from today (midnight UTC).
func (p *planner) day(n int) time.Time { return p.today.AddDate(0, 0, n) }

// clock returns the instant h:m Japan time on the date of day.
func clock(day time.Time, h, m int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, jst).UTC()
}

// officeTime returns a random instant within business hours (9:00–17:59 JST) on the date of day.
func (p *planner) officeTime(day time.Time) time.Time {
	return clock(day, p.between(9, 17), p.between(0, 59))
}

func dateOf(t time.Time) time.Time {
	t = t.In(jst)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (p *planner) businessDay(d time.Time) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !p.holidays[d.Format(time.DateOnly)]
}

// addBusinessDays moves n business days from the date d (n may be negative).
func (p *planner) addBusinessDays(d time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if p.businessDay(d) {
			n--
		}
	}
	return d
}

// nextSlot returns t if it falls within business hours (9:00–18:00 JST on a business day), else the
// opening of the next business day.
func (p *planner) nextSlot(t time.Time) time.Time {
	d := dateOf(t)
	if p.businessDay(d) && !t.Before(clock(d, 9, 0)) && t.Before(clock(d, 18, 0)) {
		return t
	}
	if p.businessDay(d) && t.Before(clock(d, 9, 0)) {
		return clock(d, 9, 0)
	}
	return clock(p.addBusinessDays(d, 1), 9, 0)
}

// addBusinessMinutes adds minutes of business time (9:00–18:00 JST on business days) to t.
func (p *planner) addBusinessMinutes(t time.Time, minutes int) time.Time {
	t = p.nextSlot(t)
	for {
		closing := clock(dateOf(t), 18, 0)
		left := int(closing.Sub(t) / time.Minute)
		if minutes < left {
			return t.Add(time.Duration(minutes) * time.Minute)
		}
		minutes -= left
		t = clock(p.addBusinessDays(dateOf(t), 1), 9, 0)
	}
}

// yen formats an amount with thousands separators, e.g. 1,650.
func yen(v int) string {
	s := fmt.Sprint(v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func roundTo(v, unit int) int { return (v + unit/2) / unit * unit }

// legalEntityNumber returns a 13-digit 法人番号 with a valid check digit.
func (p *planner) legalEntityNumber() string {
	base := make([]int, 12)
	base[0] = p.between(1, 9)
	for i := 1; i < 12; i++ {
		base[i] = p.r.IntN(10)
	}
	sum := 0
	for n := 1; n <= 12; n++ { // n counts from the least significant digit
		q := 1
		if n%2 == 0 {
			q = 2
		}
		sum += base[12-n] * q
	}
	var b strings.Builder
	b.WriteString(fmt.Sprint(9 - sum%9))
	for _, d := range base {
		b.WriteString(fmt.Sprint(d))
	}
	return b.String()
}

func (p *planner) phone(area string) string {
	switch len(area) {
	case 2:
		return fmt.Sprintf("%s-%04d-%04d", area, p.between(1000, 9999), p.r.IntN(10000))
	case 3:
		return fmt.Sprintf("%s-%03d-%04d", area, p.between(200, 999), p.r.IntN(10000))
	default:
		return fmt.Sprintf("%s-%02d-%04d", area, p.between(20, 99), p.r.IntN(10000))
	}
}

// plan builds the whole data set of one agency.
func (p *planner) plan(spec *agencySpec) (*agencyPlan, error) {
	ap := &agencyPlan{spec: spec, pairs: map[[2]int]bool{}}
	if err := p.planClients(ap); err != nil {
		return nil, err
	}
	if err := p.planPostings(ap); err != nil {
		return nil, err
	}
	p.planRegistrants(ap)
	// the featured registrant wants a little more than the current assignment pays
	ap.registrants[0].wage = roundTo(ap.postings[0].wage+100, 50)
	p.planPlacements(ap)
	if err := p.planApplications(ap); err != nil {
		return nil, err
	}
	p.finish(ap)
	return ap, nil
}

func (p *planner) planClients(ap *agencyPlan) error {
	for ci := range ap.spec.clients {
		cs := &ap.spec.clients[ci]
		ap.clients = append(ap.clients, clientPlan{spec: cs, legalEntity: p.legalEntityNumber()})
		for si := range cs.sites {
			ss := &cs.sites[si]
			loc, ok := locations[ss.loc]
			if !ok {
				return fmt.Errorf("seed: unknown location %q", ss.loc)
			}
			ap.sites = append(ap.sites, sitePlan{client: ci, spec: ss, loc: loc})
			for _, u := range ss.units {
				cats, ok := unitCategories[u]
				if !ok {
					return fmt.Errorf("seed: org unit %q has no job categories", u)
				}
				ap.units = append(ap.units, unitPlan{site: len(ap.sites) - 1, name: u, cats: cats})
			}
		}
	}
	return nil
}

// unitIndex finds the unit-th org unit of the site-th site of the client-th client.
func (ap *agencyPlan) unitIndex(client, site, unit int) (int, error) {
	si := -1
	for i := range ap.sites {
		if ap.sites[i].client != client {
			continue
		}
		if si++; si != site {
			continue
		}
		ui := -1
		for j := range ap.units {
			if ap.units[j].site == i {
				if ui++; ui == unit {
					return j, nil
				}
			}
		}
	}
	return 0, fmt.Errorf("seed: agency %s has no org unit %d/%d/%d", ap.spec.slug, client, site, unit)
}

func (ap *agencyPlan) siteOf(post int) *sitePlan {
	return &ap.sites[ap.units[ap.postings[post].unit].site]
}

const postingsPerAgency = 50

func (p *planner) planPostings(ap *agencyPlan) error {
	feat := ap.spec.featured
	featUnit, err := ap.unitIndex(feat.client, feat.site, feat.unit)
	if err != nil {
		return err
	}
	if !slices.Contains(ap.units[featUnit].cats, feat.category) {
		return fmt.Errorf("seed: featured org unit %s does not hire %s", ap.units[featUnit].name, feat.category)
	}

	statuses := []string{}
	for _, s := range []struct {
		status string
		n      int
	}{{"OPEN", 32}, {"DRAFT", 4}, {"PAUSED", 3}, {"FILLED", 5}, {"CLOSED", 4}} {
		for range s.n {
			statuses = append(statuses, s.status)
		}
	}
	p.r.Shuffle(len(statuses), func(i, j int) { statuses[i], statuses[j] = statuses[j], statuses[i] })
	vis := make([]string, 0, len(statuses))
	for i := range statuses {
		if i < 34 {
			vis = append(vis, "PUBLIC")
		} else {
			vis = append(vis, "NON_PUBLIC")
		}
	}
	p.r.Shuffle(len(vis), func(i, j int) { vis[i], vis[j] = vis[j], vis[i] })

	// the second featured posting: same category as the featured registrant, another org unit
	otherUnit := -1
	for _, u := range p.r.Perm(len(ap.units)) {
		if u != featUnit && slices.Contains(ap.units[u].cats, feat.category) {
			otherUnit = u
			break
		}
	}
	if otherUnit < 0 {
		return fmt.Errorf("seed: agency %s has a single org unit hiring %s", ap.spec.slug, feat.category)
	}
	unitOrder := p.r.Perm(len(ap.units))
	for i := range postingsPerAgency {
		var unit int
		var cat, status, visibility string
		switch {
		case i == 0:
			unit, cat, status, visibility = featUnit, feat.category, "FILLED", "PUBLIC"
		case i == 1:
			unit, cat, status, visibility = otherUnit, feat.category, "OPEN", "PUBLIC"
		default:
			unit = unitOrder[i%len(unitOrder)]
			cat = pick(p, ap.units[unit].cats)
			status, visibility = statuses[i-2], vis[i-2]
		}
		ap.postings = append(ap.postings, p.posting(ap, unit, cat, status, visibility))
	}
	return nil
}

func (p *planner) posting(ap *agencyPlan, unit int, cat, status, visibility string) postingPlan {
	c := categories[cat]
	u := ap.units[unit]
	site := ap.sites[u.site]
	loc := site.loc
	pp := postingPlan{
		unit: unit, rep: ap.clients[site.client].spec.accountRep, category: cat, typ: "DISPATCH", vis: visibility, status: status,
		hours: pick(p, c.hours), headcount: 1,
	}
	switch {
	case loc.suburban && p.chance(0.55):
		pp.bus, pp.walk = true, p.between(20, 35)
	case loc.suburban:
		pp.walk = p.between(10, 18)
	default:
		pp.walk = p.between(2, 10)
	}
	pp.wage = roundTo(p.between(c.wageMin, c.wageMax), 10)
	if pp.bus && p.chance(0.5) { // the classic hard-to-fill posting: bus commute and a low wage
		pp.wage = c.wageMin
	}
	pp.wage = min(max(pp.wage, 1150), 2300)
	pp.bill = roundTo(pp.wage*p.between(135, 160)/100, 10)
	if c.office && p.chance(0.22) {
		pp.typ = "TEMP_TO_PERM"
		pp.duration = new(6)
	} else if d := pick(p, []int{3, 3, 6, 6, 12, 0}); d > 0 {
		pp.duration = new(d)
	}
	if c.office {
		pp.overtime = pick(p, []int{0, 5, 10, 10, 15, 20})
	} else {
		pp.overtime = pick(p, []int{0, 5, 10, 15})
		if p.chance(0.4) {
			pp.headcount = p.between(2, 3)
		}
	}
	pp.tags = subset(p, c.tags, p.between(3, 5))
	pp.skills = subset(p, c.skills, p.between(0, 2))
	pp.discloses = p.chance(0.1)

	pp.reason = pick(p, hiringReasons)
	switch {
	case strings.Contains(pp.reason, "短期"):
		pp.predecessor = new(p.between(1, 2))
	case strings.Contains(pp.reason, "増員"):
		// no predecessor
	default:
		pp.predecessor = new(p.between(4, 36))
	}
	if pp.bus || (pp.predecessor != nil && *pp.predecessor < 3) {
		if p.chance(0.6) {
			pp.repost = p.between(1, 3)
		}
	} else if p.chance(0.05) {
		pp.repost = 1
	}
	staffN, tempN := p.between(3, 15), p.between(1, 6)
	pp.dept = fmt.Sprintf("%s %s（社員%d名・派遣スタッフ%d名）。指揮命令者は%s課長。",
		site.spec.name, u.name, staffN, tempN, pick(p, contactPeople))
	pp.atmosphere = pick(p, atmosphereNotes)
	pp.contact = fmt.Sprintf("%s %s様（%s）", u.name, pick(p, contactPeople), p.phone(loc.phoneArea))

	access := fmt.Sprintf("徒歩%d分", pp.walk)
	if pp.bus {
		access = "からバス"
	}
	title := pick(p, c.titles) + "／" + loc.station + "駅" + access
	if pp.typ == "TEMP_TO_PERM" {
		title = "【紹介予定派遣】" + title
	}
	pp.title = title

	var d strings.Builder
	fmt.Fprintf(&d, "【仕事内容】\n%s\n\n【具体的には】\n", c.duties)
	for _, t := range pp.tags {
		fmt.Fprintf(&d, "・%s\n", t)
	}
	d.WriteString("\n【必須スキル・資格】\n")
	if len(pp.skills) == 0 {
		d.WriteString("特になし（未経験の方も歓迎）\n")
	} else {
		fmt.Fprintf(&d, "%s\n", strings.Join(pp.skills, "、"))
	}
	fmt.Fprintf(&d, "\n【勤務地】\n%s%s（%s駅%s）\n\n【勤務時間】\n%s", loc.pref, loc.city, loc.station, access, pp.hours)
	if pp.overtime > 0 {
		fmt.Fprintf(&d, "（残業 月平均%d時間程度）", pp.overtime)
	} else {
		d.WriteString("（残業ほぼなし）")
	}
	if pp.typ == "TEMP_TO_PERM" {
		d.WriteString("\n\n※紹介予定派遣です。派遣期間（最長6ヶ月）終了後、双方合意のうえ直接雇用となります。")
	}
	pp.description = d.String()
	return pp
}

const registrantsPerAgency = 50

// registrants 0..appRegistrants-1 take part in applications; the rest registered but never applied.
const appRegistrants = 40

func (p *planner) planRegistrants(ap *agencyPlan) {
	combos := p.r.Perm(len(familyNames) * len(givenNames))
	totalW := 0
	for _, w := range ap.spec.prefs {
		totalW += w.weight
	}
	feat := ap.spec.featured
	for i := range registrantsPerAgency {
		var rp registrantPlan
		if i == 0 {
			rp.name, rp.mainCat, rp.pref = feat.name, feat.category, feat.pref
			rp.account = "registrant@" + ap.spec.slug + ".example"
		} else {
			f, g := familyNames[combos[i]/len(givenNames)], givenNames[combos[i]%len(givenNames)]
			rp.name = nameParts{f[0], f[1], f[2], g[0], g[1], g[2], g[3]}
			post := ap.postings[p.r.IntN(len(ap.postings))]
			rp.mainCat = post.category
			if p.chance(0.65) {
				rp.pref = ap.sites[ap.units[post.unit].site].loc.pref
			} else {
				w := p.r.IntN(totalW)
				for _, pw := range ap.spec.prefs {
					if w < pw.weight {
						rp.pref = pw.pref
						break
					}
					w -= pw.weight
				}
			}
		}
		area := pick(p, homeAreas[rp.pref])
		rp.city, rp.station = area[0], area[1]
		c := categories[rp.mainCat]
		rp.desired = append([]string{rp.mainCat}, subset(p, c.related, p.between(0, 2))...)
		rp.wage = roundTo(p.between(c.wageMin, c.wageMax+100), 50)
		rp.maxCommute = pick(p, []int{30, 45, 60, 60, 75, 90})
		rp.acceptsBus = i == 0 || p.chance(0.7)
		rp.employment = "FIXED_TERM"
		if i != 0 && p.chance(0.12) {
			rp.employment = "INDEFINITE"
		}
		age := p.between(22, 57)
		switch {
		case i == 0:
			age = feat.age
		case i == registrantsPerAgency-3 || i == registrantsPerAgency-2 || i == appRegistrants-1:
			age = p.between(60, 64) // 60+: dispatch-law exemptions apply
		}
		rp.birth = p.today.AddDate(-age, 0, -p.between(1, 360))
		rp.education = pick(p, educations)
		rp.gender = rp.name.gender
		if i != 0 && p.chance(0.05) {
			rp.gender = "UNDISCLOSED"
		}
		rp.phone = fmt.Sprintf("090-%04d-%04d", p.between(1000, 9999), p.r.IntN(10000))
		if i == 0 {
			rp.email = fmt.Sprintf("%s.%s@example.jp", rp.name.givenRomaji, rp.name.familyRomaji)
		} else {
			rp.email = fmt.Sprintf("%s.%s%02d@example.jp", rp.name.givenRomaji, rp.name.familyRomaji, i)
		}
		rp.hours = pick(p, contactHours)

		pool := sortedUnique(append(slices.Clone(c.skills), generalSkills...))
		names := subset(p, pool, p.between(1, 4))
		if i == 0 { // the featured registrant has the category's key skills
			key := slices.Clone(c.skills[:2])
			for _, n := range names {
				if len(key) < 4 && !slices.Contains(key, n) {
					key = append(key, n)
				}
			}
			names = key
		}
		for _, n := range names {
			rp.skills = append(rp.skills, skillPlan{name: n, level: p.between(1, 5), years: float64(p.between(1, 20)) / 2})
		}
		ap.registrants = append(ap.registrants, rp)
	}
}

var historyNotes = []string{"", "", "1日あたり約100件を処理。", "後任への引継ぎ資料も作成。", "リーダー補佐として新人教育も担当。", "繁忙期は残業月20時間程度。"}

func sortedUnique(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// planPlacements picks the PLACED applications and plans their assignments (and renewals).
func (p *planner) planPlacements(ap *agencyPlan) {
	type placement struct{ reg, post int }
	placements := []placement{{0, 0}}
	ap.registrants[0].placed = true

	var filled, open []int
	for i := 1; i < len(ap.postings); i++ {
		if ap.siteOf(i).spec.noNotice || i == 1 {
			continue
		}
		switch ap.postings[i].status {
		case "FILLED":
			filled = append(filled, i)
		case "OPEN":
			open = append(open, i)
		}
	}
	p.r.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
	targets := append(filled, open...)

	regOrder := p.r.Perm(appRegistrants - 1)
	chooseReg := func(cat string) int {
		best := -1
		for pass := 0; pass < 3 && best < 0; pass++ {
			for _, ri := range regOrder {
				r := &ap.registrants[ri+1]
				if r.placed {
					continue
				}
				if pass == 0 && r.mainCat != cat || pass == 1 && !slices.Contains(r.desired, cat) {
					continue
				}
				best = ri + 1
				break
			}
		}
		return best
	}
	const placed = 17
	for _, post := range targets {
		if len(placements) == placed {
			break
		}
		r := chooseReg(ap.postings[post].category)
		if r < 0 {
			break
		}
		ap.registrants[r].placed = true
		placements = append(placements, placement{r, post})
	}

	kinds := []string{"endedRenewed", "endedRenewed", "activeRenewed", "ended", "ended", "ended",
		"active", "active", "active", "active", "active", "active", "active", "active", "scheduled", "scheduled"}
	p.r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })

	var renewals []assignmentPlan
	for i, pl := range placements {
		post := &ap.postings[pl.post]
		a := assignmentPlan{app: -1, reg: pl.reg, post: pl.post, renewalOf: -1, wage: post.wage, bill: post.bill}
		kind := "featured"
		if i > 0 {
			kind = kinds[(i-1)%len(kinds)]
		}
		switch kind {
		case "featured":
			a.end = p.day(20)
			a.start = a.end.AddDate(0, -6, 1)
			a.status = "ACTIVE"
		case "active":
			a.start = p.day(-p.between(20, 200))
			m := 3
			for a.end = a.start.AddDate(0, m, -1); a.end.Before(p.day(10)); a.end = a.start.AddDate(0, m, -1) {
				m += 3
			}
			a.status = "ACTIVE"
		case "scheduled":
			a.start = p.day(p.between(7, 30))
			a.end = a.start.AddDate(0, 3, -1)
			a.status = "SCHEDULED"
		case "ended":
			a.end = p.day(-p.between(15, 90))
			a.start = a.end.AddDate(0, -p.between(3, 9), 1)
			a.status = "ENDED"
		case "endedRenewed", "activeRenewed":
			if kind == "endedRenewed" {
				a.end = p.day(-p.between(10, 60))
				a.status = "ENDED"
			} else {
				a.end = p.day(p.between(5, 25))
				a.status = "ACTIVE"
			}
			a.start = a.end.AddDate(0, -6, 1)
			rs := a.end.AddDate(0, 0, 1)
			rn := assignmentPlan{app: -1, reg: pl.reg, post: pl.post, renewalOf: len(ap.assignments),
				start: rs, end: rs.AddDate(0, pick(p, []int{3, 6}), -1), wage: a.wage + 50, bill: a.bill + 70}
			if rs.After(p.today) {
				rn.status = "SCHEDULED"
			} else {
				rn.status = "ACTIVE"
			}
			renewals = append(renewals, rn)
		}
		// the placement application is planned here; its events end a few days before the start
		placedAt := p.officeTime(minTime(a.start.AddDate(0, 0, -p.between(3, 10)), p.day(-1)))
		app := p.application(ap, pl.reg, pl.post, "PLACED", placedAt)
		a.app = len(ap.apps)
		ap.apps = append(ap.apps, app)
		ap.assignments = append(ap.assignments, a)
	}
	ap.assignments = append(ap.assignments, renewals...)
	for _, a := range ap.assignments {
		r := &ap.registrants[a.reg]
		if a.status == "ACTIVE" || a.status == "SCHEDULED" {
			r.currentAssign = true
		}
		site := ap.siteOf(a.post)
		if site.firstUsed == nil || a.start.Before(*site.firstUsed) {
			site.firstUsed = new(a.start)
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// statusPath is the §7.1 path from APPLIED to status.
func statusPath(status string) []string {
	switch status {
	case "APPLIED":
		return []string{"APPLIED"}
	case "SCREENING":
		return []string{"APPLIED", "SCREENING"}
	case "SCREENING_PASSED", "SCREENING_REJECTED":
		return []string{"APPLIED", "SCREENING", status}
	case "CLIENT_MEETING":
		return []string{"APPLIED", "SCREENING", "SCREENING_PASSED", "CLIENT_MEETING"}
	case "OFFERED", "CLIENT_REJECTED":
		return []string{"APPLIED", "SCREENING", "SCREENING_PASSED", "CLIENT_MEETING", status}
	case "ACCEPTED", "DECLINED":
		return []string{"APPLIED", "SCREENING", "SCREENING_PASSED", "CLIENT_MEETING", "OFFERED", status}
	case "PLACED":
		return []string{"APPLIED", "SCREENING", "SCREENING_PASSED", "CLIENT_MEETING", "OFFERED", "ACCEPTED", "PLACED"}
	case "WITHDRAWN":
		return []string{"APPLIED", "SCREENING", "WITHDRAWN"}
	}
	panic("seed: unknown application status " + status)
}

func terminal(status string) bool {
	switch status {
	case "SCREENING_REJECTED", "WITHDRAWN", "DECLINED", "CLIENT_REJECTED":
		return true
	}
	return false
}

// application plans one application whose last event happens at last.
func (p *planner) application(ap *agencyPlan, reg, post int, status string, last time.Time) appPlan {
	path := statusPath(status)
	times := make([]time.Time, len(path))
	times[len(path)-1] = last
	for i := len(path) - 2; i >= 0; i-- {
		times[i] = p.officeTime(dateOf(times[i+1]).AddDate(0, 0, -p.between(1, 4)))
	}
	a := appPlan{reg: reg, post: post, status: status, path: path, times: times}
	pp, r := &ap.postings[post], &ap.registrants[reg]
	switch status {
	case "SCREENING_REJECTED":
		reasons := []string{
			fmt.Sprintf("実務経験が要件に満たない（%sの経験なし）", pick(p, pp.tags)),
			"通勤時間が本人希望を大きく超えるため",
			"希望時給と案件の時給が合わない",
		}
		if len(pp.skills) > 0 {
			reasons = append(reasons, fmt.Sprintf("必須資格・スキル（%s）の要件を満たさない", pp.skills[0]))
		}
		a.rejected = pick(p, reasons)
	case "CLIENT_REJECTED":
		a.rejected = pick(p, []string{
			"面接結果：他の候補者を優先",
			fmt.Sprintf("面接結果：%sの経験年数が不足", pick(p, pp.tags)),
			"面接結果：勤務開始日が合わない",
		})
	}
	if p.chance(0.4) || status == "PLACED" {
		a.notes = fmt.Sprintf("%s経験あり。希望時給%s円、通勤%d分以内。", r.mainCat, yen(r.wage), r.maxCommute)
		if status == "PLACED" {
			a.notes += "就業条件明示書を交付済み。"
		}
	}
	ap.pairs[[2]int{reg, post}] = true
	for _, t := range times {
		r := &ap.registrants[reg]
		if r.firstActivity == nil || t.Before(*r.firstActivity) {
			r.firstActivity = new(t)
		}
	}
	return a
}

func (p *planner) planApplications(ap *agencyPlan) error {
	type want struct {
		status string
		n      int
	}
	var statuses []string
	for _, w := range []want{{"APPLIED", 9}, {"SCREENING", 6}, {"SCREENING_PASSED", 3}, {"SCREENING_REJECTED", 5},
		{"CLIENT_MEETING", 4}, {"OFFERED", 3}, {"ACCEPTED", 2}, {"WITHDRAWN", 3}, {"DECLINED", 2}, {"CLIENT_REJECTED", 3}} {
		for range w.n {
			statuses = append(statuses, w.status)
		}
	}
	p.r.Shuffle(len(statuses), func(i, j int) { statuses[i], statuses[j] = statuses[j], statuses[i] })

	eligible := func(status string, post int) bool {
		pp := ap.postings[post]
		reachesOffer := status == "OFFERED" || status == "ACCEPTED" || status == "DECLINED"
		if reachesOffer && ap.siteOf(post).spec.noNotice {
			return false // the missing conflict-date notice blocks an offer (§6.2)
		}
		if status == "CLIENT_REJECTED" && pp.typ != "TEMP_TO_PERM" {
			return false // only TEMP_TO_PERM postings have a client interview that can reject (§6.5)
		}
		switch pp.status {
		case "DRAFT":
			return false
		case "OPEN":
			return true
		case "PAUSED":
			return status == "APPLIED" || status == "SCREENING" || status == "SCREENING_PASSED" || terminal(status)
		default: // FILLED, CLOSED
			return terminal(status)
		}
	}
	lastTime := func() time.Time { return p.officeTime(p.day(-p.between(1, 14))) }

	// the featured registrant: applied to the other featured posting, passed screening elsewhere, withdrew once
	feat := &ap.registrants[0]
	ap.apps = append(ap.apps, p.application(ap, 0, 1, "APPLIED", p.officeTime(p.day(-2))))
	for _, st := range []string{"SCREENING_PASSED", "WITHDRAWN"} {
		found := false
		for pass := 0; pass < 2 && !found; pass++ {
			for _, post := range p.r.Perm(len(ap.postings)) {
				if post > 1 && !ap.pairs[[2]int{0, post}] && eligible(st, post) && ap.postings[post].status == "OPEN" &&
					(pass > 0 || slices.Contains(feat.desired, ap.postings[post].category)) {
					ap.apps = append(ap.apps, p.application(ap, 0, post, st, lastTime()))
					found = true
					break
				}
			}
		}
		if !found {
			return fmt.Errorf("seed: no posting for the featured registrant's %s application", st)
		}
	}

	for _, st := range statuses {
		ok := false
		for attempt := 0; attempt < 200 && !ok; attempt++ {
			reg := p.between(1, appRegistrants-1)
			r := &ap.registrants[reg]
			if !terminal(st) && r.currentAssign {
				continue
			}
			strict := attempt < 150 // prefer postings in the registrant's desired categories
			for _, post := range p.r.Perm(len(ap.postings)) {
				if ap.pairs[[2]int{reg, post}] || !eligible(st, post) ||
					strict && !slices.Contains(r.desired, ap.postings[post].category) {
					continue
				}
				ap.apps = append(ap.apps, p.application(ap, reg, post, st, lastTime()))
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("seed: no registrant × posting left for a %s application", st)
		}
	}
	return nil
}

// finish settles what depends on everything else: posting headcounts, start dates and statuses,
// site conflict dates, registration dates, availability and work histories.
func (p *planner) finish(ap *agencyPlan) {
	firstApp := make([]*time.Time, len(ap.postings))
	for _, a := range ap.apps {
		if f := firstApp[a.post]; f == nil || a.times[0].Before(*f) {
			firstApp[a.post] = new(a.times[0])
		}
	}
	current := make([]int, len(ap.postings))
	earliest := make([]*time.Time, len(ap.postings))
	for _, a := range ap.assignments {
		if a.status == "ACTIVE" || a.status == "SCHEDULED" {
			current[a.post]++
		}
		if e := earliest[a.post]; a.renewalOf < 0 && (e == nil || a.start.Before(*e)) {
			earliest[a.post] = new(a.start)
		}
	}
	for i := range ap.postings {
		pp := &ap.postings[i]
		switch {
		case pp.status == "FILLED" && current[i] == 0:
			pp.status = "CLOSED"
		case pp.status == "FILLED":
			pp.headcount = current[i]
		case pp.status == "OPEN" && current[i] > 0:
			pp.headcount = current[i] + p.between(1, 2)
		}
		if earliest[i] != nil {
			pp.start = *earliest[i]
		} else {
			pp.start = p.day(p.between(0, 60))
		}
		created := p.day(-p.between(2, 60))
		if pp.status == "DRAFT" {
			created = p.day(-p.between(1, 5))
		}
		if firstApp[i] != nil {
			created = minTime(created, dateOf(*firstApp[i]).AddDate(0, 0, -p.between(3, 20)))
		}
		if earliest[i] != nil {
			created = minTime(created, earliest[i].AddDate(0, 0, -p.between(20, 40)))
		}
		pp.created = p.officeTime(created)
	}

	for i := range ap.sites {
		s := &ap.sites[i]
		first := p.day(-p.between(60, 700))
		if s.firstUsed != nil {
			first = minTime(first, s.firstUsed.AddDate(0, 0, -p.between(0, 90)))
		}
		s.conflict = first.AddDate(3, 0, 0) // 3 years after the first dispatch to the site
		if s.conflict.Before(p.day(365)) {
			s.conflict = p.day(p.between(365, 450))
		}
		if !s.spec.noNotice {
			s.notified = new(first.AddDate(0, 0, -p.between(7, 30)))
		}
	}

	lastEnd := make([]*time.Time, len(ap.registrants))
	firstStart := make([]*time.Time, len(ap.registrants))
	for _, a := range ap.assignments {
		if e := lastEnd[a.reg]; e == nil || a.end.After(*e) {
			lastEnd[a.reg] = new(a.end)
		}
		if s := firstStart[a.reg]; s == nil || a.start.Before(*s) {
			firstStart[a.reg] = new(a.start)
		}
	}
	for i := range ap.registrants {
		r := &ap.registrants[i]
		reg := p.day(-p.between(30, 900))
		if r.firstActivity != nil {
			reg = minTime(reg, dateOf(*r.firstActivity).AddDate(0, 0, -p.between(5, 120)))
		}
		r.registered = p.officeTime(reg)
		switch {
		case r.currentAssign:
			r.available = new(lastEnd[i].AddDate(0, 0, 1))
		case p.chance(0.6):
			r.available = new(p.day(p.between(0, 45)))
		}
		anchor := dateOf(r.registered).AddDate(0, 0, -p.between(0, 60))
		if firstStart[i] != nil {
			anchor = minTime(anchor, firstStart[i].AddDate(0, 0, -p.between(1, 30)))
		}
		p.histories(ap, i, anchor)
	}

	// a few registrants who never applied worked at a client before: two were employed there directly
	// (one of them within the last year, which blocks dispatching them there, §6.3), two were dispatched
	for k, ri := range []int{appRegistrants, appRegistrants + 1, appRegistrants + 2, appRegistrants + 3} {
		r := &ap.registrants[ri]
		h := &r.histories[0]
		ci := p.r.IntN(len(ap.clients))
		for _, c := range p.r.Perm(len(ap.clients)) {
			if p.clientHires(ap, c, h.category) {
				ci = c
				break
			}
		}
		c := ap.clients[ci]
		r.histories = r.histories[:1]
		h.company, h.industry, h.legalEntity = c.spec.name, c.spec.industry, new(c.legalEntity)
		switch k {
		case 0:
			h.kind = "DIRECT_EMPLOYMENT"
			h.end = new(p.day(-p.between(150, 240)))
			h.start = h.end.AddDate(-3, 0, 1)
			r.registered = p.officeTime(h.end.AddDate(0, 0, p.between(10, 40)))
		case 1:
			h.kind = "DIRECT_EMPLOYMENT"
			h.end = new(p.day(-p.between(800, 1200)))
			h.start = h.end.AddDate(-4, 0, 1)
		default:
			h.kind = "DISPATCHED"
			h.end = new(p.day(-p.between(60, 400)))
			h.start = h.end.AddDate(-p.between(1, 2), 0, 1)
		}
	}
}

func (p *planner) clientHires(ap *agencyPlan, client int, cat string) bool {
	for _, u := range ap.units {
		if ap.sites[u.site].client == client && slices.Contains(u.cats, cat) {
			return true
		}
	}
	return false
}

// histories plans 1–3 past jobs, the latest ending at anchor, each earlier one before the next.
func (p *planner) histories(ap *agencyPlan, ri int, anchor time.Time) {
	r := &ap.registrants[ri]
	adult := r.birth.AddDate(18, 0, 0)
	end := anchor
	n := p.between(1, 3)
	for k := range n {
		cat := r.mainCat
		if k > 0 && p.chance(0.4) {
			cat = pick(p, r.desired)
		}
		c := categories[cat]
		start := end.AddDate(0, -p.between(6, 60), 0)
		if start.Before(adult) {
			if k > 0 {
				break
			}
			start = adult
		}
		inds := categoryIndustries[cat]
		var companies []int
		for i, hc := range historyCompanies {
			if slices.Contains(inds, hc.industry) {
				companies = append(companies, i)
			}
		}
		hc := historyCompanies[pick(p, companies)]
		tags := subset(p, c.tags, p.between(2, 4))
		kind := "DISPATCHED"
		if p.chance(0.3) {
			kind = "DIRECT_EMPLOYMENT"
		}
		h := historyPlan{
			company: hc.name, industry: hc.industry, category: cat, tags: tags, kind: kind,
			start: start, end: new(end),
			tasks: fmt.Sprintf("主な業務: %s。%s", strings.Join(tags, "、"), pick(p, historyNotes)),
		}
		r.histories = append(r.histories, h)
		end = start.AddDate(0, 0, -p.between(1, 120))
	}
}

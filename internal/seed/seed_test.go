package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "modernc.org/sqlite"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/clientcompany"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/hook"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/ent/registrant"
	_ "github.com/example/staffcrm/ent/runtime"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/dbtest"
)

// openDB returns a migrated SQLite database, the client and a context allowed to write everything.
func openDB(t *testing.T) (*sql.DB, *ent.Client, context.Context) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, db)))
	t.Cleanup(func() { _ = client.Close() })
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	if err := client.Schema.Create(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db, client, ctx
}

func fakeHash(calls *int) PasswordHasher {
	return func(pw string) (string, error) {
		*calls++
		return "hash:" + pw, nil
	}
}

// tables lists every table the seed writes, for row counts.
var tables = []string{
	"agencies", "accounts", "coordinators", "sales_reps", "clients", "client_sites", "org_units", "postings",
	"registrants", "skills", "work_histories", "applications", "application_events", "assignments",
	"inquiries", "routing_decisions", "contact_logs",
}

func rowCounts(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + tb).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		counts[tb] = n
	}
	return counts
}

func TestDemo(t *testing.T) {
	db, client, ctx := openDB(t)

	empty, err := Empty(ctx, client)
	if err != nil || !empty {
		t.Fatalf("Empty before seeding = %v, %v; want true", empty, err)
	}
	calls := 0
	start := time.Now()
	if err := Demo(ctx, client, fakeHash(&calls)); err != nil {
		t.Fatalf("Demo: %v", err)
	}
	t.Logf("Demo took %v (fake hasher; add one real password hash)", time.Since(start))
	if calls != 1 {
		t.Errorf("hash called %d times, want once", calls)
	}
	empty, err = Empty(ctx, client)
	if err != nil || empty {
		t.Fatalf("Empty after seeding = %v, %v; want false", empty, err)
	}

	before := rowCounts(t, db)
	t.Logf("rows: %v", before)
	if err := Demo(ctx, client, fakeHash(&calls)); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second Demo = %v, want ErrNotEmpty", err)
	}
	if after := rowCounts(t, db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("second Demo changed the database: %v → %v", before, after)
	}
	if calls != 1 {
		t.Errorf("second Demo hashed a password; it should refuse first")
	}

	checkAll(t, ctx, client, db)
}

func checkAll(t *testing.T, ctx context.Context, client *ent.Client, db *sql.DB) {
	t.Run("counts", func(t *testing.T) { checkCounts(t, ctx, client) })
	t.Run("logins", func(t *testing.T) { checkLogins(t, ctx, client) })
	t.Run("tenancy", func(t *testing.T) { checkTenancy(t, db) })
	t.Run("consistency", func(t *testing.T) { checkConsistency(t, ctx, client, db) })
	t.Run("featured", func(t *testing.T) { checkFeatured(t, ctx, client) })
}

// TestDemoMigrated seeds databases built by the real migrations, SQLite and PostgreSQL (dbtest skips
// PostgreSQL loudly when none is reachable).
func TestDemoMigrated(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
			calls := 0
			if err := Demo(ctx, db.Client, fakeHash(&calls)); err != nil {
				t.Fatalf("Demo: %v", err)
			}
			if err := Demo(ctx, db.Client, fakeHash(&calls)); !errors.Is(err, ErrNotEmpty) {
				t.Fatalf("second Demo = %v, want ErrNotEmpty", err)
			}
			checkAll(t, ctx, db.Client, db.SQL)
		})
	}
}

func checkCounts(t *testing.T, ctx context.Context, client *ent.Client) {
	ags, err := client.Agency.Query().Order(ent.Asc(agency.FieldID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ags) != 2 || ags[0].Slug != "demo" || ags[1].Slug != "direct" {
		t.Fatalf("agencies = %v, want demo and direct", ags)
	}
	if ags[0].RoutingMode != agency.RoutingModeCOORDINATOR || ags[1].RoutingMode != agency.RoutingModeDIRECT {
		t.Errorf("routing modes = %s, %s", ags[0].RoutingMode, ags[1].RoutingMode)
	}
	for _, a := range ags {
		if a.Timezone != "Asia/Tokyo" || a.BusinessOpen != "09:00" || a.BusinessClose != "18:00" ||
			!slices.Equal(a.WorkingWeekdays, []int{1, 2, 3, 4, 5}) || !slices.Contains(a.Holidays, "2027-01-01") {
			t.Errorf("agency %s calendar = %s %s-%s %v %d holidays", a.Slug, a.Timezone, a.BusinessOpen, a.BusinessClose, a.WorkingWeekdays, len(a.Holidays))
		}
		id := a.ID
		count := func(n int, err error) int {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		postings := count(client.Posting.Query().Where(posting.AgencyID(id)).Count(ctx))
		registrants := count(client.Registrant.Query().Where(registrant.AgencyID(id)).Count(ctx))
		coords := count(client.Coordinator.Query().Where(coordinator.AgencyID(id)).Count(ctx))
		reps := count(client.SalesRep.Query().Where(salesrep.AgencyID(id)).Count(ctx))
		clients := count(client.ClientCompany.Query().Where(clientcompany.AgencyID(id)).Count(ctx))
		apps := count(client.Application.Query().Where(application.AgencyID(id)).Count(ctx))
		assigns := count(client.Assignment.Query().Where(assignment.AgencyID(id)).Count(ctx))
		t.Logf("%s: %d clients, %d postings, %d registrants, %d coordinators, %d sales reps, %d applications, %d assignments",
			a.Slug, clients, postings, registrants, coords, reps, apps, assigns)
		if postings < 45 || registrants < 45 || clients < 6 || apps < 50 || assigns < 15 {
			t.Errorf("%s: too few rows", a.Slug)
		}
		wantCoords := map[string]int{"demo": 3, "direct": 0}[a.Slug]
		if coords != wantCoords || reps != 4 {
			t.Errorf("%s: %d coordinators, %d sales reps; want %d and 4", a.Slug, coords, reps, wantCoords)
		}
		for _, v := range []posting.Visibility{posting.VisibilityPUBLIC, posting.VisibilityNON_PUBLIC} {
			if count(client.Posting.Query().Where(posting.AgencyID(id), posting.VisibilityEQ(v)).Count(ctx)) == 0 {
				t.Errorf("%s: no %s postings", a.Slug, v)
			}
		}
		if count(client.Posting.Query().Where(posting.AgencyID(id), posting.StatusEQ(posting.StatusOPEN), posting.VisibilityEQ(posting.VisibilityPUBLIC)).Count(ctx)) < 15 {
			t.Errorf("%s: too few OPEN PUBLIC postings for the registrant portal", a.Slug)
		}
		var statuses []struct {
			Status application.Status `json:"status"`
			Count  int                `json:"count"`
		}
		if err := client.Application.Query().Where(application.AgencyID(id)).
			GroupBy(application.FieldStatus).Aggregate(ent.Count()).Scan(ctx, &statuses); err != nil {
			t.Fatal(err)
		}
		if len(statuses) < 8 {
			t.Errorf("%s: applications in %d distinct statuses, want ≥ 8: %v", a.Slug, len(statuses), statuses)
		}
		if count(client.Assignment.Query().Where(assignment.AgencyID(id), assignment.HasRenewalOf()).Count(ctx)) == 0 {
			t.Errorf("%s: no renewal assignment", a.Slug)
		}
		for _, st := range []assignment.Status{assignment.StatusSCHEDULED, assignment.StatusACTIVE, assignment.StatusENDED} {
			if count(client.Assignment.Query().Where(assignment.AgencyID(id), assignment.StatusEQ(st)).Count(ctx)) == 0 {
				t.Errorf("%s: no %s assignment", a.Slug, st)
			}
		}
		if count(client.Inquiry.Query().Where(inquiry.AgencyID(id)).Count(ctx)) < 4 {
			t.Errorf("%s: too few inquiries", a.Slug)
		}
	}
}

func checkLogins(t *testing.T, ctx context.Context, client *ent.Client) {
	for _, l := range DemoLogins {
		a, err := client.Account.Query().Where(account.Email(l.Email)).
			WithAgency().WithCoordinator().WithSalesRep().WithRegistrant().Only(ctx)
		if err != nil {
			t.Errorf("login %s: %v", l.Email, err)
			continue
		}
		if string(a.Role) != l.Role || a.Edges.Agency.Slug != l.AgencySlug || a.PasswordHash != "hash:"+DemoPassword {
			t.Errorf("login %s: role %s, agency %s, hash %q", l.Email, a.Role, a.Edges.Agency.Slug, a.PasswordHash)
		}
		var linked bool
		switch l.Role {
		case "ADMIN":
			linked = true
		case "COORDINATOR":
			linked = a.Edges.Coordinator != nil && a.Edges.Coordinator.AgencyID == a.AgencyID
		case "SALES_REP":
			linked = a.Edges.SalesRep != nil && a.Edges.SalesRep.AgencyID == a.AgencyID
			if linked && l.Email == "sales@"+l.AgencySlug+".example" {
				n, err := a.Edges.SalesRep.QueryPostings().Count(ctx)
				if err != nil || a.Edges.SalesRep.Kind != salesrep.KindACCOUNT || n == 0 {
					t.Errorf("login %s: rep kind %s owns %d postings (%v)", l.Email, a.Edges.SalesRep.Kind, n, err)
				}
			}
		case "REGISTRANT":
			linked = a.Edges.Registrant != nil && a.Edges.Registrant.AgencyID == a.AgencyID
		}
		if !linked {
			t.Errorf("login %s (%s) has no profile in its agency", l.Email, l.Role)
		}
	}
	// every account is lower-case and every routable staff member can log in
	accts, err := client.Account.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if a.Email != lower(a.Email) {
			t.Errorf("account e-mail %q is not lower-case", a.Email)
		}
	}
	if n, err := client.Coordinator.Query().Where(coordinator.AccountIDIsNil()).Count(ctx); err != nil || n != 0 {
		t.Errorf("%d coordinators without an account (%v)", n, err)
	}
	if n, err := client.SalesRep.Query().Where(salesrep.AccountIDIsNil()).Count(ctx); err != nil || n != 0 {
		t.Errorf("%d sales reps without an account (%v)", n, err)
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// checkTenancy verifies that no row references a row of another agency.
func checkTenancy(t *testing.T, db *sql.DB) {
	refs := []struct{ table, column, parent string }{
		{"coordinators", "account_id", "accounts"},
		{"sales_reps", "account_id", "accounts"},
		{"registrants", "account_id", "accounts"},
		{"clients", "service_rep_id", "sales_reps"},
		{"client_sites", "client_id", "clients"},
		{"org_units", "site_id", "client_sites"},
		{"postings", "org_unit_id", "org_units"},
		{"postings", "account_rep_id", "sales_reps"},
		{"skills", "registrant_id", "registrants"},
		{"work_histories", "registrant_id", "registrants"},
		{"applications", "registrant_id", "registrants"},
		{"applications", "posting_id", "postings"},
		{"application_events", "application_id", "applications"},
		{"application_events", "actor_id", "accounts"},
		{"assignments", "registrant_id", "registrants"},
		{"assignments", "posting_id", "postings"},
		{"assignments", "org_unit_id", "org_units"},
		{"assignments", "application_id", "applications"},
		{"assignments", "renewal_of_id", "assignments"},
		{"inquiries", "registrant_id", "registrants"},
		{"inquiries", "posting_id", "postings"},
		{"inquiries", "coordinator_id", "coordinators"},
		{"inquiries", "sales_rep_id", "sales_reps"},
		{"routing_decisions", "inquiry_id", "inquiries"},
		{"routing_decisions", "chosen_coordinator_id", "coordinators"},
		{"routing_decisions", "chosen_sales_rep_id", "sales_reps"},
		{"contact_logs", "registrant_id", "registrants"},
		{"contact_logs", "staff_id", "accounts"},
	}
	for _, r := range refs {
		var total, cross int
		q := fmt.Sprintf(`SELECT COUNT(c.%[2]s), COALESCE(SUM(CASE WHEN c.agency_id <> p.agency_id THEN 1 ELSE 0 END), 0)
			FROM %[1]s c LEFT JOIN %[3]s p ON p.id = c.%[2]s`, r.table, r.column, r.parent)
		if err := db.QueryRow(q).Scan(&total, &cross); err != nil {
			t.Fatalf("%s.%s: %v", r.table, r.column, err)
		}
		if cross != 0 {
			t.Errorf("%s.%s: %d of %d rows reference another agency", r.table, r.column, cross, total)
		}
	}
}

func checkConsistency(t *testing.T, ctx context.Context, client *ent.Client, db *sql.DB) {
	queries := []struct{ what, sql string }{
		{"postings owned by a SERVICE rep", `SELECT COUNT(*) FROM postings p JOIN sales_reps s ON s.id = p.account_rep_id WHERE s.kind <> 'ACCOUNT'`},
		{"clients served by an ACCOUNT rep", `SELECT COUNT(*) FROM clients c JOIN sales_reps s ON s.id = c.service_rep_id WHERE s.kind <> 'SERVICE'`},
		{"assignments whose org unit is not the posting's", `SELECT COUNT(*) FROM assignments a JOIN postings p ON p.id = a.posting_id WHERE a.org_unit_id <> p.org_unit_id`},
		{"assignments not matching their application", `SELECT COUNT(*) FROM assignments a JOIN applications ap ON ap.id = a.application_id
			WHERE ap.registrant_id <> a.registrant_id OR ap.posting_id <> a.posting_id OR ap.status <> 'PLACED'`},
		{"PLACED applications without an assignment", `SELECT COUNT(*) FROM applications ap WHERE ap.status = 'PLACED'
			AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.application_id = ap.id)`},
		{"renewals of another registrant or not following the original", `SELECT COUNT(*) FROM assignments r JOIN assignments o ON o.id = r.renewal_of_id
			WHERE r.registrant_id <> o.registrant_id OR r.start_date <= o.end_date`},
		{"assignments ending before they start", `SELECT COUNT(*) FROM assignments WHERE end_date < start_date`},
		{"two active applications per registrant × posting", `SELECT COUNT(*) FROM (SELECT registrant_id, posting_id FROM applications
			WHERE status NOT IN ('SCREENING_REJECTED', 'WITHDRAWN', 'DECLINED', 'CLIENT_REJECTED')
			GROUP BY registrant_id, posting_id HAVING COUNT(*) > 1) x`},
		{"applications to DRAFT postings", `SELECT COUNT(*) FROM applications ap JOIN postings p ON p.id = ap.posting_id WHERE p.status = 'DRAFT'`},
		{"inquiries without a routing decision", `SELECT COUNT(*) FROM inquiries i WHERE NOT EXISTS (SELECT 1 FROM routing_decisions d WHERE d.inquiry_id = i.id)`},
		{"ASSIGNED inquiries without an assignee", `SELECT COUNT(*) FROM inquiries WHERE status = 'ASSIGNED' AND coordinator_id IS NULL AND sales_rep_id IS NULL`},
		{"inquiries with two assignees", `SELECT COUNT(*) FROM inquiries WHERE coordinator_id IS NOT NULL AND sales_rep_id IS NOT NULL`},
		{"sites without a conflict date", `SELECT COUNT(*) FROM client_sites WHERE conflict_date IS NULL`},
		// the demo stays within the dispatch-law checks of §6 except where it deliberately shows a flag
		{"assignments at a site without a conflict-date notice or past its conflict date", `SELECT COUNT(*) FROM assignments a
			JOIN org_units u ON u.id = a.org_unit_id JOIN client_sites s ON s.id = u.site_id
			WHERE s.conflict_date_notified_at IS NULL OR a.end_date >= s.conflict_date OR a.start_date < s.conflict_date_notified_at`},
		{"offers at a site without a conflict-date notice", `SELECT COUNT(*) FROM applications ap JOIN postings p ON p.id = ap.posting_id
			JOIN org_units u ON u.id = p.org_unit_id JOIN client_sites s ON s.id = u.site_id
			WHERE s.conflict_date_notified_at IS NULL AND ap.status IN ('OFFERED', 'ACCEPTED', 'DECLINED', 'PLACED')`},
		{"client rejections of DISPATCH applicants (pre-selection, §6.5)", `SELECT COUNT(*) FROM applications ap
			JOIN postings p ON p.id = ap.posting_id WHERE ap.status = 'CLIENT_REJECTED' AND p.type <> 'TEMP_TO_PERM'`},
		{"overlapping assignments of one registrant", `SELECT COUNT(*) FROM assignments a JOIN assignments b
			ON a.registrant_id = b.registrant_id AND a.id < b.id AND a.start_date <= b.end_date AND b.start_date <= a.end_date`},
		{"skills duplicated per registrant", `SELECT COUNT(*) FROM (SELECT registrant_id, name FROM skills GROUP BY 1, 2 HAVING COUNT(*) > 1) x`},
	}
	for _, q := range queries {
		var n int
		if err := db.QueryRow(q.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, q.what)
		}
	}
	var missingNotice int
	if err := db.QueryRow(`SELECT COUNT(*) FROM client_sites WHERE conflict_date_notified_at IS NULL`).Scan(&missingNotice); err != nil {
		t.Fatal(err)
	}
	if missingNotice != 2 { // one per agency, deliberately
		t.Errorf("%d sites without a conflict-date notice, want one per agency", missingNotice)
	}

	// every application's history runs nil → APPLIED → … → its status
	apps, err := client.Application.Query().WithEvents().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		ev := a.Edges.Events
		slices.SortFunc(ev, func(x, y *ent.ApplicationEvent) int { return x.At.Compare(y.At) })
		if len(ev) == 0 || ev[0].FromStatus != nil || string(ev[0].ToStatus) != "APPLIED" ||
			string(ev[len(ev)-1].ToStatus) != string(a.Status) {
			t.Errorf("application %d (%s): bad history", a.ID, a.Status)
			continue
		}
		for i := 1; i < len(ev); i++ {
			if ev[i].FromStatus == nil || string(*ev[i].FromStatus) != string(ev[i-1].ToStatus) {
				t.Errorf("application %d: event %d does not continue from %s", a.ID, i, ev[i-1].ToStatus)
			}
		}
		if !a.CreatedAt.Equal(ev[0].At) || ev[len(ev)-1].At.After(time.Now()) {
			t.Errorf("application %d: created %v, first event %v, last %v", a.ID, a.CreatedAt, ev[0].At, ev[len(ev)-1].At)
		}
	}

	// date-only fields are midnight UTC
	isDate := func(what string, d time.Time) {
		if u := d.UTC(); u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond() != 0 {
			t.Errorf("%s = %v, want midnight UTC", what, d)
		}
	}
	ps, err := client.Posting.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.StartDate == nil {
			t.Errorf("posting %d has no start date", p.ID)
			continue
		}
		isDate("posting start_date", *p.StartDate)
		if p.HourlyWage < 1150 || p.HourlyWage > 2300 || p.BillRate == nil ||
			float64(*p.BillRate) < 1.3*float64(p.HourlyWage) || float64(*p.BillRate) > 1.65*float64(p.HourlyWage) {
			t.Errorf("posting %d: wage %d, bill rate %v", p.ID, p.HourlyWage, p.BillRate)
		}
	}
	as, err := client.Assignment.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		isDate("assignment start_date", a.StartDate)
		isDate("assignment end_date", a.EndDate)
		if a.EndDate.Sub(a.StartDate) < 30*24*time.Hour { // day labour (§6.4) needs an exemption
			t.Errorf("assignment %d runs %v to %v: 30 days or less", a.ID, a.StartDate, a.EndDate)
		}
	}
	rs, err := client.Registrant.Query().WithWorkHistories().WithSkills().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		isDate("registrant birth_date", *r.BirthDate)
		if len(r.Edges.Skills) < 1 || len(r.Edges.Skills) > 4 || len(r.Edges.WorkHistories) < 1 || len(r.Edges.WorkHistories) > 3 {
			t.Errorf("registrant %d: %d skills, %d work histories", r.ID, len(r.Edges.Skills), len(r.Edges.WorkHistories))
		}
		for _, h := range r.Edges.WorkHistories {
			isDate("work history start_date", h.StartDate)
			if h.EndDate != nil && h.EndDate.Before(h.StartDate) {
				t.Errorf("registrant %d: work history ends before it starts", r.ID)
			}
		}
	}
	sites, err := client.ClientSite.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		isDate("site conflict_date", *s.ConflictDate)
		if s.ConflictDate.Before(time.Now().AddDate(1, 0, -7)) || s.ConflictDate.After(time.Now().AddDate(3, 0, 7)) {
			t.Errorf("site %d: conflict date %v not 1–3 years ahead", s.ID, s.ConflictDate)
		}
	}
}

// checkFeatured checks the demo registrants: applications, an ACTIVE assignment ending in about 20
// days and an inquiry.
func checkFeatured(t *testing.T, ctx context.Context, client *ent.Client) {
	for _, email := range []string{"registrant@demo.example", "registrant@direct.example"} {
		r, err := client.Registrant.Query().Where(registrant.HasAccountWith(account.Email(email))).
			WithApplications().WithAssignments().WithInquiries().Only(ctx)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		if len(r.Edges.Applications) < 2 || len(r.Edges.Inquiries) == 0 {
			t.Errorf("%s: %d applications, %d inquiries", email, len(r.Edges.Applications), len(r.Edges.Inquiries))
		}
		ok := false
		for _, a := range r.Edges.Assignments {
			days := a.EndDate.Sub(time.Now()).Hours() / 24
			if a.Status == assignment.StatusACTIVE && days > 17 && days < 22 {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: no ACTIVE assignment ending in ~20 days", email)
		}
	}
}

func TestDeterministic(t *testing.T) {
	type row struct {
		Title string
		Wage  int
	}
	seedOnce := func() ([]row, []string) {
		_, client, ctx := openDB(t)
		calls := 0
		if err := Demo(ctx, client, fakeHash(&calls)); err != nil {
			t.Fatal(err)
		}
		ps, err := client.Posting.Query().Order(ent.Asc(posting.FieldID)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var rows []row
		for _, p := range ps {
			rows = append(rows, row{p.Title, p.HourlyWage})
		}
		names, err := client.Registrant.Query().Order(ent.Asc(registrant.FieldID)).Select(registrant.FieldName).Strings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return rows, names
	}
	rows1, names1 := seedOnce()
	rows2, names2 := seedOnce()
	if !slices.Equal(rows1, rows2) {
		t.Errorf("postings differ between two seeds")
	}
	if !slices.Equal(names1, names2) {
		t.Errorf("registrants differ between two seeds")
	}
}

// TestDemoAtomic makes the seed fail half way and checks that nothing is left behind.
func TestDemoAtomic(t *testing.T) {
	db, client, ctx := openDB(t)
	boom := errors.New("boom")
	client.Inquiry.Use(func(next ent.Mutator) ent.Mutator {
		return hook.InquiryFunc(func(ctx context.Context, m *ent.InquiryMutation) (ent.Value, error) {
			return nil, boom
		})
	})
	calls := 0
	if err := Demo(ctx, client, fakeHash(&calls)); !errors.Is(err, boom) {
		t.Fatalf("Demo = %v, want the injected failure", err)
	}
	for tb, n := range rowCounts(t, db) {
		if n != 0 {
			t.Errorf("%s has %d rows after a failed seed", tb, n)
		}
	}
}

// TestDemoDates pins "now" just after midnight in Japan (still the previous day in UTC): dates follow
// the agency's calendar day and are stored as midnight UTC.
func TestDemoDates(t *testing.T) {
	_, client, ctx := openDB(t)
	now := time.Date(2026, 11, 22, 0, 30, 0, 0, jst) // 2026-11-21 15:30 UTC
	if err := demo(ctx, client, "hash:x", now); err != nil {
		t.Fatal(err)
	}
	a, err := client.Assignment.Query().
		Where(assignment.HasRegistrantWith(registrant.HasAccountWith(account.Email("registrant@demo.example"))),
			assignment.StatusEQ(assignment.StatusACTIVE)).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 12, 0, 0, 0, 0, time.UTC); !a.EndDate.Equal(want) {
		t.Errorf("featured assignment ends %v, want %v (today 2026-11-22 JST + 20 days)", a.EndDate, want)
	}
	// the inbound missed call is called back at the opening of the next business day
	cl, err := client.ContactLog.Query().Where(contactlog.DirectionEQ(contactlog.DirectionINBOUND), contactlog.OutcomeEQ(contactlog.OutcomeNO_ANSWER)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cl) != 2 {
		t.Fatalf("%d inbound missed calls, want one per agency", len(cl))
	}
	for _, c := range cl {
		due := c.CallbackDueAt.In(jst)
		if due.Hour() != 9 || due.Minute() != 0 || due.Weekday() == time.Saturday || due.Weekday() == time.Sunday ||
			!due.After(c.OccurredAt) {
			t.Errorf("missed call at %v: callback due %v", c.OccurredAt.In(jst), due)
		}
	}
}

// BenchmarkDemo measures seeding alone (fresh migrated database each time, fake password hash).
func BenchmarkDemo(b *testing.B) {
	for range b.N {
		b.StopTimer()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "b.db")+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
		if err != nil {
			b.Fatal(err)
		}
		client := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, db)))
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		if err := client.Schema.Create(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := demo(ctx, client, "hash:x", time.Now()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = client.Close()
	}
}

// TestDemoOpenInquiryCounters: the router's per-assignee counters match the seeded assignments.
func TestDemoOpenInquiryCounters(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
			var calls int
			if err := Demo(ctx, db.Client, fakeHash(&calls)); err != nil {
				t.Fatal(err)
			}
			open := map[int]int{}
			for _, q := range db.Client.Inquiry.Query().AllX(ctx) {
				if q.Status == "ASSIGNED" && q.CoordinatorID != nil {
					open[*q.CoordinatorID]++
				}
				if q.Status == "ASSIGNED" && q.SalesRepID != nil {
					open[*q.SalesRepID]++
				}
			}
			for _, c := range db.Client.Coordinator.Query().AllX(ctx) {
				if c.OpenInquiries != open[c.ID] {
					t.Errorf("coordinator %s: counter %d, assigned %d", c.Name, c.OpenInquiries, open[c.ID])
				}
			}
			for _, r := range db.Client.SalesRep.Query().AllX(ctx) {
				if r.OpenInquiries != open[r.ID] {
					t.Errorf("sales rep %s: counter %d, assigned %d", r.Name, r.OpenInquiries, open[r.ID])
				}
			}
		})
	}
}

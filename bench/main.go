// Command bench loads a large deterministic data set into PostgreSQL and drives load at the API.
//
//	go run ./bench load -db postgres://…/bench                 # 50k postings, 50k registrants, 200k applications…
//	go run ./bench run -url http://localhost:8080 -scenario feed -c 16 -d 20s
//
// The load driver is vegeta's library (well kept, constant-rate or max-rate attacks); it signs in as
// the scenario's role, reports throughput, p50/p90/p99, errors, the SQL statements per request
// (X-Sql-Statements) and the server's RSS from its /metrics.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"golang.org/x/sync/errgroup"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: bench load|run [flags]")
	}
	switch args[0] {
	case "load":
		fs := flag.NewFlagSet("load", flag.ExitOnError)
		dsn := fs.String("db", os.Getenv("DATABASE_URL"), "PostgreSQL URL of an empty database")
		scale := fs.Float64("scale", 1, "fraction of the full data set (1 = 50k postings …)")
		_ = fs.Parse(args[1:])
		return load(ctx, *dsn, *scale)
	case "run":
		fs := flag.NewFlagSet("run", flag.ExitOnError)
		url := fs.String("url", "http://localhost:8080", "server base URL")
		scenario := fs.String("scenario", "feed", "feed | feed-1000 | board")
		c := fs.Int("c", 16, "concurrent callers")
		d := fs.Duration("d", 20*time.Second, "duration")
		writes := fs.Float64("writes", 0, "posting updates per second alongside the reads (by the two admins; ≤ 5)")
		_ = fs.Parse(args[1:])
		return drive(*url, *scenario, *c, *d, *writes)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

var (
	cats  = []string{"一般事務", "営業事務", "経理事務", "貿易事務", "受付", "コールセンター", "データ入力", "軽作業", "製造オペレーター", "フォークリフト", "介護", "ITヘルプデスク"}
	prefs = []string{"東京都", "神奈川県", "埼玉県", "千葉県", "大阪府", "愛知県"}
	tags  = []string{"請求書発行", "仕訳入力", "売掛金管理", "電話応対", "ピッキング", "検品", "受注入力", "Excel VLOOKUP", "データ入力", "来客対応"}
)

// load writes the full-scale data set with batched inserts (ent CreateBulk, 1–2k rows a statement).
func load(ctx context.Context, dsn string, scale float64) error {
	start := time.Now()
	db, err := database.Open(ctx, database.Config{URL: dsn})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return err
	}
	sys := access.System(ctx, "bench: generate data")
	c := db.Client
	rng := rand.New(rand.NewPCG(42, 7))
	n := func(full int) int { return max(1, int(float64(full)*scale)) }
	hash, err := auth.HashPassword("bench-password")
	if err != nil {
		return err
	}
	for ai, slug := range []string{"bench-a", "bench-b"} {
		ag, err := c.Agency.Create().SetName(slug).SetSlug(slug).Save(sys)
		if err != nil {
			return err
		}
		// 50 staff per agency: 1 admin, 20 coordinators, 29 sales reps.
		admin := c.Account.Create().SetAgencyID(ag.ID).SetEmail("admin@" + slug + ".example").SetPasswordHash(hash).SetRole(account.RoleADMIN).SaveX(sys)
		_ = admin
		var reps []*ent.SalesRep
		for i := range 29 {
			acc := c.Account.Create().SetAgencyID(ag.ID).SetEmail(fmt.Sprintf("sales%d@%s.example", i, slug)).SetPasswordHash(hash).SetRole(account.RoleSALES_REP).SaveX(sys)
			reps = append(reps, c.SalesRep.Create().SetAgencyID(ag.ID).SetName(fmt.Sprint("営業", i)).SetKind(salesrep.KindACCOUNT).SetAccountID(acc.ID).SaveX(sys))
		}
		for i := range 20 {
			acc := c.Account.Create().SetAgencyID(ag.ID).SetEmail(fmt.Sprintf("coord%d@%s.example", i, slug)).SetPasswordHash(hash).SetRole(account.RoleCOORDINATOR).SaveX(sys)
			c.Coordinator.Create().SetAgencyID(ag.ID).SetName(fmt.Sprint("コーディネーター", i)).SetAccountID(acc.ID).SaveX(sys)
		}
		// 1,000 clients per agency, each with a site and two units.
		var units []int
		for b := 0; b < n(1000); b += 500 {
			var cb []*ent.ClientCompanyCreate
			for i := b; i < min(b+500, n(1000)); i++ {
				cb = append(cb, c.ClientCompany.Create().SetAgencyID(ag.ID).SetName(fmt.Sprintf("株式会社%d-%d", ai, i)).SetIndustry("製造業"))
			}
			cls := c.ClientCompany.CreateBulk(cb...).SaveX(sys)
			var sb []*ent.ClientSiteCreate
			for _, cl := range cls {
				sb = append(sb, c.ClientSite.Create().SetAgencyID(ag.ID).SetClientID(cl.ID).SetName("本社").SetAddress("東京都港区").
					SetPrefecture(prefs[rng.IntN(len(prefs))]).SetConflictDate(time.Date(2029, 4, 1, 0, 0, 0, 0, time.UTC)).
					SetConflictDateNotifiedAt(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)))
			}
			sites := c.ClientSite.CreateBulk(sb...).SaveX(sys)
			var ub []*ent.OrgUnitCreate
			for _, s := range sites {
				ub = append(ub, c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(s.ID).SetName("総務課"), c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(s.ID).SetName("経理課"))
			}
			for _, u := range c.OrgUnit.CreateBulk(ub...).SaveX(sys) {
				units = append(units, u.ID)
			}
		}
		// 25k postings and 25k registrants per agency, with skills and work history.
		var postIDs, regIDs []int
		for b := 0; b < n(25000); b += 1000 {
			var pb []*ent.PostingCreate
			var rb []*ent.RegistrantCreate
			for i := b; i < min(b+1000, n(25000)); i++ {
				vis := posting.VisibilityPUBLIC
				if i%10 < 3 {
					vis = posting.VisibilityNON_PUBLIC
				}
				pb = append(pb, c.Posting.Create().SetAgencyID(ag.ID).SetOrgUnitID(units[rng.IntN(len(units))]).
					SetAccountRepID(reps[rng.IntN(len(reps))].ID).SetTitle(fmt.Sprintf("%s／%s", cats[i%len(cats)], prefs[i%len(prefs)])).
					SetJobCategory(cats[rng.IntN(len(cats))]).SetPrefecture(prefs[rng.IntN(len(prefs))]).SetTaskTags([]string{tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))]}).
					SetHourlyWage(1100+rng.IntN(1200)).SetBillRate(2000+rng.IntN(800)).SetVisibility(vis).SetStatus(posting.StatusOPEN).
					SetNearestStation("新宿").SetWalkMinutes(rng.IntN(20)).SetCreatedAt(time.Now().Add(-time.Duration(rng.IntN(90*24))*time.Hour)))
				rb = append(rb, c.Registrant.Create().SetAgencyID(ag.ID).SetName(fmt.Sprint("登録者", i)).SetPrefecture(prefs[rng.IntN(len(prefs))]).
					SetDesiredJobCategories([]string{cats[rng.IntN(len(cats))]}).SetDesiredHourlyWage(1200+rng.IntN(600)))
			}
			for _, p := range c.Posting.CreateBulk(pb...).SaveX(sys) {
				postIDs = append(postIDs, p.ID)
			}
			regs := c.Registrant.CreateBulk(rb...).SaveX(sys)
			var wb []*ent.WorkHistoryCreate
			var kb []*ent.SkillCreate
			for _, r := range regs {
				regIDs = append(regIDs, r.ID)
				wb = append(wb, c.WorkHistory.Create().SetAgencyID(ag.ID).SetRegistrantID(r.ID).SetCompany("前職").SetIndustry("製造業").
					SetJobCategory(cats[rng.IntN(len(cats))]).SetTaskTags([]string{tags[rng.IntN(len(tags))]}).
					SetStartDate(time.Date(2020, 4, 1, 0, 0, 0, 0, time.UTC)).SetEndDate(time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)).SetKind("DISPATCHED"))
				kb = append(kb, c.Skill.Create().SetAgencyID(ag.ID).SetRegistrantID(r.ID).SetName("Excel").SetLevel(1+rng.IntN(5)))
			}
			c.WorkHistory.CreateBulk(wb...).ExecX(sys)
			c.Skill.CreateBulk(kb...).ExecX(sys)
		}
		// 100k applications per agency on distinct registrant × posting pairs, 10k placements.
		statuses := []application.Status{application.StatusAPPLIED, application.StatusSCREENING, application.StatusSCREENING_PASSED,
			application.StatusCLIENT_MEETING, application.StatusOFFERED, application.StatusWITHDRAWN, application.StatusSCREENING_REJECTED}
		for b := 0; b < n(100000); b += 4000 {
			var ab []*ent.ApplicationCreate
			for i := b; i < min(b+4000, n(100000)); i++ {
				ab = append(ab, c.Application.Create().SetAgencyID(ag.ID).SetRegistrantID(regIDs[i%len(regIDs)]).
					SetPostingID(postIDs[(i*7+i/len(regIDs))%len(postIDs)]).SetStatus(statuses[rng.IntN(len(statuses))]))
			}
			c.Application.CreateBulk(ab...).ExecX(sys)
		}
		for b := 0; b < n(10000); b += 2000 {
			var sb []*ent.AssignmentCreate
			for i := b; i < min(b+2000, n(10000)); i++ {
				start := time.Date(2026, time.Month(1+rng.IntN(10)), 1, 0, 0, 0, 0, time.UTC)
				sb = append(sb, c.Assignment.Create().SetAgencyID(ag.ID).SetRegistrantID(regIDs[(i*13)%len(regIDs)]).
					SetPostingID(postIDs[i%len(postIDs)]).SetOrgUnitID(units[i%len(units)]).SetStartDate(start).
					SetEndDate(start.AddDate(0, 6, -1)).SetHourlyWage(1500).SetBillRate(2100).SetStatus(assignment.StatusACTIVE))
			}
			c.Assignment.CreateBulk(sb...).ExecX(sys)
		}
		// Registrant logins for the feed scenarios (feed: the first 10; feed-1000: all of them).
		for i := range feedViewers {
			acc := c.Account.Create().SetAgencyID(ag.ID).SetEmail(fmt.Sprintf("reg%d@%s.example", i, slug)).SetPasswordHash(hash).SetRole(account.RoleREGISTRANT).SaveX(sys)
			c.Registrant.UpdateOneID(regIDs[i]).SetAccountID(acc.ID).ExecX(sys)
		}
	}
	if _, err := db.SQL.ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	fmt.Printf("loaded in %v (scale %.2f)\n", time.Since(start).Round(time.Millisecond), scale)
	return nil
}

// scenarios: each caller rotates over the logins, so per-viewer state (the response cache keys on
// the viewer) is exercised across many viewers, not one.
var scenarios = map[string]struct {
	emails []string
	query  string
}{
	"feed": {logins("reg%d@bench-%s.example", 10), feedQuery},
	// 1,000 distinct registrants, each request from another one: per-viewer entries would all miss;
	// registrants to whom nothing was introduced share the agency's feed entry.
	"feed-1000": {logins("reg%d@bench-%s.example", feedViewers), feedQuery},
	"board":     {logins("sales%d@bench-%s.example", 29), `{postings(first: 50, orderBy:{field: CREATED_AT, direction: DESC}, where:{status: OPEN}){edges{node{title createdAt orgUnit{site{client{name}}} applications(first: 5){edges{node{status}}}}}}}`},
}

// feedViewers is how many registrant logins each bench agency has.
const feedViewers = 500

const feedQuery = `{publicPostings(first: 50){edges{node{id title jobCategory hourlyWage prefecture city nearestStation walkMinutes busRequired workingHours startDate headcount}}}}`

// logins lists the bench accounts of a pattern in both agencies.
func logins(pattern string, perAgency int) []string {
	var out []string
	for _, slug := range []string{"a", "b"} {
		for i := range perAgency {
			out = append(out, fmt.Sprintf(pattern, i, slug))
		}
	}
	return out
}

// login signs in from its own loopback address (127.0.1.n): the server allows 20 logins per address
// before throttling, and a bench run signs in up to 58 accounts.
func login(base, email string, n int) (string, error) {
	src := &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(1+n%250))}
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: src}).DialContext}}
	defer client.CloseIdleConnections()
	var out struct {
		Data struct{ Login struct{ AccessToken string } }
	}
	err := post(client, base, "", `mutation($e:String!){login(input:{email:$e,password:"bench-password"}){accessToken}}`, map[string]any{"e": email}, &out)
	if err != nil || out.Data.Login.AccessToken == "" {
		return "", fmt.Errorf("login as %s failed", email)
	}
	return out.Data.Login.AccessToken, nil
}

func drive(base, scenario string, workers int, d time.Duration, writes float64) error {
	sc, ok := scenarios[scenario]
	if !ok {
		return fmt.Errorf("unknown scenario %q", scenario)
	}
	q, _ := json.Marshal(map[string]any{"query": sc.query})
	// Sign in every login, a few at a time (password hashing is deliberately slow).
	targets := make([]vegeta.Target, len(sc.emails))
	var g errgroup.Group
	g.SetLimit(8)
	for i, email := range sc.emails {
		g.Go(func() error {
			token, err := login(base, email, i)
			if err != nil {
				return err
			}
			targets[i] = vegeta.Target{Method: "POST", URL: base + "/query", Body: q,
				Header: http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	stopWriting, err := writeLoad(base, writes)
	if err != nil {
		return err
	}
	atk := vegeta.NewAttacker(vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	statements, cache := map[string]int{}, map[string]int{}
	for res := range atk.Attack(vegeta.NewStaticTargeter(targets...), vegeta.Rate{}, d, scenario) {
		m.Add(res)
		if res.Code != 200 || bytes.Contains(res.Body, []byte(`"errors"`)) {
			m.Errors = append(m.Errors, "graphql error")
		}
		statements[res.Headers.Get("X-Sql-Statements")]++
		if c := res.Headers.Get("X-Cache"); c != "" {
			cache[c]++
		} else {
			cache["off"]++
		}
	}
	m.Close()
	if n := stopWriting(); n > 0 {
		fmt.Printf("alongside %d posting updates (%.1f/s), each of which makes every cached response stale\n", n, float64(n)/d.Seconds())
	}
	fmt.Printf("scenario %s, %d callers over %d logins, %v: %.0f req/s, p50 %v, p90 %v, p99 %v, errors %d/%d, SQL statements per request %v, response cache %v, server RSS %s\n",
		scenario, workers, len(targets), d, m.Throughput, m.Latencies.P50.Round(10*time.Microsecond), m.Latencies.P90.Round(10*time.Microsecond),
		m.Latencies.P99.Round(10*time.Microsecond), len(m.Errors), m.Requests, statements, cache, rss(base))
	return nil
}

// rss reads the server's resident memory from its Prometheus metrics.
func rss(base string) string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return "?"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "process_resident_memory_bytes ") {
			var v float64
			fmt.Sscan(strings.TrimPrefix(line, "process_resident_memory_bytes "), &v)
			return fmt.Sprintf("%.0f MB", v/1e6)
		}
	}
	return "?"
}

// writeLoad updates posting titles at rate per second, as the two agencies' admins in turn, until
// stop is called; stop returns the number of updates made. Each update commits a domain write, so it
// invalidates every cached response: this measures the cache under churn, not only when idle.
func writeLoad(base string, rate float64) (stop func() int, err error) {
	var wrote atomic.Int64
	if rate <= 0 {
		return func() int { return 0 }, nil
	}
	type admin struct {
		token string
		ids   []string
	}
	var admins []admin
	for i, slug := range []string{"a", "b"} {
		token, err := login(base, "admin@bench-"+slug+".example", 200+i)
		if err != nil {
			return nil, err
		}
		var page struct {
			Data struct {
				Postings struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
		if err := post(http.DefaultClient, base, token, `{postings(first: 50, orderBy:{field: CREATED_AT, direction: DESC}){edges{node{id}}}}`, nil, &page); err != nil {
			return nil, err
		}
		a := admin{token: token}
		for _, e := range page.Data.Postings.Edges {
			a.ids = append(a.ids, e.Node.ID)
		}
		admins = append(admins, a)
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			a := admins[i%len(admins)]
			var out struct{ Errors []any }
			err := post(http.DefaultClient, base, a.token, `mutation($id: ID!, $t: String!){updatePosting(input:{id: $id, set:{title: $t}}){posting{id}}}`,
				map[string]any{"id": a.ids[i%len(a.ids)], "t": fmt.Sprintf("一般事務／東京都 %d", i)}, &out)
			if err == nil && len(out.Errors) == 0 {
				wrote.Add(1)
			}
		}
	}()
	return func() int { close(done); <-finished; return int(wrote.Load()) }, nil
}

// post sends one GraphQL request (anonymous when token is empty) and decodes the answer into out.
func post(client *http.Client, base, token, q string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

package routing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/routingdecision"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/routing"
)

// §5.5: no inquiry ever has two assignees, no assignee exceeds capacity, no inquiry is lost — with
// many concurrent requests and with several processes on one PostgreSQL.

const (
	hammerRegistrants = 150 // per agency
	hammerCapacity    = 12  // per staff member; 3 staff per agency → 36 slots, far fewer than inquiries
)

func hammerWorlds(t testing.TB, c *ent.Client) []*world {
	return []*world{
		newWorld(t, c, true, "hammer-coord", agency.RoutingModeCOORDINATOR, 3, 3, hammerCapacity, hammerRegistrants),
		newWorld(t, c, true, "hammer-direct", agency.RoutingModeDIRECT, 0, 3, hammerCapacity, hammerRegistrants),
	}
}

// hammer creates two inquiries for each registrant in [from, to) of every world from `workers`
// goroutines, resolving some assigned ones as it goes so capacity frees and the queue moves.
func hammer(t testing.TB, router *routing.Router, c *ent.Client, worlds []*world, from, to, workers int) (created int64) {
	type job struct {
		w   *world
		reg int
		n   int
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				p := j.w.posting[(j.reg+j.n)%len(j.w.posting)].ID
				kind := []inquiry.Kind{inquiry.KindPOSTING_QUESTION, inquiry.KindNEXT_JOB}[j.n%2]
				in := routing.NewInquiry{AgencyID: j.w.agency.ID, RegistrantID: j.w.reg[j.reg].ID, Kind: kind,
					Channel: inquiry.ChannelAPP, Origin: inquiry.OriginREGISTRANT}
				if kind == inquiry.KindPOSTING_QUESTION {
					in.PostingID = &p
				}
				inq, err := router.Create(sysCtx, in) // a trusted caller, as the next-job job is
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				atomic.AddInt64(&created, 1)
				// Resolve about a third of what gets assigned, as its assignee.
				if rand.IntN(3) == 0 && inq.Status == inquiry.StatusASSIGNED {
					v := assigneeViewer(c, inq)
					if _, err := router.Resolve(context.Background(), v, inq.ID); err != nil && !errors.Is(err, routing.ErrInvalidTransition) {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			}
		}()
	}
	for _, w := range worlds {
		for reg := from; reg < to; reg++ {
			for n := range 2 {
				jobs <- job{w: w, reg: reg, n: n}
			}
		}
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		t.Errorf("router error under load: %v", err)
	}
	return created
}

func assigneeViewer(c *ent.Client, inq *ent.Inquiry) routing.Actor {
	if inq.CoordinatorID != nil {
		co := c.Coordinator.Query().Where().WithAccount().AllX(sysCtx)
		for _, x := range co {
			if x.ID == *inq.CoordinatorID {
				return staffViewer(x.Edges.Account, x.ID)
			}
		}
	}
	rs := c.SalesRep.Query().WithAccount().AllX(sysCtx)
	for _, x := range rs {
		if inq.SalesRepID != nil && x.ID == *inq.SalesRepID {
			return staffViewer(x.Edges.Account, x.ID)
		}
	}
	return nil
}

// checkHammered: the §5.5 invariants, plus "queued only when nobody eligible has room".
func checkHammered(t testing.TB, c *ent.Client, worlds []*world, wantInquiries int) {
	t.Helper()
	total := 0
	for _, w := range worlds {
		checkCounters(t, c, w)
		inqs := c.Inquiry.Query().Where(inquiry.AgencyID(w.agency.ID)).AllX(sysCtx)
		total += len(inqs)
		queued := 0
		for _, q := range inqs {
			switch q.Status {
			case inquiry.StatusQUEUED:
				queued++
			case inquiry.StatusASSIGNED, inquiry.StatusRESOLVED:
			default:
				t.Fatalf("inquiry %d in unexpected status %v", q.ID, q.Status)
			}
		}
		free := 0
		if w.agency.RoutingMode == agency.RoutingModeCOORDINATOR {
			for _, co := range c.Coordinator.Query().AllX(sysCtx) {
				if co.AgencyID == w.agency.ID {
					free += co.Capacity - co.OpenInquiries
				}
			}
		} else {
			for _, r := range c.SalesRep.Query().AllX(sysCtx) {
				if r.AgencyID == w.agency.ID {
					free += r.Capacity - r.OpenInquiries
				}
			}
		}
		// Posting questions in DIRECT mode wait for their posting's rep, so only the COORDINATOR pool
		// must be full whenever something is queued.
		if queued > 0 && free > 0 && w.agency.RoutingMode == agency.RoutingModeCOORDINATOR {
			// a sweep must drain it: nothing may stay queued while a coordinator has room
			if _, err := w.router.RetryQueued(context.Background(), w.agency.ID, 1000); err != nil {
				t.Fatal(err)
			}
			checkCounters(t, c, w)
			left := c.Inquiry.Query().Where(inquiry.AgencyID(w.agency.ID), inquiry.StatusEQ(inquiry.StatusQUEUED)).CountX(sysCtx)
			room := 0
			for _, co := range c.Coordinator.Query().AllX(sysCtx) {
				if co.AgencyID == w.agency.ID {
					room += co.Capacity - co.OpenInquiries
				}
			}
			if left > 0 && room > 0 {
				t.Fatalf("%s: %d queued while coordinators have %d free slots", w.agency.Slug, left, room)
			}
		}
		t.Logf("%s: %d inquiries, %d queued", w.agency.Slug, len(inqs), queued)
	}
	if total != wantInquiries {
		t.Fatalf("%d inquiries stored, %d acknowledged to callers: lost or duplicated", total, wantInquiries)
	}
}

func TestConcurrentRoutingGoroutines(t *testing.T) {
	url := dbtest.ScratchPostgres(t)
	db, err := database.Open(context.Background(), database.Config{URL: url, MaxOpenConns: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), quiet()); err != nil {
		t.Fatal(err)
	}
	worlds := hammerWorlds(t, db.Client)
	router := routing.NewRouter(db.Client, true, nil)
	created := hammer(t, router, db.Client, worlds, 0, hammerRegistrants, 32)
	if created != 2*2*hammerRegistrants {
		t.Fatalf("created %d of %d", created, 2*2*hammerRegistrants)
	}
	checkHammered(t, db.Client, worlds, int(created))
}

// TestConcurrentRoutingProcesses runs the same hammer from two OS processes at once (this test
// binary re-executed), each with its own connection pool, on one database.
func TestConcurrentRoutingProcesses(t *testing.T) {
	if os.Getenv("ROUTING_HELPER_DSN") != "" {
		return // we are the helper process
	}
	url := dbtest.ScratchPostgres(t)
	db, err := database.Open(context.Background(), database.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background(), quiet()); err != nil {
		t.Fatal(err)
	}
	worlds := hammerWorlds(t, db.Client)
	half := hammerRegistrants / 2
	var cmds []*exec.Cmd
	var outs []*[]byte
	for i, rng := range [][2]int{{0, half}, {half, hammerRegistrants}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRoutingHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ROUTING_HELPER_DSN="+url,
			"ROUTING_HELPER_FROM="+strconv.Itoa(rng[0]), "ROUTING_HELPER_TO="+strconv.Itoa(rng[1]))
		out := new([]byte)
		outs = append(outs, out)
		cmds = append(cmds, cmd)
		_ = i
	}
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := cmd.CombinedOutput()
			*outs[i] = b
			if err != nil {
				t.Errorf("helper process %d: %v\n%s", i, err, b)
			}
		}()
	}
	wg.Wait()
	for i, o := range outs {
		t.Logf("process %d:\n%s", i, *o)
	}
	checkHammered(t, db.Client, worlds, 2*2*hammerRegistrants)
}

// TestRoutingHelperProcess is the body of one helper process of TestConcurrentRoutingProcesses.
func TestRoutingHelperProcess(t *testing.T) {
	dsn := os.Getenv("ROUTING_HELPER_DSN")
	if dsn == "" {
		return // only does something as a helper process of TestConcurrentRoutingProcesses
	}
	from, _ := strconv.Atoi(os.Getenv("ROUTING_HELPER_FROM"))
	to, _ := strconv.Atoi(os.Getenv("ROUTING_HELPER_TO"))
	db, err := database.Open(context.Background(), database.Config{URL: dsn, MaxOpenConns: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var worlds []*world
	for _, slug := range []string{"hammer-coord", "hammer-direct"} {
		ag := db.Client.Agency.Query().Where(agency.Slug(slug)).OnlyX(sysCtx)
		w := &world{client: db.Client, agency: ag}
		w.reg = db.Client.Registrant.Query().Where(registrant.AgencyID(ag.ID)).Order(ent.Asc(registrant.FieldID)).AllX(sysCtx)
		for _, p := range db.Client.Posting.Query().Order(ent.Asc("id")).AllX(sysCtx) {
			if p.AgencyID == ag.ID {
				w.posting = append(w.posting, p)
			}
		}
		worlds = append(worlds, w)
	}
	router := routing.NewRouter(db.Client, true, nil)
	n := hammer(t, router, db.Client, worlds, from, to, 16)
	fmt.Printf("pid %d created %d inquiries\n", os.Getpid(), n)
}

// TestConcurrentSweepers: four sweepers (own pools, as four processes would have) run at once over
// the same timed-out inquiries; each inquiry is timed out exactly once.
func TestConcurrentSweepers(t *testing.T) {
	url := dbtest.ScratchPostgres(t)
	open := func() *database.DB {
		db, err := database.Open(context.Background(), database.Config{URL: url, MaxOpenConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open()
	if err := db.Migrate(context.Background(), quiet()); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, db.Client, true, "sweepers", agency.RoutingModeCOORDINATOR, 4, 0, 100, 60)
	for i := range w.reg {
		mustAsk(t, w, i, -1, inquiry.KindGENERAL)
	}
	later := w.clock.Add(31 * time.Minute)
	var wg sync.WaitGroup
	var timedOut atomic.Int64
	for range 4 {
		r := routing.NewRouter(open().Client, true, nil)
		r.SetClock(func() time.Time { return later })
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := r.Sweep(context.Background())
			if err != nil {
				t.Error(err)
			}
			timedOut.Add(int64(res.TimedOut))
		}()
	}
	wg.Wait()
	if timedOut.Load() != int64(len(w.reg)) {
		t.Fatalf("%d timeouts across sweepers, want %d (one per inquiry)", timedOut.Load(), len(w.reg))
	}
	for _, q := range db.Client.Inquiry.Query().AllX(sysCtx) {
		n := db.Client.RoutingDecision.Query().Where(routingdecision.InquiryID(q.ID), routingdecision.ActionEQ(routingdecision.ActionTIMEOUT)).CountX(sysCtx)
		if n != 1 {
			t.Fatalf("inquiry %d timed out %d times", q.ID, n)
		}
	}
	checkCounters(t, db.Client, w)
}

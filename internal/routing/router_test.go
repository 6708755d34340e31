package routing_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/routingdecision"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/routing"
)

// world is a small agency: coordinators C[i] and account reps R[i] with their accounts, postings
// P[i] owned by R[i], and registrants G[i].
type world struct {
	client  *ent.Client
	router  *routing.Router
	agency  *ent.Agency
	C, R    []*ent.Account // staff accounts, index-aligned with coord/rep
	coord   []*ent.Coordinator
	rep     []*ent.SalesRep
	posting []*ent.Posting
	reg     []*ent.Registrant
	clock   *time.Time
}

var sysCtx = access.System(context.Background(), "routing test fixture")

// monday10 is a business time in Tokyo.
var monday10 = time.Date(2026, 11, 16, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))

func newWorld(t testing.TB, db *ent.Client, postgres bool, slug string, mode agency.RoutingMode, nCoord, nRep, capacity, nReg int) *world {
	t.Helper()
	w := &world{client: db}
	now := monday10
	w.clock = &now
	w.router = routing.NewRouter(db, postgres, nil)
	w.router.SetClock(func() time.Time { return *w.clock })
	ctx := sysCtx
	w.agency = db.Agency.Create().SetName(slug).SetSlug(slug).SetRoutingMode(mode).SetInquiryRateLimit(5).SaveX(ctx)
	for i := range nCoord {
		a := db.Account.Create().SetAgencyID(w.agency.ID).SetEmail(fmt.Sprintf("c%d@%s.example", i, slug)).SetPasswordHash("x").SetRole(account.RoleCOORDINATOR).SaveX(ctx)
		c := db.Coordinator.Create().SetAgencyID(w.agency.ID).SetName(fmt.Sprintf("C%d", i)).SetAccountID(a.ID).SetCapacity(capacity).SaveX(ctx)
		w.C, w.coord = append(w.C, a), append(w.coord, c)
	}
	site := db.ClientSite.Create().SetAgencyID(w.agency.ID).
		SetClientID(db.ClientCompany.Create().SetAgencyID(w.agency.ID).SetName("X").SetIndustry("製造業").SaveX(ctx).ID).
		SetName("S").SetAddress("a").SetPrefecture("東京都").SaveX(ctx)
	unit := db.OrgUnit.Create().SetAgencyID(w.agency.ID).SetSiteID(site.ID).SetName("U").SaveX(ctx)
	for i := range nRep {
		a := db.Account.Create().SetAgencyID(w.agency.ID).SetEmail(fmt.Sprintf("r%d@%s.example", i, slug)).SetPasswordHash("x").SetRole(account.RoleSALES_REP).SaveX(ctx)
		r := db.SalesRep.Create().SetAgencyID(w.agency.ID).SetName(fmt.Sprintf("R%d", i)).SetKind(salesrep.KindACCOUNT).SetAccountID(a.ID).SetCapacity(capacity).SaveX(ctx)
		p := db.Posting.Create().SetAgencyID(w.agency.ID).SetOrgUnitID(unit.ID).SetAccountRepID(r.ID).SetTitle(fmt.Sprintf("P%d", i)).
			SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").SetStatus(posting.StatusOPEN).SaveX(ctx)
		w.R, w.rep, w.posting = append(w.R, a), append(w.rep, r), append(w.posting, p)
	}
	for i := range nReg {
		w.reg = append(w.reg, db.Registrant.Create().SetAgencyID(w.agency.ID).SetName(fmt.Sprintf("G%d", i)).SetPrefecture("東京都").SaveX(ctx))
	}
	return w
}

func (w *world) ask(t testing.TB, reg int, postingIdx int, kind inquiry.Kind, key string) (*ent.Inquiry, error) {
	t.Helper()
	in := routing.NewInquiry{AgencyID: w.agency.ID, RegistrantID: w.reg[reg].ID, Kind: kind,
		Channel: inquiry.ChannelAPP, Origin: inquiry.OriginREGISTRANT, Message: "質問です"}
	if postingIdx >= 0 {
		in.PostingID = &w.posting[postingIdx].ID
	}
	if key != "" {
		in.IdempotencyKey = &key
	}
	return w.router.Create(sysCtx, in) // a trusted caller, as the next-job job is
}

func staffViewer(a *ent.Account, profileID int) *auth.Viewer {
	return &auth.Viewer{AccountID: a.ID, AgencyID: a.AgencyID, Role: auth.Role(a.Role), ProfileID: profileID}
}

func mustAsk(t testing.TB, w *world, reg, p int, kind inquiry.Kind) *ent.Inquiry {
	t.Helper()
	inq, err := w.ask(t, reg, p, kind, "")
	if err != nil {
		t.Fatal(err)
	}
	return inq
}

func TestRouterFlows(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			pg := kind == dbtest.Postgres
			ctx := context.Background()

			t.Run("coordinator mode: assign, decline, hand off, resolve frees capacity", func(t *testing.T) {
				db := dbtest.Open(t, kind)
				w := newWorld(t, db.Client, pg, "coord-"+string(kind), agency.RoutingModeCOORDINATOR, 2, 1, 1, 4)
				a := mustAsk(t, w, 0, 0, inquiry.KindPOSTING_QUESTION)
				if a.Status != inquiry.StatusASSIGNED || a.CoordinatorID == nil || a.SalesRepID != nil {
					t.Fatalf("first inquiry: %v coordinator=%v rep=%v", a.Status, a.CoordinatorID, a.SalesRepID)
				}
				first := *a.CoordinatorID
				d := db.Client.RoutingDecision.Query().Where(routingdecision.InquiryID(a.ID)).OnlyX(sysCtx)
				if len(d.Candidates) != 2 || d.Reason == "" || d.ChosenCoordinatorID == nil {
					t.Fatalf("decision not recorded with candidates and reason: %+v", d)
				}
				b := mustAsk(t, w, 1, -1, inquiry.KindGENERAL)
				if b.CoordinatorID == nil || *b.CoordinatorID == first {
					t.Fatalf("second inquiry should go to the other coordinator: %v", b.CoordinatorID)
				}
				c := mustAsk(t, w, 2, -1, inquiry.KindGENERAL)
				if c.Status != inquiry.StatusQUEUED {
					t.Fatalf("capacity 1+1 full: third must queue, got %v", c.Status)
				}
				// The holder of a declines: it cannot go back to them, the other is full → queued.
				holder := idx(w.coord, first)
				if _, err := w.router.Decline(ctx, staffViewer(w.C[holder], first), a.ID, "担当外"); err != nil {
					t.Fatal(err)
				}
				// Capacity freed by the decline went to the queue head (c), a waits.
				if got := db.Client.Inquiry.GetX(sysCtx, c.ID); got.Status != inquiry.StatusASSIGNED || *got.CoordinatorID != first {
					t.Fatalf("queued inquiry not picked up after decline: %v %v", got.Status, got.CoordinatorID)
				}
				if got := db.Client.Inquiry.GetX(sysCtx, a.ID); got.Status != inquiry.StatusQUEUED {
					t.Fatalf("declined inquiry: %v, want QUEUED", got.Status)
				}
				// Resolve b: its coordinator frees up and takes a (a's decliner is excluded).
				if _, err := w.router.Resolve(ctx, staffViewer(w.C[idx(w.coord, *b.CoordinatorID)], *b.CoordinatorID), b.ID); err != nil {
					t.Fatal(err)
				}
				ga := db.Client.Inquiry.GetX(sysCtx, a.ID)
				if ga.Status != inquiry.StatusASSIGNED || *ga.CoordinatorID == first {
					t.Fatalf("after resolve a should go to the other coordinator: %v %v", ga.Status, ga.CoordinatorID)
				}
				// Hand-off to the posting's account rep.
				out, err := w.router.HandOff(ctx, staffViewer(w.C[idx(w.coord, *ga.CoordinatorID)], *ga.CoordinatorID), a.ID, "応募希望")
				if err != nil {
					t.Fatal(err)
				}
				if out.Status != inquiry.StatusHANDED_OFF || out.SalesRepID == nil || *out.SalesRepID != w.rep[0].ID || out.CoordinatorID != nil {
					t.Fatalf("hand-off: %v rep=%v coord=%v", out.Status, out.SalesRepID, out.CoordinatorID)
				}
				// Only the assignee acts. The router checks scope itself (issue 14): once handed off, the
				// inquiry is outside the coordinator's scope, so it does not exist for them — the answer
				// the API gave before, when only the resolver checked.
				if _, err := w.router.Resolve(ctx, staffViewer(w.C[0], w.coord[0].ID), a.ID); !errors.Is(err, routing.ErrNotFound) {
					t.Fatalf("non-assignee resolve: %v", err)
				}
				if _, err := w.router.Acknowledge(ctx, staffViewer(w.R[0], w.rep[0].ID), a.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := w.router.Acknowledge(ctx, staffViewer(w.R[0], w.rep[0].ID), a.ID); !errors.Is(err, routing.ErrInvalidTransition) {
					t.Fatalf("double acknowledge: %v", err)
				}
				checkCounters(t, db.Client, w)
				actions := decisionActions(db.Client, a.ID)
				if fmt.Sprint(actions) != "[ASSIGN DECLINE QUEUE ASSIGN HAND_OFF]" {
					t.Fatalf("history of a: %v", actions)
				}
			})

			t.Run("direct mode: posting's account rep, next job to the latest rep or the desk", func(t *testing.T) {
				db := dbtest.Open(t, kind)
				w := newWorld(t, db.Client, pg, "direct-"+string(kind), agency.RoutingModeDIRECT, 0, 3, 2, 3)
				q := mustAsk(t, w, 0, 1, inquiry.KindPOSTING_QUESTION)
				if q.SalesRepID == nil || *q.SalesRepID != w.rep[1].ID {
					t.Fatalf("posting question went to %v, want the posting's rep %d", q.SalesRepID, w.rep[1].ID)
				}
				n := mustAsk(t, w, 1, -1, inquiry.KindNEXT_JOB)
				if n.SalesRepID == nil || n.Status != inquiry.StatusASSIGNED {
					t.Fatalf("next job went to %v (%v), want a rep from the desk", n.SalesRepID, n.Status)
				}
				// Switching the mode affects new inquiries only.
				if _, err := w.router.SetMode(sysCtx, w.agency.ID, agency.RoutingModeCOORDINATOR); err != nil {
					t.Fatal(err)
				}
				if got := db.Client.Inquiry.GetX(sysCtx, q.ID); got.SalesRepID == nil || *got.SalesRepID != w.rep[1].ID {
					t.Fatalf("open inquiry lost its assignee on mode switch")
				}
				later := mustAsk(t, w, 2, 0, inquiry.KindPOSTING_QUESTION)
				if later.Status != inquiry.StatusQUEUED {
					t.Fatalf("no coordinators in this agency: a new inquiry must queue after the switch, got %v", later.Status)
				}
			})

			t.Run("contact pressure: rate limit, one open per posting, idempotency", func(t *testing.T) {
				db := dbtest.Open(t, kind)
				w := newWorld(t, db.Client, pg, "limits-"+string(kind), agency.RoutingModeCOORDINATOR, 1, 2, 10, 1)
				k1, err := w.ask(t, 0, 0, inquiry.KindPOSTING_QUESTION, "key-1")
				if err != nil {
					t.Fatal(err)
				}
				again, err := w.ask(t, 0, 0, inquiry.KindPOSTING_QUESTION, "key-1")
				if err != nil || again.ID != k1.ID {
					t.Fatalf("retry with the same key: %v, id %v vs %v", err, again, k1.ID)
				}
				_, err = w.ask(t, 0, 0, inquiry.KindPOSTING_QUESTION, "key-2")
				var cf *routing.ConflictError
				if !errors.As(err, &cf) || cf.InquiryID != k1.ID {
					t.Fatalf("second open inquiry on the same posting: %v", err)
				}
				for i := range 4 {
					if _, err := w.ask(t, 0, -1, inquiry.KindGENERAL, fmt.Sprint("g", i)); err != nil {
						t.Fatalf("inquiry %d within the limit: %v", i+2, err)
					}
				}
				_, err = w.ask(t, 0, -1, inquiry.KindGENERAL, "g-over")
				var rl *routing.RateLimitError
				if !errors.As(err, &rl) || !rl.RetryAt.Equal(k1.CreatedAt.Add(24*time.Hour)) {
					t.Fatalf("6th inquiry in 24h: %v (retry %v, first at %v)", err, rl, k1.CreatedAt)
				}
				if reg := db.Client.Registrant.GetX(sysCtx, w.reg[0].ID); reg.ContactPressureFlaggedAt == nil {
					t.Fatal("registrant not flagged for staff")
				}
				// A day later the limit has passed.
				*w.clock = w.clock.Add(25 * time.Hour)
				if _, err := w.ask(t, 0, -1, inquiry.KindGENERAL, "next-day"); err != nil {
					t.Fatalf("after 24h: %v", err)
				}
			})

			t.Run("sweeper: ack timeout reassigns, SLA escalates", func(t *testing.T) {
				db := dbtest.Open(t, kind)
				w := newWorld(t, db.Client, pg, "sweep-"+string(kind), agency.RoutingModeCOORDINATOR, 2, 0, 1, 3)
				a := mustAsk(t, w, 0, -1, inquiry.KindGENERAL)
				first := *a.CoordinatorID
				// 30 business minutes later it is still unacknowledged.
				*w.clock = w.clock.Add(31 * time.Minute)
				res, err := w.router.Sweep(ctx)
				if err != nil || res.TimedOut != 1 {
					t.Fatalf("sweep: %+v %v", res, err)
				}
				got := db.Client.Inquiry.GetX(sysCtx, a.ID)
				if got.Status != inquiry.StatusASSIGNED || *got.CoordinatorID == first {
					t.Fatalf("timed-out inquiry should go to the other coordinator: %v %v", got.Status, got.CoordinatorID)
				}
				// Both coordinators used up (one timed out on a and is excluded for it; capacity 1 each).
				b := mustAsk(t, w, 1, -1, inquiry.KindGENERAL)
				c := mustAsk(t, w, 2, -1, inquiry.KindGENERAL)
				if c.Status != inquiry.StatusQUEUED {
					t.Fatalf("c should queue: %v (b %v)", c.Status, b.Status)
				}
				*w.clock = w.clock.Add(24 * time.Hour) // past the 120-business-minute SLA
				res, err = w.router.Sweep(ctx)
				if err != nil || res.Escalated < 1 {
					t.Fatalf("sweep: %+v %v", res, err)
				}
				if got := db.Client.Inquiry.GetX(sysCtx, c.ID); got.EscalatedAt == nil || got.Priority != 1 {
					t.Fatalf("escalation not recorded: %+v", got)
				}
				checkCounters(t, db.Client, w)
			})
		})
	}
}

func idx(cs []*ent.Coordinator, id int) int {
	for i, c := range cs {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func decisionActions(c *ent.Client, inquiryID int) []string {
	ds := c.RoutingDecision.Query().Where(routingdecision.InquiryID(inquiryID)).
		Order(ent.Asc(routingdecision.FieldID)).AllX(sysCtx)
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Action.String()
	}
	return out
}

// checkCounters: every assignee's open_inquiries equals its open assigned inquiries and is within
// capacity; no inquiry has two assignees; every inquiry is assigned or queued or closed.
func checkCounters(t testing.TB, c *ent.Client, w *world) {
	t.Helper()
	open := []inquiry.Status{inquiry.StatusASSIGNED, inquiry.StatusACKNOWLEDGED, inquiry.StatusHANDED_OFF}
	inqs := c.Inquiry.Query().Where(inquiry.AgencyID(w.agency.ID)).AllX(sysCtx)
	byCoord, byRep := map[int]int{}, map[int]int{}
	for _, q := range inqs {
		if q.CoordinatorID != nil && q.SalesRepID != nil {
			t.Fatalf("inquiry %d has two assignees", q.ID)
		}
		isOpen := false
		for _, s := range open {
			isOpen = isOpen || q.Status == s
		}
		switch {
		case isOpen && q.CoordinatorID != nil:
			byCoord[*q.CoordinatorID]++
		case isOpen && q.SalesRepID != nil:
			byRep[*q.SalesRepID]++
		case isOpen:
			t.Fatalf("inquiry %d is %v without an assignee", q.ID, q.Status)
		case q.Status == inquiry.StatusQUEUED && (q.CoordinatorID != nil || q.SalesRepID != nil):
			t.Fatalf("queued inquiry %d has an assignee", q.ID)
		}
	}
	for _, co := range w.coord {
		got := c.Coordinator.GetX(sysCtx, co.ID)
		if got.OpenInquiries != byCoord[co.ID] || got.OpenInquiries > got.Capacity {
			t.Fatalf("coordinator %s: counter %d, open inquiries %d, capacity %d", got.Name, got.OpenInquiries, byCoord[co.ID], got.Capacity)
		}
	}
	for _, r := range w.rep {
		got := c.SalesRep.GetX(sysCtx, r.ID)
		if got.OpenInquiries != byRep[r.ID] || got.OpenInquiries > got.Capacity {
			t.Fatalf("rep %s: counter %d, open inquiries %d, capacity %d", got.Name, got.OpenInquiries, byRep[r.ID], got.Capacity)
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

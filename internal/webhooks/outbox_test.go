package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/assignment"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/webhookdelivery"
	"github.com/example/staffcrm/ent/webhookevent"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/postings"
	"github.com/example/staffcrm/internal/records"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/webhooks"
)

// fixture is the demo data with the admin of each agency in a context.
type fixture struct {
	db          *database.DB
	sys         context.Context
	admin       context.Context // demo's admin
	otherAdmin  context.Context // direct's admin
	agencyID    int
	svc         *webhooks.Service
	postingOpen *ent.Posting // an OPEN posting of demo
}

func newFixture(t testing.TB, kind dbtest.Kind) *fixture {
	t.Helper()
	return newFixtureDB(t, func(t testing.TB) *database.DB { return dbtest.Open(t, kind) })
}

func newFixtureDB(t testing.TB, open func(testing.TB) *database.DB) *fixture {
	t.Helper()
	db := open(t)
	sys := access.System(context.Background(), "test: seed and fixtures")
	if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return "x:" + pw, nil }); err != nil {
		t.Fatal(err)
	}
	as := func(email string) context.Context {
		a := db.Client.Account.Query().Where(account.Email(email)).OnlyX(sys)
		return auth.WithViewer(context.Background(), &auth.Viewer{AccountID: a.ID, AgencyID: a.AgencyID, Role: auth.RoleAdmin})
	}
	f := &fixture{db: db, sys: sys, admin: as("admin@demo.example"), otherAdmin: as("admin@direct.example"),
		svc: &webhooks.Service{Client: db.Client}}
	v, _ := auth.ViewerFrom(f.admin)
	f.agencyID = v.AgencyID
	f.postingOpen = db.Client.Posting.Query().Where(posting.AgencyID(f.agencyID), posting.StatusEQ(posting.StatusOPEN)).
		FirstX(sys)
	return f
}

func (f *fixture) endpoint(t testing.TB, ctx context.Context, url string, types ...string) webhooks.Created {
	t.Helper()
	c, err := f.svc.Create(ctx, webhooks.EndpointInput{URL: &url, EventTypes: types})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// setStatus writes a posting's status as staff do: in a transaction, under the admin's privacy.
func (f *fixture) setStatus(t testing.TB, id int, st posting.Status) {
	t.Helper()
	if _, err := (&postings.Service{Client: f.db.Client}).Update(f.admin, id, ent.UpdatePostingInput{Status: &st}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) events(t testing.TB) []*ent.WebhookEvent {
	t.Helper()
	return f.db.Client.WebhookEvent.Query().Order(webhookevent.ByID()).WithDeliveries().AllX(f.sys)
}

// TestOutboxAtomic: the event is written with the change or not at all, and only for endpoints that
// asked for it; a change that could not be written atomically with its event is refused.
func TestOutboxAtomic(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			c := f.db.Client
			ep := f.endpoint(t, f.admin, "http://127.0.0.1:1/hook", webhooks.PostingOpened, webhooks.PostingClosed)
			f.endpoint(t, f.admin, "http://127.0.0.1:1/inquiries", webhooks.InquiryAssigned) // not subscribed to postings
			f.endpoint(t, f.otherAdmin, "http://127.0.0.1:1/other", webhooks.PostingOpened, webhooks.PostingClosed)
			p := f.postingOpen

			// Rolled back: no event.
			rollback := errors.New("roll back")
			err := dbtx.WithTx(f.admin, c, func(tx *ent.Tx) error {
				if _, err := tx.Posting.UpdateOneID(p.ID).SetStatus(posting.StatusCLOSED).Save(f.admin); err != nil {
					return err
				}
				return rollback
			})
			if !errors.Is(err, rollback) || len(f.events(t)) != 0 {
				t.Fatalf("rolled back change: %v, %d events", err, len(f.events(t)))
			}

			// Committed: one event, one delivery to the one subscribed endpoint of this agency.
			f.setStatus(t, p.ID, posting.StatusCLOSED)
			evs := f.events(t)
			if len(evs) != 1 || evs[0].Type != webhooks.PostingClosed || len(evs[0].Edges.Deliveries) != 1 ||
				evs[0].Edges.Deliveries[0].EndpointID != ep.Endpoint.ID || evs[0].AgencyID != f.agencyID {
				t.Fatalf("committed change: %+v", evs)
			}
			if d := evs[0].Edges.Deliveries[0]; d.Status != webhookdelivery.StatusPENDING || d.Attempts != 0 {
				t.Errorf("new delivery %+v", d)
			}

			// The same status again is no change.
			f.setStatus(t, p.ID, posting.StatusCLOSED)
			if n := len(f.events(t)); n != 1 {
				t.Errorf("rewriting the status made %d events", n)
			}

			// Outside a transaction: refused, nothing written.
			_, err = c.Posting.UpdateOneID(p.ID).SetStatus(posting.StatusOPEN).Save(f.admin)
			if !errors.Is(err, webhooks.ErrNoTransaction) {
				t.Errorf("change outside a transaction: %v", err)
			}
			if got := c.Posting.GetX(f.sys, p.ID).Status; got != posting.StatusCLOSED {
				t.Errorf("refused change was written: %s", got)
			}
			// A bulk update cannot be reported row by row: refused.
			err = dbtx.WithTx(f.admin, c, func(tx *ent.Tx) error {
				return tx.Posting.Update().Where(posting.ID(p.ID)).SetStatus(posting.StatusOPEN).Exec(f.admin)
			})
			if !errors.Is(err, webhooks.ErrBulkChange) {
				t.Errorf("bulk change: %v", err)
			}

			// Paused endpoints are not written to; other fields of the posting never make events.
			off := false
			if _, err := f.svc.Update(f.admin, ep.Endpoint.ID, webhooks.EndpointInput{Enabled: &off}); err != nil {
				t.Fatal(err)
			}
			f.setStatus(t, p.ID, posting.StatusOPEN)
			if _, err := c.Posting.UpdateOneID(p.ID).SetTitle("renamed").Save(f.admin); err != nil {
				t.Fatalf("a change webhooks do not report, outside a transaction: %v", err)
			}
			if n := len(f.events(t)); n != 1 {
				t.Errorf("%d events with the endpoint paused", n)
			}
		})
	}
}

// receiver is a test endpoint that verifies every signature and counts deliveries by event id.
type receiver struct {
	t      testing.TB
	secret string
	mu     sync.Mutex
	// answer decides the status of the n-th request (1-based) for an event id.
	answer   func(eventID string, n int) int
	attempts map[string][]time.Time
	accepted map[string]int
	srv      *httptest.Server
}

func newReceiver(t testing.TB, answer func(string, int) int) *receiver {
	r := &receiver{t: t, answer: answer, attempts: map[string][]time.Time{}, accepted: map[string]int{}}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	secret := r.secret
	r.mu.Unlock()
	if err := webhooks.Verify(req.Header, secret, body, time.Now(), 5*time.Minute); err != nil {
		r.t.Errorf("bad signature on %s: %v", req.Header.Get(webhooks.HeaderID), err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	id := req.Header.Get(webhooks.HeaderID)
	r.mu.Lock()
	r.attempts[id] = append(r.attempts[id], time.Now())
	n := len(r.attempts[id])
	r.mu.Unlock()
	code := r.answer(id, n)
	if code >= 200 && code < 300 {
		r.mu.Lock()
		r.accepted[id]++
		r.mu.Unlock()
	}
	w.WriteHeader(code)
}

func (r *receiver) setSecret(s string) { r.mu.Lock(); r.secret = s; r.mu.Unlock() }

func (r *receiver) snapshot() (attempts map[string][]time.Time, accepted map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	attempts = map[string][]time.Time{}
	for k, v := range r.attempts {
		attempts[k] = append([]time.Time(nil), v...)
	}
	accepted = map[string]int{}
	for k, v := range r.accepted {
		accepted[k] = v
	}
	return attempts, accepted
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newWorker(db *database.DB, cfg webhooks.Config) *webhooks.Worker {
	return &webhooks.Worker{Client: db.Client, Postgres: !db.Embedded(), HTTP: webhooks.Targets{}.HTTPClient(cfg.Timeout),
		Config: cfg, Log: quiet()}
}

func fastConfig() webhooks.Config {
	return webhooks.Config{Retry: webhooks.Retry{Base: 40 * time.Millisecond, Cap: time.Second, Window: time.Minute},
		Timeout: 2 * time.Second, Concurrency: 8, PerEndpoint: 2, Poll: 20 * time.Millisecond}
}

// drainUntil runs the worker's Drain until cond holds or the deadline passes.
func drainUntil(t testing.TB, w *webhooks.Worker, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in time")
		}
		if _, err := w.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRetriedUntilAccepted: a receiver failing the first 3 deliveries gets the event again after
// growing waits, with a valid signature each time, and it reaches it once by its event id.
func TestRetriedUntilAccepted(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			rcv := newReceiver(t, func(_ string, n int) int {
				if n <= 3 {
					return http.StatusServiceUnavailable
				}
				return http.StatusNoContent
			})
			ep := f.endpoint(t, f.admin, rcv.srv.URL, webhooks.PostingClosed)
			rcv.setSecret(ep.Secret)
			f.setStatus(t, f.postingOpen.ID, posting.StatusCLOSED)
			cfg := fastConfig()
			w := newWorker(f.db, cfg)
			drainUntil(t, w, 15*time.Second, func() bool { _, acc := rcv.snapshot(); return len(acc) == 1 })
			attempts, accepted := rcv.snapshot()
			if len(attempts) != 1 || len(accepted) != 1 {
				t.Fatalf("event ids seen: %v accepted %v", attempts, accepted)
			}
			for id, at := range attempts {
				if len(at) != 4 || accepted[id] != 1 {
					t.Fatalf("%s: %d attempts, accepted %d times", id, len(at), accepted[id])
				}
				for i := 1; i < len(at); i++ {
					// Wait after failure i: Base·2^(i−1) × jitter ≥ 0.8.
					min := time.Duration(float64(cfg.Retry.Base<<(i-1)) * 0.8)
					if gap := at[i].Sub(at[i-1]); gap < min {
						t.Errorf("retry %d after %s, want ≥ %s", i, gap, min)
					}
				}
			}
			d := f.db.Client.WebhookDelivery.Query().OnlyX(f.sys)
			if d.Status != webhookdelivery.StatusDELIVERED || d.Attempts != 4 || d.LastStatusCode == nil ||
				*d.LastStatusCode != http.StatusNoContent || d.DeliveredAt == nil || d.LeaseUntil != nil {
				t.Errorf("delivery log %+v", d)
			}
			// Nothing more is sent.
			if n, err := w.Drain(context.Background()); err != nil || n != 0 {
				t.Errorf("after delivery: %d calls, %v", n, err)
			}
		})
	}
}

// TestDeadReceiverDoesNotStall: an endpoint that never answers holds at most its own slots; the
// other endpoint's events arrive meanwhile.
func TestDeadReceiverDoesNotStall(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			stop := make(chan struct{})
			var stopOnce sync.Once
			unblock := func() { stopOnce.Do(func() { close(stop) }) }
			var hanging, most atomic.Int32
			dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := hanging.Add(1)
				defer hanging.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				select {
				case <-stop:
				case <-r.Context().Done():
				}
			}))
			t.Cleanup(dead.Close)
			t.Cleanup(unblock) // runs first: the server's Close waits for its handlers
			live := newReceiver(t, func(string, int) int { return http.StatusOK })
			f.endpoint(t, f.admin, dead.URL, webhooks.PostingOpened, webhooks.PostingClosed)
			ep := f.endpoint(t, f.admin, live.srv.URL, webhooks.PostingOpened, webhooks.PostingClosed)
			live.setSecret(ep.Secret)
			for i := 0; i < 5; i++ {
				f.setStatus(t, f.postingOpen.ID, posting.StatusPAUSED)
				f.setStatus(t, f.postingOpen.ID, posting.StatusOPEN)
			}
			cfg := fastConfig()
			cfg.Timeout = 30 * time.Second // the dead endpoint's calls outlast the test
			cfg.Concurrency = 4
			w := newWorker(f.db, cfg)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); w.Run(ctx) }()
			start := time.Now()
			for {
				_, acc := live.snapshot()
				if len(acc) == 10 {
					break
				}
				if time.Since(start) > 10*time.Second {
					t.Fatalf("live endpoint got %d of 10 events while the other hung", len(acc))
				}
				time.Sleep(10 * time.Millisecond)
			}
			if n := int(most.Load()); n != cfg.PerEndpoint {
				t.Errorf("at most %d calls at once to the dead endpoint, want its %d slots", n, cfg.PerEndpoint)
			}
			cancel()
			unblock() // the hung calls end; Run waits for them, then returns
			<-done
		})
	}
}

type alerts struct {
	mu  sync.Mutex
	got []string
}

func (a *alerts) EndpointDisabled(_ context.Context, ep *ent.WebhookEndpoint, reason string) {
	a.mu.Lock()
	a.got = append(a.got, ep.URL+": "+reason)
	a.mu.Unlock()
}

// TestEndpointDisabledAndReplayed: past the retry window the delivery fails, the endpoint is
// disabled and admins are told; 410 Gone disables at once; re-enabling resumes pending events and
// a replay sends an event again under its id.
func TestEndpointDisabledAndReplayed(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			var mu sync.Mutex
			status := http.StatusInternalServerError
			rcv := newReceiver(t, func(string, int) int { mu.Lock(); defer mu.Unlock(); return status })
			ep := f.endpoint(t, f.admin, rcv.srv.URL, webhooks.PostingOpened, webhooks.PostingClosed)
			rcv.setSecret(ep.Secret)
			cfg := fastConfig()
			cfg.Retry.Window = 150 * time.Millisecond
			w := newWorker(f.db, cfg)
			al := &alerts{}
			w.Alert = al
			f.setStatus(t, f.postingOpen.ID, posting.StatusCLOSED)
			drainUntil(t, w, 10*time.Second, func() bool {
				return f.db.Client.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusFAILED)).ExistX(f.sys)
			})
			got := f.db.Client.WebhookEndpoint.GetX(f.sys, ep.Endpoint.ID)
			if got.Enabled || got.DisabledAt == nil || got.DisabledReason == "" || len(al.got) != 1 {
				t.Fatalf("endpoint after a failed day: enabled %v reason %q alerts %v", got.Enabled, got.DisabledReason, al.got)
			}
			// While disabled, new events wait.
			f.setStatus(t, f.postingOpen.ID, posting.StatusOPEN) // paused endpoint: not even written
			if n, _ := w.Drain(context.Background()); n != 0 {
				t.Errorf("%d calls to a disabled endpoint", n)
			}
			// Re-enabled: the admin replays the failed delivery; it arrives with the same event id.
			mu.Lock()
			status = http.StatusOK
			mu.Unlock()
			on := true
			if _, err := f.svc.Update(f.admin, ep.Endpoint.ID, webhooks.EndpointInput{Enabled: &on}); err != nil {
				t.Fatal(err)
			}
			failed := f.db.Client.WebhookDelivery.Query().OnlyX(f.sys)
			if _, err := f.svc.Replay(f.otherAdmin, failed.ID); !errors.Is(err, webhooks.ErrNotFound) {
				t.Errorf("another agency's admin replayed it: %v", err)
			}
			replay, err := f.svc.Replay(f.admin, failed.ID)
			if err != nil {
				t.Fatal(err)
			}
			drainUntil(t, w, 10*time.Second, func() bool { _, acc := rcv.snapshot(); return len(acc) == 1 })
			attempts, _ := rcv.snapshot()
			ev := f.db.Client.WebhookEvent.GetX(f.sys, failed.EventID)
			if len(attempts[ev.EventID]) < 2 || replay.EventID != ev.EventID {
				t.Errorf("replay of %s: attempts %v", ev.EventID, attempts)
			}
			log, err := f.svc.Deliveries(f.admin, webhooks.DeliveryFilter{EndpointID: &ep.Endpoint.ID})
			if err != nil || len(log) != 2 || log[0].Status != "DELIVERED" || log[1].Status != "FAILED" || log[0].Payload == "" {
				t.Errorf("delivery log %v %+v", err, log)
			}
			if other, err := f.svc.Deliveries(f.otherAdmin, webhooks.DeliveryFilter{}); err != nil || len(other) != 0 {
				t.Errorf("another agency's log: %v %v", err, other)
			}

			// 410 Gone: disabled at once.
			mu.Lock()
			status = http.StatusGone
			mu.Unlock()
			f.setStatus(t, f.postingOpen.ID, posting.StatusCLOSED)
			drainUntil(t, w, 10*time.Second, func() bool { return !f.db.Client.WebhookEndpoint.GetX(f.sys, ep.Endpoint.ID).Enabled })
			if r := f.db.Client.WebhookEndpoint.GetX(f.sys, ep.Endpoint.ID).DisabledReason; r != "the receiver answered 410 Gone" {
				t.Errorf("reason %q", r)
			}
		})
	}
}

// TestEndpointRules: admins only, each agency its own, inputs validated field by field.
func TestEndpointRules(t *testing.T) {
	f := newFixture(t, dbtest.SQLite)
	url := "https://hooks.example.com/x"
	coordinator := auth.WithViewer(context.Background(), &auth.Viewer{AccountID: 1, AgencyID: f.agencyID, Role: auth.RoleCoordinator, ProfileID: 1})
	if _, err := f.svc.Create(coordinator, webhooks.EndpointInput{URL: &url, EventTypes: []string{webhooks.PostingOpened}}); !errors.Is(err, webhooks.ErrAdminOnly) {
		t.Errorf("coordinator: %v", err)
	}
	if _, err := f.svc.Create(context.Background(), webhooks.EndpointInput{URL: &url, EventTypes: []string{webhooks.PostingOpened}}); !errors.Is(err, access.ErrNoViewer) {
		t.Errorf("anonymous: %v", err)
	}
	bad := []struct {
		in    webhooks.EndpointInput
		field string
	}{
		{webhooks.EndpointInput{EventTypes: []string{webhooks.PostingOpened}}, "url"},
		{webhooks.EndpointInput{URL: ptr("ftp://x.example/"), EventTypes: []string{webhooks.PostingOpened}}, "url"},
		{webhooks.EndpointInput{URL: &url}, "eventTypes"},
		{webhooks.EndpointInput{URL: &url, EventTypes: []string{"posting.deleted"}}, "eventTypes"},
		{webhooks.EndpointInput{URL: &url, EventTypes: []string{webhooks.PostingOpened}, Secret: ptr("hunter2")}, "secret"},
		{webhooks.EndpointInput{URL: &url, EventTypes: []string{webhooks.PostingOpened}, Description: ptr(string(make([]rune, 201)))}, "description"},
	}
	for _, tc := range bad {
		_, err := f.svc.Create(f.admin, tc.in)
		if !containsField(err, tc.field) {
			t.Errorf("%+v: %v, want a BAD_USER_INPUT on %s", tc.in, err, tc.field)
		}
	}
	c := f.endpoint(t, f.admin, url, webhooks.PostingOpened, webhooks.PostingOpened)
	if len(c.Endpoint.EventTypes) != 1 || c.Secret == "" || webhooks.CheckSecret(c.Secret) != nil {
		t.Errorf("created %+v", c)
	}
	if _, err := f.svc.Update(f.otherAdmin, c.Endpoint.ID, webhooks.EndpointInput{URL: &url}); !errors.Is(err, webhooks.ErrNotFound) {
		t.Errorf("another agency's admin changed it: %v", err)
	}
	if err := f.svc.Delete(f.otherAdmin, c.Endpoint.ID); !errors.Is(err, webhooks.ErrNotFound) {
		t.Errorf("another agency's admin deleted it: %v", err)
	}
	rot, err := f.svc.RotateSecret(f.admin, c.Endpoint.ID)
	if err != nil || rot.Secret == c.Secret {
		t.Errorf("rotate: %v", err)
	}
	if list, _ := f.svc.Endpoints(f.otherAdmin); len(list) != 0 {
		t.Errorf("another agency lists %d endpoints", len(list))
	}
	if err := f.svc.Delete(f.admin, c.Endpoint.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.svc.Endpoints(f.admin); len(list) != 0 {
		t.Errorf("deleted endpoint listed")
	}
}

func ptr[T any](v T) *T { return &v }

func containsField(err error, field string) bool {
	var ie *invalid.Error
	return errors.As(err, &ie) && ie.Field == field
}

// TestComplianceRemindersOnce: the reminders job reports a site's conflict date falling due to the
// endpoints that asked, once however often it runs.
func TestComplianceRemindersOnce(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			c := f.db.Client
			f.endpoint(t, f.admin, "http://127.0.0.1:1/compliance", webhooks.ComplianceReminder)
			today := time.Now().UTC().Truncate(24 * time.Hour)
			due := today.AddDate(0, 0, 10)
			a := c.Assignment.Query().Where(assignment.AgencyID(f.agencyID), assignment.EndDateGT(due),
				assignment.StatusIn(assignment.StatusSCHEDULED, assignment.StatusACTIVE)).WithOrgUnit().FirstX(f.sys)
			c.ClientSite.UpdateOneID(a.Edges.OrgUnit.SiteID).SetConflictDate(due).ExecX(f.sys)
			job := &records.Service{Client: c}
			for run := 0; run < 3; run++ {
				if _, err := job.RemindCompliance(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			evs := f.events(t)
			var got []webhooks.Event
			for _, ev := range evs {
				var e webhooks.Event
				if err := json.Unmarshal(ev.Payload, &e); err != nil {
					t.Fatal(err)
				}
				if e.Data.Rule == records.ReminderSiteConflictDate {
					got = append(got, e)
				}
			}
			if len(got) != 1 || got[0].Data.SiteID != webhooks.ID(a.Edges.OrgUnit.SiteID) ||
				got[0].Data.Due != due.Format(time.DateOnly) || got[0].Type != webhooks.ComplianceReminder {
				t.Errorf("conflict-date reminders after 3 runs: %+v", got)
			}
		})
	}
}

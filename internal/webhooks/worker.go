package webhooks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/webhookdelivery"
	"github.com/example/staffcrm/ent/webhookendpoint"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtx"
)

// Config tunes delivery; DefaultConfig is production's.
type Config struct {
	Retry       Retry
	Timeout     time.Duration // per call, connection included
	Concurrency int           // calls in flight per process
	PerEndpoint int           // calls in flight per endpoint per process: a dead receiver holds no more
	Poll        time.Duration // how often to look for due deliveries written by other processes
}

// DefaultConfig: 10 s per call, 8 calls at once, 2 per endpoint, a look every second.
func DefaultConfig() Config {
	return Config{Retry: DefaultRetry(), Timeout: 10 * time.Second, Concurrency: 8, PerEndpoint: 2, Poll: time.Second}
}

// lease is how long a claimed delivery is ours: well past the longest call (the client's timeout
// bounds it), so only a process that died mid-call lets another deliver it again.
func (c Config) lease() time.Duration { return 3 * c.Timeout }

// Alerter is told when the worker disables an endpoint.
type Alerter interface {
	EndpointDisabled(ctx context.Context, ep *ent.WebhookEndpoint, reason string)
}

// Worker delivers due webhook deliveries. Run it in every server process; claims make each
// delivery one process's at a time.
type Worker struct {
	Client   *ent.Client
	Postgres bool // claim with FOR UPDATE SKIP LOCKED
	HTTP     *http.Client
	Config   Config
	Log      *slog.Logger
	Alert    Alerter          // optional
	Now      func() time.Time // optional
	Jitter   func() float64   // optional; in [0,1)

	mu       sync.Mutex
	inflight map[int]int // endpoint id → calls in flight
	busy     int
	freed    chan struct{}
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) jitter() float64 {
	if w.Jitter != nil {
		return w.Jitter()
	}
	return rand.Float64()
}

func (w *Worker) init() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.inflight == nil {
		w.inflight = map[int]int{}
		w.freed = make(chan struct{}, 1)
	}
	if w.Config.Concurrency <= 0 {
		w.Config.Concurrency = 1
	}
	if w.Config.PerEndpoint <= 0 {
		w.Config.PerEndpoint = 1
	}
	if w.Config.Poll <= 0 {
		w.Config.Poll = time.Second
	}
}

// Run delivers until ctx ends, then waits for the calls in flight (each bounded by the timeout),
// so a stop does not make receivers see an event twice.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(w.Config.Poll)
	defer tick.Stop()
	for {
		if _, err := w.dispatch(ctx, &wg); err != nil && ctx.Err() == nil {
			w.Log.ErrorContext(ctx, "webhook claim", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-nudge:
		case <-w.freed:
		case <-tick.C:
		}
	}
}

// Drain delivers everything due now, waits for it, and reports how many calls it made; for jobs,
// the CLI and tests.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.init()
	total := 0
	for {
		var wg sync.WaitGroup
		n, err := w.dispatch(ctx, &wg)
		wg.Wait()
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// dispatch claims as many due deliveries as there are free slots and starts their calls.
func (w *Worker) dispatch(ctx context.Context, wg *sync.WaitGroup) (int, error) {
	w.mu.Lock()
	free := w.Config.Concurrency - w.busy
	var full []int
	for ep, n := range w.inflight {
		if n >= w.Config.PerEndpoint {
			full = append(full, ep)
		}
	}
	w.mu.Unlock()
	if free <= 0 {
		return 0, nil
	}
	ds, err := w.claim(ctx, free, full)
	if err != nil {
		return 0, err
	}
	// The claim may return more rows of one endpoint than it has slots: hand those back at once
	// rather than leave them leased.
	var start, back []*ent.WebhookDelivery
	w.mu.Lock()
	for _, d := range ds {
		if w.inflight[d.EndpointID] >= w.Config.PerEndpoint {
			back = append(back, d)
			continue
		}
		w.inflight[d.EndpointID]++
		w.busy++
		start = append(start, d)
	}
	w.mu.Unlock()
	if len(back) > 0 {
		if err := w.release(ctx, back); err != nil {
			w.Log.ErrorContext(ctx, "webhook release", "err", err)
		}
	}
	call := context.WithoutCancel(ctx)
	for _, d := range start {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.done(d.EndpointID)
			if err := w.deliver(call, d); err != nil {
				w.Log.ErrorContext(call, "webhook delivery", "err", err, "delivery", d.ID)
			}
		}()
	}
	return len(start), nil
}

func (w *Worker) done(endpointID int) {
	w.mu.Lock()
	w.inflight[endpointID]--
	if w.inflight[endpointID] <= 0 {
		delete(w.inflight, endpointID)
	}
	w.busy--
	w.mu.Unlock()
	select {
	case w.freed <- struct{}{}:
	default:
	}
}

func sys(ctx context.Context, why string) context.Context {
	return access.System(ctx, "webhooks: "+why)
}

// claim leases up to limit due deliveries of enabled endpoints not in exclude, oldest first. On
// PostgreSQL the candidate rows are locked with SKIP LOCKED, so concurrent processes take
// different rows without waiting; on SQLite one writer at a time does the same.
func (w *Worker) claim(ctx context.Context, limit int, exclude []int) ([]*ent.WebhookDelivery, error) {
	ctx = sys(ctx, "claim due deliveries across agencies")
	now := w.now()
	var ids []int
	err := dbtx.WithTx(ctx, w.Client, func(tx *ent.Tx) error {
		q := tx.WebhookDelivery.Query().Where(
			webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
			webhookdelivery.NextAttemptAtLTE(now),
			webhookdelivery.Or(webhookdelivery.LeaseUntilIsNil(), webhookdelivery.LeaseUntilLT(now)),
			webhookdelivery.HasEndpointWith(webhookendpoint.Enabled(true)),
		).Order(webhookdelivery.ByNextAttemptAt(), webhookdelivery.ByID()).Limit(limit)
		if len(exclude) > 0 {
			q.Where(webhookdelivery.EndpointIDNotIn(exclude...))
		}
		if w.Postgres {
			q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
		}
		var err error
		if ids, err = q.IDs(ctx); err != nil || len(ids) == 0 {
			return err
		}
		return tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...)).
			SetLeaseUntil(now.Add(w.Config.lease())).AddAttempts(1).SetUpdatedAt(now).Exec(ctx)
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return w.Client.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...)).
		WithEvent().WithEndpoint().All(ctx)
}

// release gives claimed deliveries back unattempted.
func (w *Worker) release(ctx context.Context, ds []*ent.WebhookDelivery) error {
	ids := make([]int, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	return w.Client.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...)).
		ClearLeaseUntil().AddAttempts(-1).Exec(sys(ctx, "hand back deliveries beyond an endpoint's slots"))
}

// maxErrorText bounds what a receiver's answer can put in the log.
const maxErrorText = 300

// deliver makes one call and records its outcome.
func (w *Worker) deliver(ctx context.Context, d *ent.WebhookDelivery) error {
	ev, ep := d.Edges.Event, d.Edges.Endpoint
	if ev == nil || ep == nil {
		return fmt.Errorf("delivery %d: event or endpoint missing", d.ID)
	}
	code, callErr := w.call(ctx, ep, ev.EventID, ev.Payload)
	now := w.now()
	ctx = sys(ctx, "record a delivery attempt")
	upd := w.Client.WebhookDelivery.UpdateOneID(d.ID).Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).
		ClearLeaseUntil().SetUpdatedAt(now)
	if code != 0 {
		upd.SetLastStatusCode(code)
	} else {
		upd.ClearLastStatusCode()
	}
	if callErr == nil {
		w.Log.InfoContext(ctx, "webhook delivered", "delivery", d.ID, "event", ev.EventID, "endpoint", ep.ID, "status", code, "attempt", d.Attempts)
		err := upd.SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(now).SetLastError("").Exec(ctx)
		return ignoreNotFound(err)
	}
	msg := callErr.Error()
	if len(msg) > maxErrorText {
		msg = msg[:maxErrorText]
	}
	upd.SetLastError(msg)
	next, retry := w.Config.Retry.Next(d.Attempts, d.CreatedAt, now, w.jitter())
	gone := code == http.StatusGone
	w.Log.WarnContext(ctx, "webhook attempt failed", "delivery", d.ID, "event", ev.EventID, "endpoint", ep.ID,
		"status", code, "attempt", d.Attempts, "err", msg, "retry", retry && !gone)
	if retry && !gone {
		return ignoreNotFound(upd.SetNextAttemptAt(next).Exec(ctx))
	}
	if err := ignoreNotFound(upd.SetStatus(webhookdelivery.StatusFAILED).Exec(ctx)); err != nil {
		return err
	}
	reason := fmt.Sprintf("deliveries failed for %s; last: %s", w.Config.Retry.Window, msg)
	if gone {
		reason = "the receiver answered 410 Gone"
	}
	return w.disable(ctx, ep, reason, now)
}

// call POSTs the signed payload; an error for anything but a 2xx answer.
func (w *Worker) call(ctx context.Context, ep *ent.WebhookEndpoint, eventID string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, w.Config.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "staffcrm-webhooks/1")
	if err := Sign(req.Header, ep.Secret, eventID, w.now(), body); err != nil {
		return 0, err
	}
	resp, err := w.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10)) // the answer only names a failure
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, fmt.Errorf("HTTP %d: redirects are not followed", resp.StatusCode)
	default:
		return resp.StatusCode, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(answer))
	}
}

// disable turns an endpoint off (once, if several deliveries fail together) and tells admins.
func (w *Worker) disable(ctx context.Context, ep *ent.WebhookEndpoint, reason string, now time.Time) error {
	n, err := w.Client.WebhookEndpoint.Update().Where(webhookendpoint.ID(ep.ID), webhookendpoint.Enabled(true)).
		SetEnabled(false).SetDisabledAt(now).SetDisabledReason(reason).Save(ctx)
	if err != nil || n == 0 {
		return err
	}
	w.Log.WarnContext(ctx, "webhook endpoint disabled", "endpoint", ep.ID, "agency", ep.AgencyID, "reason", reason)
	if w.Alert != nil {
		w.Alert.EndpointDisabled(ctx, ep, reason)
	}
	return nil
}

func ignoreNotFound(err error) error {
	if ent.IsNotFound(err) {
		return nil // the delivery was replayed or re-leased meanwhile; its new owner records it
	}
	return err
}

package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// Reconnect back-off of the LISTEN connection. Events sent while it is down are lost (subscribers
// get a resync), so it retries soon; the cap keeps a down server from being hammered.
const (
	minReconnect = 500 * time.Millisecond
	maxReconnect = 30 * time.Second
)

// pingInterval: a LISTEN connection only reads, so without traffic a dead peer (NAT or firewall
// dropping idle flows) could go unnoticed; pinging makes pq.Listener notice and reconnect.
const pingInterval = 60 * time.Second

const notifySQL = `SELECT pg_notify($1, $2)`

// execer is what Publish and PublishTx need from *sql.DB and *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// NewPostgres fans events out across processes: Publish runs `SELECT pg_notify(channel, json)` on db;
// one pq.Listener per bus LISTENs on channel over its own connection to dsn and dispatches to local
// subscribers, including those of the publishing process (its events come back through LISTEN, so
// every process sees one stream in commit order). ctx bounds only the start-up (connecting and
// LISTEN); the bus then lives until Close, which does not close db. Reconnects are handled by
// pq.Listener; after one, every subscriber gets a TopicResync event. Setting application_name in
// dsn makes the listener easy to spot in pg_stat_activity.
func NewPostgres(ctx context.Context, db *sql.DB, dsn string, channel string, log *slog.Logger) (Bus, error) {
	if err := validateChannel(channel); err != nil {
		return nil, err
	}
	if db == nil {
		return nil, errors.New("notify: nil *sql.DB")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &pgBus{
		hub:     newHub(subBuffer),
		db:      db,
		channel: channel,
		log:     log.With("component", "notify", "channel", channel),
		done:    make(chan struct{}),
	}
	b.listener = pq.NewListener(dsn, minReconnect, maxReconnect, b.onListenerEvent)

	// Listen blocks until the first connection is up, retrying for ever, so bound it by ctx.
	listened := make(chan error, 1)
	go func() { listened <- b.listener.Listen(channel) }()
	var err error
	select {
	case err = <-listened:
		if err != nil {
			_ = b.listener.Close()
		}
	case <-ctx.Done():
		_ = b.listener.Close()
		<-listened // Close wakes Listen up
		err = errors.Join(ctx.Err(), b.lastConnErr())
	}
	if err != nil {
		go drain(b.listener.Notify)
		return nil, fmt.Errorf("notify: listen on %q: %w", channel, err)
	}

	b.wg.Add(1)
	go b.run()
	return b, nil
}

// PublishTx sends the notification as part of tx (PostgreSQL delivers it only if tx commits).
// PostgreSQL also folds identical notifications within one transaction into one, which suits
// ids-only events: "entity 7 changed" twice means the same as once.
func PublishTx(ctx context.Context, tx *sql.Tx, channel string, ev Event) error {
	return publish(ctx, tx, channel, ev)
}

func publish(ctx context.Context, ex execer, channel string, ev Event) error {
	if err := validateChannel(channel); err != nil {
		return err
	}
	payload, err := encode(ev)
	if err != nil {
		return err
	}
	if _, err := ex.ExecContext(ctx, notifySQL, channel, string(payload)); err != nil {
		return fmt.Errorf("notify: pg_notify %q: %w", channel, err)
	}
	return nil
}

type pgBus struct {
	hub      *hub
	db       *sql.DB
	channel  string
	log      *slog.Logger
	listener *pq.Listener

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
	pinging   atomic.Bool

	connErrMu sync.Mutex
	connErr   error // last failed connection attempt, reported if start-up times out
}

func (b *pgBus) Publish(ctx context.Context, ev Event) error {
	if b.hub.closed.Load() {
		return ErrClosed
	}
	if err := publish(ctx, b.db, b.channel, ev); err != nil {
		return err
	}
	b.hub.published.Add(1)
	return nil
}

func (b *pgBus) Subscribe(ctx context.Context, match func(Event) bool) (<-chan Event, error) {
	return b.hub.subscribe(ctx, match)
}

// Close stops listening and closes every subscription channel. It is safe to call more than once.
func (b *pgBus) Close() error {
	b.closeOnce.Do(func() {
		close(b.done)
		_ = b.listener.Close()
		b.wg.Wait()
		b.hub.close()
		// pq may still be forwarding buffered notifications (or sleeping in back-off); keep its
		// channel drained so its goroutine can finish instead of blocking for ever.
		go drain(b.listener.Notify)
	})
	return nil
}

func (b *pgBus) stats() Stats { return b.hub.stats() }

// run dispatches notifications. It must never block for long: pq.Listener stops reading from the
// server while its Notify channel is full.
func (b *pgBus) run() {
	defer b.wg.Done()
	tick := time.NewTicker(pingInterval)
	defer tick.Stop()
	for {
		select {
		case <-b.done:
			return
		case n, ok := <-b.listener.Notify:
			if !ok {
				return
			}
			b.handle(n)
		case <-tick.C:
			b.ping()
		}
	}
}

func (b *pgBus) handle(n *pq.Notification) {
	if n == nil {
		// pq sends nil right after ListenerEventReconnected, once LISTEN is re-issued: anything
		// notified while the connection was down is lost, so subscribers must re-read.
		b.log.Info("notify: listener reconnected; asking subscribers to resync")
		b.hub.resync()
		return
	}
	if n.Channel != b.channel {
		return
	}
	ev, err := decode(n.Extra)
	if err != nil {
		// Someone else wrote to our channel (e.g. a manual NOTIFY); skip it rather than guess.
		b.log.Warn("notify: ignoring malformed notification", "err", err, "sender_pid", n.BePid)
		return
	}
	b.hub.dispatch(ev)
}

// ping runs in the background because Ping waits for the server, and at most one at a time.
func (b *pgBus) ping() {
	if !b.pinging.CompareAndSwap(false, true) {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer b.pinging.Store(false)
		if err := b.listener.Ping(); err != nil {
			b.log.Debug("notify: listener ping failed", "err", err)
		}
	}()
}

// onListenerEvent is called on pq's dispatch goroutine, so it only logs.
func (b *pgBus) onListenerEvent(ev pq.ListenerEventType, err error) {
	switch ev {
	case pq.ListenerEventConnected:
		b.log.Debug("notify: listener connected")
	case pq.ListenerEventReconnected:
		b.log.Debug("notify: listener reconnected") // handle logs it with the resync
	case pq.ListenerEventDisconnected:
		b.log.Warn("notify: listener disconnected; reconnecting", "err", err)
	case pq.ListenerEventConnectionAttemptFailed:
		b.connErrMu.Lock()
		b.connErr = err
		b.connErrMu.Unlock()
		b.log.Warn("notify: listener connection attempt failed", "err", err)
	}
}

func (b *pgBus) lastConnErr() error {
	b.connErrMu.Lock()
	defer b.connErrMu.Unlock()
	return b.connErr
}

func drain(ch <-chan *pq.Notification) {
	for range ch {
	}
}

package notify

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
)

// subBuffer is how many undelivered events one subscription may hold before it starts losing them.
// Subscribers see only matching events, so bursts this large are rare; the buffer is allocated up
// front (about 14 KiB), which keeps thousands of open subscriptions affordable.
const subBuffer = 256

// NewLocal is the in-process bus (embedded SQLite, single process, tests).
func NewLocal() Bus { return &localBus{hub: newHub(subBuffer)} }

type localBus struct{ hub *hub }

func (b *localBus) Publish(ctx context.Context, ev Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Encoding is not needed here, but it applies PostgreSQL's rules so both stores behave alike.
	if _, err := encode(ev); err != nil {
		return err
	}
	// Subscribers share the delivered event; copying keeps the caller's later edits from racing them.
	ev.AccountIDs = slices.Clip(slices.Clone(ev.AccountIDs))
	if len(ev.AccountIDs) == 0 {
		ev.AccountIDs = nil // what a JSON round trip gives on PostgreSQL
	}
	if !b.hub.dispatch(ev) {
		return ErrClosed
	}
	b.hub.published.Add(1)
	return nil
}

func (b *localBus) Subscribe(ctx context.Context, match func(Event) bool) (<-chan Event, error) {
	return b.hub.subscribe(ctx, match)
}

func (b *localBus) Close() error { b.hub.close(); return nil }

func (b *localBus) stats() Stats { return b.hub.stats() }

// hub fans events out to this process's subscriptions. Dispatch never blocks: each subscription
// has a bounded buffer, and a full one loses the event instead of holding up the publisher.
type hub struct {
	buffer int        // per-subscription limit; tests of the transport raise it
	mu     sync.Mutex // serialises changes to subs; dispatch reads the snapshot lock-free
	subs   atomic.Pointer[[]*subscription]
	closed atomic.Bool

	published, delivered, dropped atomic.Uint64
}

func newHub(buffer int) *hub {
	h := &hub{buffer: buffer}
	h.subs.Store(&[]*subscription{})
	return h
}

func (h *hub) stats() Stats {
	return Stats{Published: h.published.Load(), Delivered: h.delivered.Load(), Dropped: h.dropped.Load()}
}

func (h *hub) subscribe(ctx context.Context, match func(Event) bool) (<-chan Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &subscription{ch: make(chan Event, h.buffer+1), limit: h.buffer, match: match}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed.Load() {
		return nil, ErrClosed
	}
	// Copy-on-write: dispatch, the hot path, then needs no lock on the subscription list.
	next := append(slices.Clip(*h.subs.Load()), s)
	h.subs.Store(&next)
	s.stop = context.AfterFunc(ctx, func() { h.remove(s) })
	return s.ch, nil
}

func (h *hub) remove(s *subscription) {
	h.mu.Lock()
	subs := *h.subs.Load()
	if i := slices.Index(subs, s); i >= 0 {
		next := slices.Delete(slices.Clone(subs), i, i+1)
		h.subs.Store(&next)
	}
	h.mu.Unlock()
	s.close()
}

// dispatch offers ev to every subscription; false means the hub is closed.
func (h *hub) dispatch(ev Event) bool {
	if h.closed.Load() {
		return false
	}
	for _, s := range *h.subs.Load() {
		switch s.offer(ev) {
		case offerDelivered:
			h.delivered.Add(1)
		case offerDropped:
			h.dropped.Add(1)
		}
	}
	return true
}

// resync tells every subscription to re-read its state.
func (h *hub) resync() {
	for _, s := range *h.subs.Load() {
		s.resync()
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed.Swap(true) {
		return
	}
	for _, s := range *h.subs.Load() {
		s.stop()
		s.close()
	}
	h.subs.Store(&[]*subscription{})
}

type offerResult int

const (
	offerSkipped offerResult = iota
	offerDelivered
	offerDropped
)

// subscription is one Subscribe call. ch has room for limit events plus one resync: ordinary
// events are only queued while fewer than limit are waiting, so a resync always fits.
type subscription struct {
	ch    chan Event
	limit int
	match func(Event) bool
	stop  func() bool // stops the context.AfterFunc; set under hub.mu before anyone reads it

	mu     sync.Mutex // one sender at a time, so len(ch) can only shrink between check and send
	closed bool
	// tailResync: the last event queued was a resync. While it is still unread (ch non-empty) it
	// covers anything lost since, because the reader re-reads only after taking it.
	tailResync bool
}

func (s *subscription) offer(ev Event) offerResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || (s.match != nil && !s.match(ev)) {
		return offerSkipped
	}
	if len(s.ch) < s.limit {
		s.ch <- ev
		s.tailResync = false
		return offerDelivered
	}
	s.queueResync()
	return offerDropped
}

func (s *subscription) resync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.queueResync()
	}
}

// queueResync never blocks: ordinary events leave len(ch) <= limit, one short of cap.
func (s *subscription) queueResync() {
	if s.tailResync && len(s.ch) > 0 {
		return
	}
	s.ch <- Event{Topic: TopicResync}
	s.tailResync = true
}

func (s *subscription) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
}

package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const waitFor = 10 * time.Second // generous: only reached when something is broken

// ---- helpers ---------------------------------------------------------------------------------

// recv returns the next event on ch or fails the test.
func recv(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed unexpectedly")
		}
		return ev
	case <-time.After(waitFor):
		t.Fatal("timed out waiting for an event")
	}
	panic("unreachable")
}

// buffered returns what is queued on ch right now without waiting.
func buffered(ch <-chan Event) []Event {
	var out []Event
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, ev)
		default:
			return out
		}
	}
}

func expectClosed(t *testing.T, ch <-chan Event) {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("subscription channel was not closed")
		}
	}
}

func waitGroup(t *testing.T, wg *sync.WaitGroup, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(waitFor):
		t.Fatalf("timed out waiting for %s (blocked publisher or subscriber?)", what)
	}
}

func entityIDs(evs []Event) []int {
	ids := []int{}
	for _, ev := range evs {
		ids = append(ids, ev.EntityID)
	}
	return ids
}

// eventOfSize returns a valid event whose encoding is exactly n bytes.
func eventOfSize(t *testing.T, n int) Event {
	t.Helper()
	const base = `{"t":"","a":1,"e":1}`
	ev := Event{Topic: strings.Repeat("x", n-len(base)), AgencyID: 1, EntityID: 1}
	b, err := json.Marshal(ev)
	if err != nil || len(b) != n {
		t.Fatalf("eventOfSize(%d): got %d bytes, err %v", n, len(b), err)
	}
	return ev
}

// ---- validation ------------------------------------------------------------------------------

func TestPublishValidation(t *testing.T) {
	tests := []struct {
		name string
		ev   Event
		want error
	}{
		{"ids only", Event{Topic: TopicInquiryAssigned, AgencyID: 1, EntityID: 2, AccountIDs: []int{3, 4}}, nil},
		{"empty topic", Event{AgencyID: 1, EntityID: 2}, ErrInvalidEvent},
		{"reserved resync topic", Event{Topic: TopicResync}, ErrInvalidEvent},
		{"exactly the limit", eventOfSize(t, MaxPayload), nil},
		{"one byte over", eventOfSize(t, MaxPayload+1), ErrPayloadTooLarge},
		{"huge audience", Event{Topic: TopicInquiryUpdated, AccountIDs: make([]int, 5000)}, ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewLocal()
			defer b.Close()
			if err := b.Publish(t.Context(), tt.ev); !errors.Is(err, tt.want) {
				t.Fatalf("Publish: got %v, want %v", err, tt.want)
			}
			if tt.want == nil {
				return
			}
			// A nil tx would panic if used: the event must be rejected before it is.
			if err := PublishTx(t.Context(), nil, "ch", tt.ev); !errors.Is(err, tt.want) {
				t.Fatalf("PublishTx: got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestValidateChannel(t *testing.T) {
	tests := []struct {
		channel string
		ok      bool
	}{
		{"staffcrm_live", true},
		{"Mixed.Case-and spaces", true},
		{strings.Repeat("c", 63), true},
		{strings.Repeat("c", 64), false},
		{"", false},
		{"nul\x00byte", false},
	}
	for _, tt := range tests {
		err := validateChannel(tt.channel)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidChannel)) {
			t.Errorf("validateChannel(%q) = %v, want ok=%v", tt.channel, err, tt.ok)
		}
	}
}

// ---- local bus -------------------------------------------------------------------------------

func TestLocalFilter(t *testing.T) {
	const me = 42
	events := []Event{
		{Topic: TopicInquiryAssigned, AgencyID: 1, EntityID: 1, AccountIDs: []int{me}},
		{Topic: TopicInquiryAssigned, AgencyID: 1, EntityID: 2, AccountIDs: []int{7}},
		{Topic: TopicInquiryUpdated, AgencyID: 1, EntityID: 3, AccountIDs: []int{7, me}},
		{Topic: TopicApplicationUpdated, AgencyID: 2, EntityID: 4, AccountIDs: []int{me}},
		{Topic: TopicApplicationUpdated, AgencyID: 1, EntityID: 5},
	}
	tests := []struct {
		name  string
		match func(Event) bool
		want  []int // entity ids, in publish order
	}{
		{"all (nil match)", nil, []int{1, 2, 3, 4, 5}},
		{"assigned to me", func(e Event) bool { return e.Topic == TopicInquiryAssigned && e.Concerns(me) }, []int{1}},
		{"anything concerning me", func(e Event) bool { return e.Concerns(me) }, []int{1, 3, 4}},
		{"my agency's applications", func(e Event) bool { return e.AgencyID == 1 && e.Topic == TopicApplicationUpdated }, []int{5}},
		{"nothing", func(Event) bool { return false }, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewLocal()
			defer b.Close()
			ch, err := b.Subscribe(t.Context(), tt.match)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range events {
				if err := b.Publish(t.Context(), ev); err != nil {
					t.Fatal(err)
				}
			}
			// Local delivery is synchronous: everything matching is queued once Publish returns.
			if got := entityIDs(buffered(ch)); !slices.Equal(got, tt.want) {
				t.Fatalf("received %v, want %v", got, tt.want)
			}
			if st := StatsOf(b); st.Published != uint64(len(events)) || st.Delivered != uint64(len(tt.want)) || st.Dropped != 0 {
				t.Fatalf("stats %+v, want published %d delivered %d dropped 0", st, len(events), len(tt.want))
			}
		})
	}
}

func TestLocalPublishCopiesAudience(t *testing.T) {
	b := NewLocal()
	defer b.Close()
	ch, err := b.Subscribe(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int{1, 2}
	if err := b.Publish(t.Context(), Event{Topic: TopicInquiryUpdated, AccountIDs: ids}); err != nil {
		t.Fatal(err)
	}
	ids[0] = 99 // the publisher reusing its slice must not change what subscribers see
	if got := recv(t, ch).AccountIDs; !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("subscriber saw %v, want [1 2]", got)
	}
}

func TestLocalContextEndsSubscription(t *testing.T) {
	b := NewLocal()
	defer b.Close()

	ctx, cancel := context.WithCancel(t.Context())
	ch, err := b.Subscribe(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := b.Subscribe(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	expectClosed(t, ch)
	// Publishing after the cancel must neither panic (send on closed channel) nor disturb others.
	if err := b.Publish(t.Context(), Event{Topic: TopicInquiryUpdated, EntityID: 1}); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, other).EntityID; got != 1 {
		t.Fatalf("other subscriber got entity %d, want 1", got)
	}

	if _, err := b.Subscribe(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe with a finished ctx: got %v, want context.Canceled", err)
	}
}

func TestLocalClose(t *testing.T) {
	b := NewLocal()
	ch, err := b.Subscribe(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, ch)
	if err := b.Publish(t.Context(), Event{Topic: TopicInquiryUpdated}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Publish after Close: got %v, want ErrClosed", err)
	}
	if _, err := b.Subscribe(t.Context(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Subscribe after Close: got %v, want ErrClosed", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestLocalSlowSubscriber(t *testing.T) {
	const extra = 10
	const total = subBuffer + extra
	b := NewLocal() // not closed on failure: a publisher stuck on a full subscription would hang Close

	slow, err := b.Subscribe(t.Context(), nil) // never reads until the end
	if err != nil {
		t.Fatal(err)
	}
	fast, err := b.Subscribe(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The fast subscriber acknowledges each event before the next is published, so it can never
	// fall behind however the scheduler runs us, while the slow one is bound to.
	var fastGot []int
	acks := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() {
		for len(fastGot) < total {
			ev, ok := <-fast
			if !ok {
				return
			}
			fastGot = append(fastGot, ev.EntityID)
			acks <- struct{}{}
		}
	})

	var pub sync.WaitGroup
	pub.Go(func() {
		for i := range total {
			if err := b.Publish(context.Background(), Event{Topic: TopicInquiryUpdated, EntityID: i}); err != nil {
				t.Error(err)
				return
			}
			select {
			case <-acks:
			case <-time.After(waitFor):
				t.Error("fast subscriber did not receive event", i)
				return
			}
		}
	})
	waitGroup(t, &pub, "Publish past a full subscriber")
	waitGroup(t, &readers, "the fast subscriber")

	if len(fastGot) != total {
		t.Fatalf("fast subscriber got %d events, want %d", len(fastGot), total)
	}
	st := StatsOf(b)
	if want := (Stats{Published: total, Delivered: total + subBuffer, Dropped: extra}); st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}

	// The slow one keeps the first subBuffer events, then exactly one resync covering the losses.
	got := buffered(slow)
	if len(got) != subBuffer+1 || got[subBuffer].Topic != TopicResync || got[subBuffer-1].EntityID != subBuffer-1 {
		t.Fatalf("slow subscriber got %d events ending %v, want %d then one resync", len(got), got[max(0, len(got)-2):], subBuffer)
	}
	// Once it has caught up it receives events again, without a stale resync.
	if err := b.Publish(t.Context(), Event{Topic: TopicInquiryUpdated, EntityID: 1000}); err != nil {
		t.Fatal(err)
	}
	if got := buffered(slow); len(got) != 1 || got[0].EntityID != 1000 {
		t.Fatalf("after catching up: got %v, want entity 1000", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestResyncQueuedOnceWhileUnread(t *testing.T) {
	b := NewLocal()
	defer b.Close()
	ch, err := b.Subscribe(t.Context(), func(Event) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	h := b.(*localBus).hub
	h.resync()
	h.resync() // the first is still unread and already covers this one
	if got := buffered(ch); len(got) != 1 || got[0].Topic != TopicResync {
		t.Fatalf("got %v, want one resync despite a match func that matches nothing", got)
	}
	h.resync() // read since, so needed again
	if got := buffered(ch); len(got) != 1 {
		t.Fatalf("got %v, want a fresh resync", got)
	}
}

func TestLocalConcurrency(t *testing.T) {
	const (
		publishers = 8
		perPub     = 500
		total      = publishers * perPub
		steady     = 4
		churners   = 4
	)
	b := NewLocal()

	type result struct {
		ids     map[int]int
		resyncs int
	}
	results := make([]result, steady)
	var readers sync.WaitGroup
	for i := range steady {
		ch, err := b.Subscribe(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		results[i].ids = map[int]int{}
		readers.Go(func() {
			for ev := range ch { // ends when the bus is closed
				if ev.Topic == TopicResync {
					results[i].resyncs++
					continue
				}
				results[i].ids[ev.EntityID]++
			}
		})
	}

	var wg sync.WaitGroup
	for range churners {
		wg.Go(func() {
			for range 50 {
				ctx, cancel := context.WithCancel(context.Background())
				ch, err := b.Subscribe(ctx, func(e Event) bool { return e.EntityID%2 == 0 })
				if err != nil {
					t.Error(err)
					cancel()
					return
				}
				buffered(ch)
				cancel()
				for range ch { // must close, never panic
				}
			}
		})
	}
	for p := range publishers {
		wg.Go(func() {
			for i := range perPub {
				if err := b.Publish(context.Background(), Event{Topic: TopicInquiryUpdated, EntityID: p*perPub + i}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	waitGroup(t, &wg, "publishers and churning subscribers")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	waitGroup(t, &readers, "steady subscribers to see their channels closed")

	for i, r := range results {
		for id, n := range r.ids {
			if n != 1 || id < 0 || id >= total {
				t.Fatalf("subscriber %d: entity %d received %d times", i, id, n)
			}
		}
		// Losing events is allowed under load, losing them silently is not.
		if len(r.ids) < total && r.resyncs == 0 {
			t.Fatalf("subscriber %d: got %d of %d events and no resync", i, len(r.ids), total)
		}
	}
	st := StatsOf(b)
	if st.Published != total || st.Delivered+st.Dropped < steady*total {
		t.Fatalf("stats %+v: want published %d and at least %d delivered+dropped", st, total, steady*total)
	}
}

// ---- PostgreSQL ------------------------------------------------------------------------------

const defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// postgresURL returns the server to test against, skipping loudly when there is none. CI sets
// TEST_DATABASE_URL, so an unreachable server there fails (in openDB) instead of skipping.
func postgresURL(t *testing.T) string {
	t.Helper()
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	c, err := net.DialTimeout("tcp", "127.0.0.1:5432", time.Second)
	if err != nil {
		t.Skip("\n" +
			"************************************************************************\n" +
			"* SKIPPING POSTGRESQL TEST: TEST_DATABASE_URL is unset and nothing     *\n" +
			"* answers on 127.0.0.1:5432. CI never skips these (.ci/run).           *\n" +
			"************************************************************************")
	}
	_ = c.Close()
	return defaultPostgresURL
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL (TEST_DATABASE_URL or the local default) is unreachable: %v", err)
	}
	return db
}

// uniqueName keeps parallel tests and test processes on their own channels.
func uniqueName(prefix string) string { return fmt.Sprintf("%s_%016x", prefix, rand.Uint64()) }

func withParam(dsn, key, value string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set(key, value)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " " + key + "=" + value
}

// process is one simulated server process: its own pool and its own listener.
type process struct {
	db  *sql.DB
	bus Bus
}

func startProcess(t *testing.T, dsn, channel string) process {
	t.Helper()
	db := openDB(t, dsn)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	bus, err := NewPostgres(ctx, db, dsn, channel, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Close() })
	return process{db: db, bus: bus}
}

func subscribe(t *testing.T, b Bus, match func(Event) bool) <-chan Event {
	t.Helper()
	ch, err := b.Subscribe(t.Context(), match)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// untilSentinel collects events up to a sentinel published afterwards. NOTIFYs reach a listener in
// commit order, so anything that was going to arrive (or arrive twice) has arrived by then.
func untilSentinel(t *testing.T, from Publisher, ch <-chan Event) []Event {
	t.Helper()
	const sentinel = "test.sentinel"
	if err := from.Publish(t.Context(), Event{Topic: sentinel}); err != nil {
		t.Fatal(err)
	}
	var got []Event
	for {
		ev := recv(t, ch)
		if ev.Topic == sentinel {
			return got
		}
		got = append(got, ev)
	}
}

func TestPostgresFanOutAcrossProcesses(t *testing.T) {
	t.Parallel()
	dsn := postgresURL(t)
	channel := uniqueName("notify_test")
	a, b := startProcess(t, dsn, channel), startProcess(t, dsn, channel)

	mine := func(e Event) bool { return e.AgencyID == 1 || e.Topic == "test.sentinel" }
	onA, onB := subscribe(t, a.bus, mine), subscribe(t, b.bus, mine)

	sent := []Event{
		{Topic: TopicInquiryAssigned, AgencyID: 1, EntityID: 10, AccountIDs: []int{5}},
		{Topic: TopicInquiryAssigned, AgencyID: 2, EntityID: 20}, // other agency: filtered out
		{Topic: TopicApplicationUpdated, AgencyID: 1, EntityID: 30},
	}
	for _, ev := range sent {
		if err := a.bus.Publish(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	want := []Event{sent[0], sent[2]}
	for name, ch := range map[string]<-chan Event{"B (other process)": onB, "A (publisher)": onA} {
		if got := untilSentinel(t, a.bus, ch); !eventsEqual(got, want) {
			t.Errorf("subscriber on %s got %+v, want %+v", name, got, want)
		}
	}
	// Three events plus the two sentinels.
	if st := StatsOf(a.bus); st.Published != 5 {
		t.Errorf("A stats %+v, want 5 published", st)
	}
}

func eventsEqual(a, b []Event) bool {
	return slices.EqualFunc(a, b, func(x, y Event) bool {
		return x.Topic == y.Topic && x.AgencyID == y.AgencyID && x.EntityID == y.EntityID && slices.Equal(x.AccountIDs, y.AccountIDs)
	})
}

func TestPostgresPublishTx(t *testing.T) {
	t.Parallel()
	dsn := postgresURL(t)
	channel := uniqueName("notify_test")
	a, b := startProcess(t, dsn, channel), startProcess(t, dsn, channel)
	onB := subscribe(t, b.bus, nil)

	tests := []struct {
		name   string
		commit bool
		want   int
	}{
		{"rolled back delivers nothing", false, 0},
		// Published twice in the transaction; PostgreSQL folds identical notifications into one.
		{"committed delivers once", true, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Event{Topic: TopicInquiryUpdated, AgencyID: 1, EntityID: 100 + i}
			tx, err := a.db.BeginTx(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := PublishTx(t.Context(), tx, channel, ev); err != nil {
					t.Fatal(err)
				}
			}
			if tt.commit {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if err != nil {
				t.Fatal(err)
			}
			got := untilSentinel(t, a.bus, onB)
			if len(got) != tt.want || (tt.want > 0 && got[0].EntityID != ev.EntityID) {
				t.Fatalf("got %+v, want %d × entity %d", got, tt.want, ev.EntityID)
			}
		})
	}
}

func TestPostgresPayloadLimit(t *testing.T) {
	t.Parallel()
	dsn := postgresURL(t)
	channel := uniqueName("notify_test")
	a := startProcess(t, dsn, channel)
	ch := subscribe(t, a.bus, nil)

	tests := []struct {
		name string
		ev   Event
		want error
	}{
		// Proves MaxPayload matches the server: the largest payload we allow is one it accepts.
		{"at the limit, accepted by the server", eventOfSize(t, MaxPayload), nil},
		{"over the limit", eventOfSize(t, MaxPayload+1), ErrPayloadTooLarge},
		{"huge audience", Event{Topic: TopicInquiryUpdated, AccountIDs: make([]int, 5000)}, ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := a.bus.Publish(t.Context(), tt.ev); !errors.Is(err, tt.want) {
				t.Fatalf("Publish: got %v, want %v", err, tt.want)
			}
			tx, err := a.db.BeginTx(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			if err := PublishTx(t.Context(), tx, channel, tt.ev); !errors.Is(err, tt.want) {
				t.Fatalf("PublishTx: got %v, want %v", err, tt.want)
			}
			if tt.want == nil {
				if got := recv(t, ch); got.Topic != tt.ev.Topic {
					t.Fatalf("received topic of %d bytes, want %d", len(got.Topic), len(tt.ev.Topic))
				}
			}
		})
	}
}

func TestPostgresBurstExactlyOnce(t *testing.T) {
	t.Parallel()
	const (
		goroutines = 8
		total      = 1000
	)
	dsn := postgresURL(t)
	channel := uniqueName("notify_test")
	a, b := startProcess(t, dsn, channel), startProcess(t, dsn, channel)
	// The transport is under test here, not the overflow policy (TestLocalSlowSubscriber): room for
	// the whole burst keeps a reader descheduled on a loaded CI machine from becoming a flake.
	b.bus.(*pgBus).hub.buffer = total + 1
	onB := subscribe(t, b.bus, nil)

	// Read while publishing, as a live subscription would; only a sentinel published after every
	// publisher has returned ends the count, so late duplicates would still be seen.
	const sentinel = "test.sentinel"
	counts := make(map[int]int, total)
	resyncs := 0
	var reader sync.WaitGroup
	reader.Go(func() {
		for ev := range onB {
			switch ev.Topic {
			case sentinel:
				return
			case TopicResync:
				resyncs++
			default:
				counts[ev.EntityID]++
			}
		}
	})

	start := time.Now()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for id := g; id < total; id += goroutines {
				if err := a.bus.Publish(context.Background(), Event{Topic: TopicInquiryUpdated, AgencyID: 1, EntityID: id}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	waitGroup(t, &wg, "publishers")
	if err := a.bus.Publish(t.Context(), Event{Topic: sentinel}); err != nil {
		t.Fatal(err)
	}
	waitGroup(t, &reader, "the subscriber on B to see the sentinel")
	elapsed := time.Since(start)

	if resyncs != 0 {
		t.Errorf("subscriber fell behind (%d resyncs); stats %+v", resyncs, StatsOf(b.bus))
	}
	for id := range total {
		if counts[id] != 1 {
			t.Errorf("entity %d received %d times, want exactly once", id, counts[id])
		}
	}
	if len(counts) != total {
		t.Errorf("received %d distinct ids, want %d", len(counts), total)
	}
	if st := StatsOf(b.bus); st.Dropped != 0 || st.Delivered != total+1 {
		t.Errorf("B stats %+v, want %d delivered (with sentinel) and none dropped", st, total+1)
	}
	t.Logf("%d events from %d goroutines across processes in %v", total, goroutines, elapsed)
}

func TestPostgresReconnectResyncs(t *testing.T) {
	t.Parallel()
	dsn := postgresURL(t)
	channel := uniqueName("notify_test")
	app := uniqueName("notify_listener") // marks B's LISTEN connection in pg_stat_activity
	a := startProcess(t, dsn, channel)
	bDB := openDB(t, dsn)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	bBus, err := NewPostgres(ctx, bDB, withParam(dsn, "application_name", app), channel, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bBus.Close()
	onB := subscribe(t, bBus, func(e Event) bool { return e.AgencyID == 1 })

	publish := func(id int) {
		t.Helper()
		if err := a.bus.Publish(t.Context(), Event{Topic: TopicInquiryUpdated, AgencyID: 1, EntityID: id}); err != nil {
			t.Fatal(err)
		}
	}
	publish(1)
	if got := recv(t, onB); got.EntityID != 1 {
		t.Fatalf("before the kill: got %+v", got)
	}

	var killed int
	err = a.db.QueryRowContext(t.Context(),
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminating the listener's backend: killed %d, err %v", killed, err)
	}
	start := time.Now()

	// The resync must come although the match func would reject it (agency 0).
	if got := recv(t, onB); got.Topic != TopicResync {
		t.Fatalf("after the kill: got %+v, want a resync", got)
	}
	t.Logf("listener reconnected and resynced in %v", time.Since(start))

	publish(2)
	if got := recv(t, onB); got.EntityID != 2 {
		t.Fatalf("after reconnecting: got %+v, want entity 2", got)
	}
}

func TestPostgresStartupBoundedByContext(t *testing.T) {
	// Needs no server: nothing listens on port 1, so the listener can only keep retrying.
	const dsn = "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=1"
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	b, err := NewPostgres(ctx, db, dsn, "notify_test", nil)
	if err == nil {
		_ = b.Close()
		t.Fatal("NewPostgres succeeded without a server")
	}
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 3*time.Second {
		t.Fatalf("got %v after %v, want a prompt context.DeadlineExceeded", err, time.Since(start))
	}
	if _, err := NewPostgres(t.Context(), db, dsn, "", nil); !errors.Is(err, ErrInvalidChannel) {
		t.Fatalf("empty channel: got %v, want ErrInvalidChannel", err)
	}
}

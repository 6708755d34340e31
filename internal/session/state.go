package session

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/refreshtoken"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/notify"
)

// ErrSessionEnded is returned for a valid token whose session has ended: its refresh family was
// revoked (logout, reuse), or its account was disabled, signed out everywhere, given a new password,
// role or agency. It is auth.ErrSessionEnded, so the transport and the resolvers agree.
var ErrSessionEnded = auth.ErrSessionEnded

// NotifyChannel is the PostgreSQL channel the session triggers (migrations/*_session_state.sql)
// notify on; processes sharing a database pass a bus on it to Follow.
const NotifyChannel = "staffcrm_sessions"

// Topics the triggers send: an account's sessions changed (entity = account id), or everything.
const (
	topicChanged = "session.changed"
	topicAll     = "session.all"
)

// maxCachedAccounts bounds the state cache; past it the cache starts over (a re-read per account).
const maxCachedAccounts = 100_000

// accountState is what decides whether an account's tokens count.
type accountState struct {
	found        bool
	disabled     bool
	tokenVersion int
	role         auth.Role
	agencyID     int
}

func (a accountState) admits(v *auth.Viewer) bool {
	return a.found && !a.disabled && a.tokenVersion == v.TokenVersion && a.role == v.Role && a.agencyID == v.AgencyID
}

type cacheEntry struct {
	acct     accountState
	families map[string]bool // session id → alive
}

// state is one process's view of session state: read from the database once, then kept until a
// write in this process (ent hooks) or a notification from any process (Follow) drops it.
type state struct {
	client *ent.Client

	mu       sync.RWMutex
	gen      uint64 // bumped by every invalidation: a read that raced one is not stored
	entries  map[int]*cacheEntry
	watchers map[int]map[*watcher]struct{}
}

type watcher struct {
	v     *auth.Viewer
	poke  chan struct{}
	ended chan struct{}
}

func newState(client *ent.Client) *state {
	st := &state{client: client, entries: map[int]*cacheEntry{}, watchers: map[int]map[*watcher]struct{}{}}
	client.Account.Use(st.accountHook)
	client.RefreshToken.Use(st.refreshTokenHook)
	return st
}

// Alive reports whether v's session still counts: nil, ErrSessionEnded, or a database error. On a
// cache hit it costs a map lookup under a read lock; a miss reads the account by primary key and
// the family through its index.
func (s *Service) Alive(ctx context.Context, v *auth.Viewer) error {
	if v == nil {
		return fmt.Errorf("session: %w", access.ErrNoViewer)
	}
	st := s.state
	st.mu.RLock()
	e, ok := st.entries[v.AccountID]
	var acct accountState
	alive, famKnown := true, true
	if ok {
		acct = e.acct
		if v.SessionID != "" {
			alive, famKnown = e.families[v.SessionID]
		}
	}
	st.mu.RUnlock()
	if !ok || !famKnown {
		var err error
		if acct, alive, err = st.load(ctx, v, ok, acct); err != nil {
			return err
		}
	}
	if !acct.admits(v) || !alive {
		return ErrSessionEnded
	}
	return nil
}

// load reads what the cache lacks and stores it unless an invalidation ran meanwhile.
func (st *state) load(ctx context.Context, v *auth.Viewer, haveAcct bool, acct accountState) (accountState, bool, error) {
	sys := access.System(ctx, "session: read whether the presented session is still alive")
	st.mu.RLock()
	gen := st.gen
	st.mu.RUnlock()
	if !haveAcct {
		a, err := st.client.Account.Query().Where(account.ID(v.AccountID)).
			Select(account.FieldDisabled, account.FieldTokenVersion, account.FieldRole, account.FieldAgencyID).Only(sys)
		switch {
		case ent.IsNotFound(err):
			acct = accountState{}
		case err != nil:
			return accountState{}, false, fmt.Errorf("session state: %w", err)
		default:
			acct = accountState{found: true, disabled: a.Disabled, tokenVersion: a.TokenVersion,
				role: auth.Role(a.Role), agencyID: a.AgencyID}
		}
	}
	alive := true
	if v.SessionID != "" && acct.found {
		var err error
		alive, err = st.client.RefreshToken.Query().
			Where(refreshtoken.Family(v.SessionID), refreshtoken.AccountID(v.AccountID), refreshtoken.RevokedAtIsNil()).
			Exist(sys)
		if err != nil {
			return accountState{}, false, fmt.Errorf("session state: %w", err)
		}
	}
	st.mu.Lock()
	if st.gen == gen {
		st.storeLocked(v.AccountID, acct, v.SessionID, alive)
	}
	st.mu.Unlock()
	return acct, alive, nil
}

func (st *state) storeLocked(accountID int, acct accountState, sid string, alive bool) {
	e, ok := st.entries[accountID]
	if !ok {
		if len(st.entries) >= maxCachedAccounts {
			st.entries = map[int]*cacheEntry{}
		}
		e = &cacheEntry{families: map[string]bool{}}
		st.entries[accountID] = e
	}
	e.acct = acct
	if sid != "" {
		e.families[sid] = alive
	}
}

// remember records a session just opened in this process, so its first request reads nothing.
func (st *state) remember(acc *ent.Account, sid string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.entries[acc.ID]; ok && e.acct.tokenVersion != acc.TokenVersion {
		return // the account changed under us; let the next request read it
	}
	st.storeLocked(acc.ID, accountState{found: true, disabled: acc.Disabled, tokenVersion: acc.TokenVersion,
		role: auth.Role(acc.Role), agencyID: acc.AgencyID}, sid, true)
}

// invalidate drops what is known about accountID (0: about everyone) and has its watchers re-check.
func (st *state) invalidate(accountID int) {
	st.mu.Lock()
	st.gen++
	var poke []*watcher
	if accountID == 0 {
		st.entries = map[int]*cacheEntry{}
		for _, ws := range st.watchers {
			for w := range ws {
				poke = append(poke, w)
			}
		}
	} else {
		delete(st.entries, accountID)
		for w := range st.watchers[accountID] {
			poke = append(poke, w)
		}
	}
	st.mu.Unlock()
	for _, w := range poke {
		select {
		case w.poke <- struct{}{}:
		default: // a re-check is already pending
		}
	}
}

// Watch returns a channel closed when v's session ends, so a websocket can end its subscriptions.
// It watches until ctx ends.
func (s *Service) Watch(ctx context.Context, v *auth.Viewer) <-chan struct{} {
	st := s.state
	w := &watcher{v: v, poke: make(chan struct{}, 1), ended: make(chan struct{})}
	st.mu.Lock()
	if st.watchers[v.AccountID] == nil {
		st.watchers[v.AccountID] = map[*watcher]struct{}{}
	}
	st.watchers[v.AccountID][w] = struct{}{}
	st.mu.Unlock()
	go func() {
		defer func() {
			st.mu.Lock()
			delete(st.watchers[v.AccountID], w)
			if len(st.watchers[v.AccountID]) == 0 {
				delete(st.watchers, v.AccountID)
			}
			st.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-w.poke:
				// A database error keeps the socket: the next change re-checks it.
				if err := s.Alive(ctx, v); errors.Is(err, ErrSessionEnded) {
					close(w.ended)
					return
				}
			}
		}
	}()
	return w.ended
}

// Follow keeps this process's session state in step with writes made by any process on the same
// PostgreSQL database (sub is a bus on NotifyChannel). Without it a process only sees its own
// writes, which is all there is on the embedded SQLite store. It returns once subscribed; the
// subscription lasts until ctx ends.
func (s *Service) Follow(ctx context.Context, sub notify.Subscriber) error {
	events, err := sub.Subscribe(ctx, func(ev notify.Event) bool {
		return ev.Topic == topicChanged || ev.Topic == topicAll
	})
	if err != nil {
		return fmt.Errorf("follow session changes: %w", err)
	}
	// Notifications missed before the subscription started are unknown: start from nothing.
	s.state.invalidate(0)
	go func() {
		for ev := range events {
			switch ev.Topic {
			case topicChanged:
				s.state.invalidate(ev.EntityID)
			default: // topicAll, or notify.TopicResync after a lost connection
				s.state.invalidate(0)
			}
		}
	}()
	return nil
}

// accountHook drops cached state after a committed write that can end sessions, and makes a new
// password, role or agency, or disabling, end every session of the account (the token version moves;
// the PostgreSQL migration has a trigger doing the same for writes outside ent).
func (st *state) accountHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		am, ok := m.(*ent.AccountMutation)
		if !ok || am.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m)
		}
		_, pw := am.PasswordHash()
		_, role := am.Role()
		_, agency := am.AgencyID()
		disabled, setDisabled := am.Disabled()
		_, tvSet := am.TokenVersion()
		_, tvAdded := am.AddedTokenVersion()
		ends := pw || role || agency || (setDisabled && disabled)
		if ends && !tvSet && !tvAdded {
			am.AddTokenVersion(1)
		}
		if !ends && !setDisabled && !tvSet && !tvAdded && !am.Op().Is(ent.OpDelete|ent.OpDeleteOne) {
			return next.Mutate(ctx, m)
		}
		id := 0 // bulk writes: forget everyone
		if am.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne) {
			id, _ = am.ID()
		}
		v, err := next.Mutate(ctx, m)
		if err == nil {
			st.afterCommit(am.Tx, id)
		}
		return v, err
	})
}

// refreshTokenHook drops cached families after a committed revocation or deletion.
func (st *state) refreshTokenHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		rm, ok := m.(*ent.RefreshTokenMutation)
		if !ok || rm.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m)
		}
		if _, revoked := rm.RevokedAt(); !revoked && !rm.Op().Is(ent.OpDelete|ent.OpDeleteOne) {
			return next.Mutate(ctx, m)
		}
		v, err := next.Mutate(ctx, m)
		if err == nil {
			st.afterCommit(rm.Tx, 0)
		}
		return v, err
	})
}

// afterCommit invalidates now, or at commit when the write runs in a transaction: invalidating
// before the commit would let a concurrent read cache the old state again.
func (st *state) afterCommit(txOf func() (*ent.Tx, error), accountID int) {
	tx, err := txOf()
	if err != nil { // not in a transaction: the write is committed
		st.invalidate(accountID)
		return
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			if err == nil {
				st.invalidate(accountID)
			}
			return err
		})
	})
}

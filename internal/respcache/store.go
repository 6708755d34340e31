package respcache

import (
	"container/list"
	"sync"
)

// key identifies a response: a SHA-256 of everything it depends on except the data version.
type key [32]byte

// entry is one stored response body: gzip-compressed when large, else plain.
type entry struct {
	key     key
	version int64
	body    []byte
	gzipped bool
}

// entryOverhead approximates the memory of an entry besides its body (list element, map slot).
const entryOverhead = 160

func (e *entry) size() int64 { return int64(len(e.body)) + entryOverhead }

// store is a least-recently-used map bounded by the bytes it holds.
type store struct {
	mu       sync.Mutex
	max      int64
	used     int64
	order    *list.List // front: most recently used
	elements map[key]*list.Element
}

func newStore(maxBytes int64) *store {
	return &store{max: maxBytes, order: list.New(), elements: map[key]*list.Element{}}
}

// get returns the entry for k stored under version, dropping one stored under another version
// (versions only grow, so it can never be served again).
func (s *store) get(k key, version int64) (*entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.elements[k]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if e.version != version {
		s.remove(el)
		return nil, false
	}
	s.order.MoveToFront(el)
	return e, true
}

// put stores e, evicting the least recently used entries beyond the byte budget. An entry larger
// than an eighth of the budget is not stored: it would evict too much to pay.
func (s *store) put(e *entry) {
	if e.size() > s.max/8 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.elements[e.key]; ok {
		if el.Value.(*entry).version > e.version {
			return // a newer response is already stored
		}
		s.remove(el)
	}
	s.elements[e.key] = s.order.PushFront(e)
	s.used += e.size()
	for s.used > s.max {
		s.remove(s.order.Back())
	}
}

func (s *store) remove(el *list.Element) {
	e := s.order.Remove(el).(*entry)
	delete(s.elements, e.key)
	s.used -= e.size()
}

// stats reports the number of entries and the bytes they hold.
func (s *store) stats() (entries int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.elements), s.used
}

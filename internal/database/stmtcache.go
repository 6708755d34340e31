package database

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"

	"github.com/lib/pq"
)

// StatementCacheSize bounds the prepared statements kept per PostgreSQL connection.
const StatementCacheSize = 256

// cachingConnector prepares each parameterised statement once per connection and reuses it, so
// PostgreSQL parses it once and, after a few executions, plans it once (a generic plan), and each
// execution is a single Bind/Execute round trip instead of lib/pq's Parse/Describe then
// Bind/Execute. ent issues a small set of statement shapes, so a bounded per-connection LRU holds the
// hot ones (measured on the bench data: planning was most of a 0.2 ms page query).
type cachingConnector struct {
	driver.Connector
	size int
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn, c.size), nil
}

// pqConn is what the wrapper needs of a lib/pq connection.
type pqConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
	driver.NamedValueChecker
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type preparedStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

type cachedStmt struct {
	query string
	stmt  preparedStmt
}

// cachingConn is used by one goroutine at a time (database/sql's contract), so it needs no lock.
type cachingConn struct {
	pqConn
	inTx  bool
	size  int
	lru   *list.List // of *cachedStmt, most recent first
	bySQL map[string]*list.Element
}

func newCachingConn(c driver.Conn, size int) driver.Conn {
	pc, ok := c.(pqConn)
	if !ok || size <= 0 {
		return c
	}
	return &cachingConn{pqConn: pc, size: size, lru: list.New(), bySQL: map[string]*list.Element{}}
}

// prepared returns the connection's statement for query, preparing it on first use.
func (c *cachingConn) prepared(ctx context.Context, query string) (preparedStmt, error) {
	if e, ok := c.bySQL[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt).stmt, nil
	}
	s, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	ps, ok := s.(preparedStmt)
	if !ok {
		_ = s.Close()
		return nil, errors.New("prepared statement lacks context methods")
	}
	c.bySQL[query] = c.lru.PushFront(&cachedStmt{query: query, stmt: ps})
	if c.lru.Len() > c.size {
		c.evict(c.lru.Back())
	}
	return ps, nil
}

func (c *cachingConn) evict(e *list.Element) {
	cs := e.Value.(*cachedStmt)
	c.lru.Remove(e)
	delete(c.bySQL, cs.query)
	_ = cs.stmt.Close()
}

// stale reports (and forgets) query's statement when err says the server-side statement is
// unusable: its plan changed result type after DDL, or it no longer exists.
func (c *cachingConn) stale(query string, err error) bool {
	var pe *pq.Error
	if !errors.As(err, &pe) || (pe.Code != "0A000" && pe.Code != "26000") {
		return false
	}
	if e, ok := c.bySQL[query]; ok {
		c.evict(e)
	}
	return true
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 { // the simple protocol is already one round trip
		return c.pqConn.QueryContext(ctx, query, args)
	}
	s, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.QueryContext(ctx, args)
	// Outside a transaction a stale statement is re-prepared once; inside one the error has already
	// aborted it, so it goes to the caller like any other.
	if err != nil && c.stale(query, err) && !c.inTx {
		if s, err = c.prepared(ctx, query); err != nil {
			return nil, err
		}
		return s.QueryContext(ctx, args)
	}
	return rows, err
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.pqConn.ExecContext(ctx, query, args)
	}
	s, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.ExecContext(ctx, args)
	if err != nil && c.stale(query, err) && !c.inTx {
		if s, err = c.prepared(ctx, query); err != nil {
			return nil, err
		}
		return s.ExecContext(ctx, args)
	}
	return res, err
}

// BeginTx tracks whether the connection is inside a transaction (see QueryContext).
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.pqConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx = true
	return txEnd{Tx: tx, c: c}, nil
}

type txEnd struct {
	driver.Tx
	c *cachingConn
}

func (t txEnd) Commit() error   { t.c.inTx = false; return t.Tx.Commit() }
func (t txEnd) Rollback() error { t.c.inTx = false; return t.Tx.Rollback() }

// Close ends the session; the server drops its prepared statements with it.
func (c *cachingConn) Close() error {
	c.lru.Init()
	c.bySQL = nil
	return c.pqConn.Close()
}

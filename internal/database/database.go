// Package database opens the store (PostgreSQL when a URL is given, otherwise an embedded SQLite file)
// and brings its schema up to date.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/XSAM/otelsql"
	"github.com/lib/pq"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"

	"github.com/example/staffcrm/ent"
	_ "github.com/example/staffcrm/ent/runtime" // privacy policies and hooks
)

// Config says where the data lives.
type Config struct {
	// URL is a PostgreSQL connection URL; empty selects the embedded SQLite file.
	URL string
	// DataDir is the folder of the embedded SQLite file.
	DataDir string
	// MaxOpenConns caps the PostgreSQL pool; 0 picks a default for a small machine.
	MaxOpenConns int
}

// DB is an open store.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string
	url     string
}

// URL is the PostgreSQL URL the store was opened with ("" for the embedded store).
func (d *DB) URL() string { return d.url }

// Embedded reports whether the store is the embedded SQLite file.
func (d *DB) Embedded() bool { return d.Dialect == dialect.SQLite }

// Open connects and pings. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	var (
		db  *sql.DB
		dia string
		err error
	)
	if cfg.URL != "" {
		dia = dialect.Postgres
		pc, err := pq.NewConnector(cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db = otelsql.OpenDB(cachingConnector{Connector: pc, size: StatementCacheSize},
			otelsql.WithAttributes(semconv.DBSystemNamePostgreSQL))
		n := cfg.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		dia = dialect.SQLite
		dir := cfg.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		db, err = otelsql.Open("sqlite", SQLiteDSN(filepath.Join(dir, "staffcrm.db")), otelsql.WithAttributes(semconv.DBSystemNameSQLite))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ping %s: %w", dia, err)
	}
	var drv dialect.Driver = entsql.OpenDB(dia, db)
	if dia == dialect.SQLite {
		drv = utcDriver{drv} // see sqlitetime.go
	}
	drv = countingDriver{drv}
	return &DB{Client: ent.NewClient(ent.Driver(drv)), SQL: db, Dialect: dia, url: cfg.URL}, nil
}

// SQLiteDSN is the connection string of the embedded store: foreign keys on, WAL so readers don't
// block the writer, IMMEDIATE transactions so two writers queue on busy_timeout instead of failing
// with SQLITE_BUSY when a read lock would have to be upgraded, and times written in SQLite's sortable
// layout rather than Go's time.String() (see sqlitetime.go).
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
}

// Close closes the client and the pool.
func (d *DB) Close() error { return d.Client.Close() }

// Ready checks the database answers, for /readyz.
func (d *DB) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	if err := d.SQL.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("database not ready: %w", err)
	}
	if one != 1 {
		return errors.New("database not ready: unexpected answer")
	}
	return nil
}

// Package dbtest gives tests a fresh, migrated database of each supported kind: an SQLite file and,
// when a server is reachable, a scratch PostgreSQL database migrated with the real migrations.
package dbtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/database"
)

// Kind names a database engine.
type Kind string

const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Kinds lists the engines every behaviour is tested on.
var Kinds = []Kind{SQLite, Postgres}

// Open returns a new empty, migrated database of kind, closed (and dropped) when t ends. PostgreSQL
// tests skip loudly when TEST_DATABASE_URL is unset and nothing answers on 127.0.0.1:5432; when
// TEST_DATABASE_URL is set (as in CI) an unreachable server fails the test instead.
func Open(t testing.TB, kind Kind) *database.DB {
	t.Helper()
	ctx := context.Background()
	cfg := database.Config{DataDir: t.TempDir()}
	if kind == Postgres {
		cfg.URL = ScratchPostgres(t)
	}
	db, err := database.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", kind, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("migrate %s: %v", kind, err)
	}
	return db
}

// ScratchPostgres creates an empty PostgreSQL database for t and returns its URL.
func ScratchPostgres(t testing.TB) string {
	t.Helper()
	RequirePostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, drop, err := database.CreateScratchDatabase(ctx, database.LocalAdminURL(), "test")
	if err != nil {
		t.Fatalf("scratch postgres: %v", err)
	}
	t.Cleanup(drop)
	return u
}

// RequirePostgres skips t, loudly, when no PostgreSQL is configured or reachable.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return
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
}

// DataDir returns a temporary folder for an embedded store.
func DataDir(t testing.TB) string { return filepath.Join(t.TempDir(), "data") }

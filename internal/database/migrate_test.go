package database_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/example/staffcrm/ent/migrate"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestMigrationsMatchSchema applies migrations/ to an empty PostgreSQL database with the production
// runner (goose), then asks ent for the changes that would take that database to ent/schema. There
// must be none: a schema change without its migration fails here.
func TestMigrationsMatchSchema(t *testing.T) {
	ctx := context.Background()
	url := dbtest.ScratchPostgres(t)
	db, err := database.Open(ctx, database.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, quiet); err != nil {
		t.Fatalf("apply migrations: %v", err)
	}
	var dir migrate.MemDir
	err = entmigrate.NamedDiff(ctx, url, "drift",
		schema.WithDir(&dir),
		schema.WithMigrationMode(schema.ModeInspect),
		schema.WithDialect(dialect.Postgres),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithErrNoPlan(true),
	)
	if errors.Is(err, migrate.ErrNoPlan) {
		return
	}
	if err != nil {
		t.Fatalf("diff: %v", err)
	}
	files, _ := dir.Files()
	for _, f := range files {
		t.Errorf("migrations/ does not match ent/schema; run `go run . migrate diff NAME`. Missing changes:\n%s", f.Bytes())
	}
	if len(files) == 0 {
		t.Fatal("diff reported changes but wrote none")
	}
}

// TestMigrationDirReplaysClean replays migrations/ the way `migrate diff` does and expects no new
// migration: the directory, its checksum file and ent/schema agree.
func TestMigrationDirReplaysClean(t *testing.T) {
	dbtest.RequirePostgres(t)
	tmp := t.TempDir()
	entries, err := os.ReadDir("../../migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".go" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("../../migrations", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err = database.Diff(context.Background(), tmp, dbtest.ScratchPostgres(t), "drift")
	if !errors.Is(err, database.ErrNoChanges) {
		after, _ := os.ReadDir(tmp)
		t.Fatalf("want no changes, got err=%v; dir now has %d files (was %d)", err, len(after), len(entries)-1)
	}
}

// TestConcurrentMigrate starts several migrators on one empty database at once, each with its own
// connection pool as separate processes would have: the advisory lock lets one apply each migration
// and the others find nothing to do.
func TestConcurrentMigrate(t *testing.T) {
	ctx := context.Background()
	url := dbtest.ScratchPostgres(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := database.Open(ctx, database.Config{URL: url})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(ctx, quiet)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrator %d: %v", i, err)
		}
	}
	db, err := database.Open(ctx, database.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, _ := filepath.Glob("../../migrations/*.sql")
	var applied int
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != len(files) {
		t.Fatalf("goose_db_version has %d applied rows, want %d (one per migration)", applied, len(files))
	}
}

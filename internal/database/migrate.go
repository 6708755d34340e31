package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	entmigrate "github.com/example/staffcrm/ent/migrate"
	"github.com/example/staffcrm/migrations"
)

// migrationLockID is the PostgreSQL advisory lock held while migrating, so that of several processes
// starting at once exactly one applies migrations and the others wait.
const migrationLockID = 0x5CA1AB1E

// Migrate brings the schema up to date: versioned goose migrations on PostgreSQL (under an advisory
// lock); ent's automatic migration on the embedded SQLite file, which is a development store, then
// the embedded store's one data migration (times into UTC text, sqlitetime.go).
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	if d.Embedded() {
		if err := d.Client.Schema.Create(ctx); err != nil {
			return fmt.Errorf("migrate sqlite: %w", err)
		}
		if err := d.normalizeSQLiteTimes(ctx); err != nil {
			return fmt.Errorf("migrate sqlite: %w", err)
		}
		return d.installSQLiteVersioning(ctx)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID))
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d.SQL, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration.String())
	}
	return nil
}

// ErrNoChanges is returned by Diff when migrations/ already matches ent/schema.
var ErrNoChanges = errors.New("migrations are in sync with ent/schema")

// Diff writes a new goose migration into dir with the changes that take the schema described by the
// existing migrations to the one described by ent/schema. devURL is an empty scratch PostgreSQL
// database the migrations are replayed on.
func Diff(ctx context.Context, dir, devURL, name string) error {
	d, err := sqltool.NewGooseDir(dir)
	if err != nil {
		return fmt.Errorf("open migration dir: %w", err)
	}
	return diff(ctx, d, devURL, name)
}

func diff(ctx context.Context, dir migrate.Dir, devURL, name string) error {
	err := entmigrate.NamedDiff(ctx, devURL, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialect.Postgres),
		schema.WithFormatter(sqltool.GooseFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithErrNoPlan(true),
	)
	if errors.Is(err, migrate.ErrNoPlan) {
		return ErrNoChanges
	}
	if err != nil {
		return fmt.Errorf("diff migrations: %w", err)
	}
	return nil
}

// DiffWithScratch is Diff with a dev database: devURL if given, otherwise a scratch database created
// (and dropped afterwards) on the local PostgreSQL server.
func DiffWithScratch(ctx context.Context, dir, devURL, name string) error {
	if devURL != "" {
		return Diff(ctx, dir, devURL, name)
	}
	scratch, drop, err := CreateScratchDatabase(ctx, LocalAdminURL(), "migrate_dev")
	if err != nil {
		return err
	}
	defer drop()
	return Diff(ctx, dir, scratch, name)
}

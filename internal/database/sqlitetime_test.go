package database_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/database"
)

// An embedded store written by an older build holds times as Go's time.String() in whatever zone
// they carried ("… +0900 JST", "… -0500 EST", even a monotonic "m=+16.2" suffix). Migrate rewrites
// them into UTC in SQLite's layout, so comparisons and ORDER BY follow the instants (issue 15).
func TestSQLiteTimesMigratedToUTC(t *testing.T) {
	ctx := access.System(context.Background(), "sqlite time migration test")
	dir := t.TempDir()
	path := filepath.Join(dir, "staffcrm.db")

	// The schema as the current build creates it, then the data version of a store that predates
	// the time migration.
	db, err := database.Open(ctx, database.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL.ExecContext(ctx, "PRAGMA user_version = 0"); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()

	// Rows written the old way: the driver's default time.String() text, in the caller's zones.
	old, err := sql.Open("sqlite", strings.Replace(database.SQLiteDSN(path), "&_time_format=sqlite", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	oldClient := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, old)))
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 16, 1, 0, 0, 0, time.UTC)
	monotonic := time.Now()
	monotonic = monotonic.Add(base.Add(3 * time.Hour).Sub(monotonic)) // keeps its monotonic reading
	rows := []struct {
		slug string
		at   time.Time
	}{
		{"jst", base.Add(2 * time.Hour).In(time.FixedZone("JST", 9*3600))}, // 03:00Z, text "12:00 +0900 JST"
		{"utc", base.Add(1 * time.Hour)},                                   // 02:00Z
		{"ny", base.In(ny)},                                                // 01:00Z, text "2026-11-15 20:00 -0500 EST"
		{"mono", monotonic},                                                // 04:00Z
	}
	for _, r := range rows {
		oldClient.Agency.Create().SetName(r.slug).SetSlug(r.slug).SetCreatedAt(r.at).SetUpdatedAt(r.at).SaveX(ctx)
	}
	var raw string
	if err := old.QueryRowContext(ctx, `SELECT CAST(created_at AS TEXT) FROM agencies WHERE slug = 'mono'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw, "m=") {
		t.Logf("note: old text without a monotonic suffix: %q", raw)
	}
	_ = oldClient.Close()

	db, err = database.Open(ctx, database.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx, quiet); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	q, err := db.SQL.QueryContext(ctx, `SELECT slug, CAST(created_at AS TEXT) FROM agencies`)
	if err != nil {
		t.Fatal(err)
	}
	for q.Next() {
		var slug, s string
		if err := q.Scan(&slug, &s); err != nil {
			t.Fatal(err)
		}
		texts[slug] = s
	}
	_ = q.Close()
	want := map[string]string{"ny": "2026-11-16 01:00:00+00:00", "utc": "2026-11-16 02:00:00+00:00",
		"jst": "2026-11-16 03:00:00+00:00", "mono": "2026-11-16 04:00:00+00:00"}
	for slug, w := range want {
		if texts[slug] != w {
			t.Errorf("%s: stored %q, want %q", slug, texts[slug], w)
		}
	}
	// Ordering and comparison now follow the instants, whatever zone the argument carries.
	got := db.Client.Agency.Query().Order(ent.Asc(agency.FieldCreatedAt)).Select(agency.FieldSlug).StringsX(ctx)
	if strings.Join(got, ",") != "ny,utc,jst,mono" {
		t.Errorf("ordered by created_at: %v", got)
	}
	cut := base.Add(150 * time.Minute).In(ny) // 03:30Z as New York wall time
	before := db.Client.Agency.Query().Where(agency.CreatedAtLT(cut)).Order(ent.Asc(agency.FieldCreatedAt)).Select(agency.FieldSlug).StringsX(ctx)
	if strings.Join(before, ",") != "ny,utc,jst" {
		t.Errorf("created before %s: %v", cut, before)
	}
	// New writes are UTC too.
	db.Client.Agency.Create().SetName("new").SetSlug("new").SetCreatedAt(base.In(time.FixedZone("JST", 9*3600))).SaveX(ctx)
	if err := db.SQL.QueryRowContext(ctx, `SELECT CAST(created_at AS TEXT) FROM agencies WHERE slug = 'new'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != "2026-11-16 01:00:00+00:00" {
		t.Errorf("new row stored %q", raw)
	}
	// The times read back are the same instants.
	if a := db.Client.Agency.Query().Where(agency.Slug("jst")).OnlyX(ctx); !a.CreatedAt.Equal(base.Add(2 * time.Hour)) {
		t.Errorf("jst read back as %s", a.CreatedAt)
	}
}

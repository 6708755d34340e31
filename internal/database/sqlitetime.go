package database

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"entgo.io/ent/dialect"
)

// The embedded store keeps times as text, and SQLite compares text as text. Unless every stored time
// has one zone and one layout, "deadline < now" and ORDER BY compare characters, not instants: a due
// time written as "… 10:30:00 +0900 JST" sorts after a clock reading "… 01:31:00 +0000 UTC" that is
// an hour later (issue 15: ack timeouts fired nine hours late). So on SQLite
//   - the driver writes times in SQLite's own layout (_time_format=sqlite in SQLiteDSN),
//   - utcDriver turns every time argument into UTC before it reaches the driver, so the text has one
//     zone and sorts as the instants do (fractions are written without trailing zeros, and "+" sorts
//     before "." and the digits, so 05+00:00 < 05.1+00:00 < 05.12+00:00 < 06+00:00), and
//   - normalizeSQLiteTimes rewrites rows an older build wrote as Go's time.String() in mixed zones.

// sqliteTimeLayout is the driver's "sqlite" write layout (modernc.org/sqlite writeTimeFormats).
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

// sqliteTimeVersion is the PRAGMA user_version from which an embedded store's times are normalised.
const sqliteTimeVersion = 1

// utcArgs returns args with every time in UTC (ent passes a []any).
func utcArgs(args any) any {
	list, ok := args.([]any)
	if !ok {
		return args
	}
	var out []any
	for i, a := range list {
		var u any
		switch v := a.(type) {
		case time.Time:
			u = v.UTC()
		case *time.Time:
			if v != nil {
				t := v.UTC()
				u = &t
			}
		}
		if u == nil {
			continue
		}
		if out == nil {
			out = append([]any(nil), list...)
		}
		out[i] = u
	}
	if out == nil {
		return args
	}
	return out
}

// utcDriver hands the SQLite driver UTC times only, in and out of transactions.
type utcDriver struct{ dialect.Driver }

func (d utcDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.Driver.Exec(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.Driver.Query(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return utcTx{tx}, nil
}

type utcTx struct{ dialect.Tx }

func (t utcTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.Tx.Exec(ctx, query, utcArgs(args), v)
}

func (t utcTx) Query(ctx context.Context, query string, args, v any) error {
	return t.Tx.Query(ctx, query, utcArgs(args), v)
}

// goTimeString matches time.String(): "2006-01-02 15:04:05.999999999 -0700 MST", optionally followed
// by a monotonic reading " m=+16.200000001". The zone abbreviation is dropped before parsing (Go
// writes "+0530" for zones without one, which time.Parse does not take as an abbreviation).
var goTimeString = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{4})(?: \S+)?(?: m=[+-]?[\d.]+)?$`)

// parseStoredTime reads a time as any build of the embedded store wrote it.
func parseStoredTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if m := goTimeString.FindStringSubmatch(s); m != nil {
		t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700", m[1]+" "+m[2])
		return t, err == nil
	}
	for _, layout := range []string{sqliteTimeLayout, "2006-01-02T15:04:05.999999999-07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSuffix(s, "Z")); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// normalizeSQLiteTimes rewrites, once per embedded store, every stored time (columns declared
// DATE, DATETIME or TIMESTAMP) into UTC in the driver's sqlite layout, in one transaction.
func (d *DB) normalizeSQLiteTimes(ctx context.Context) error {
	var version int
	if err := d.SQL.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("normalise times: %w", err)
	}
	if version >= sqliteTimeVersion {
		return nil
	}
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("normalise times: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := normalizeTimes(ctx, tx); err != nil {
		return fmt.Errorf("normalise times: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", sqliteTimeVersion)); err != nil {
		return fmt.Errorf("normalise times: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("normalise times: %w", err)
	}
	return nil
}

func normalizeTimes(ctx context.Context, tx *sql.Tx) error {
	tables, err := strings1(ctx, tx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return err
	}
	for _, table := range tables {
		cols, err := strings1(ctx, tx, `SELECT name FROM pragma_table_info(?) WHERE upper(type) IN ('DATE', 'DATETIME', 'TIMESTAMP')`, table)
		if err != nil {
			return err
		}
		for _, col := range cols {
			if err := normalizeColumn(ctx, tx, table, col); err != nil {
				return fmt.Errorf("%s.%s: %w", table, col, err)
			}
		}
	}
	return nil
}

func normalizeColumn(ctx context.Context, tx *sql.Tx, table, col string) error {
	type fix struct {
		rowid int64
		text  string
	}
	// CAST keeps the driver from parsing the value itself: the text is rewritten only if it differs.
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT rowid, CAST(%q AS TEXT) FROM %q WHERE typeof(%q) = 'text'`, col, table, col))
	if err != nil {
		return err
	}
	var fixes []fix
	for rows.Next() {
		var (
			id  int64
			old string
		)
		if err := rows.Scan(&id, &old); err != nil {
			_ = rows.Close()
			return err
		}
		t, ok := parseStoredTime(old)
		if !ok {
			continue // not a time this store wrote; leave it as it is
		}
		if s := t.UTC().Format(sqliteTimeLayout); s != old {
			fixes = append(fixes, fix{id, s})
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range fixes {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET %q = ? WHERE rowid = ?`, table, col), f.text, f.rowid); err != nil {
			return err
		}
	}
	return nil
}

func strings1(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/seed"
)

// TestDataVersionTriggersMatchList: the PostgreSQL migration installs the data version triggers on
// exactly database.VersionedTables, no more and no fewer, with the shape the response cache relies
// on: a deferred row-level constraint trigger on INSERT, UPDATE and DELETE, and a statement-level
// TRUNCATE trigger, both enabled and calling the bump function.
func TestDataVersionTriggersMatchList(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, dbtest.Postgres)
	// tgtype bits (pg_trigger.h): ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64.
	const rowInsertDeleteUpdate, statementTruncate = 1 | 4 | 8 | 16, 32
	for _, tc := range []struct {
		trigger    string
		tgtype     int
		constraint bool // a deferrable, initially deferred constraint trigger
	}{
		{"bump_data_version", rowInsertDeleteUpdate, true},
		{"bump_data_version_truncate", statementTruncate, false},
	} {
		t.Run(tc.trigger, func(t *testing.T) {
			rows, err := db.SQL.QueryContext(ctx, `
				SELECT c.relname, tg.tgtype::int, tg.tgconstraint <> 0, tg.tgdeferrable, tg.tginitdeferred,
					tg.tgenabled::text, p.proname
				FROM pg_trigger tg
				JOIN pg_class c ON c.oid = tg.tgrelid
				JOIN pg_namespace n ON n.oid = c.relnamespace
				JOIN pg_proc p ON p.oid = tg.tgfoid
				WHERE tg.tgname = $1 AND NOT tg.tgisinternal AND n.nspname = current_schema()
				ORDER BY c.relname`, tc.trigger)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var tables []string
			for rows.Next() {
				var (
					table, enabled, fn               string
					tgtype                           int
					constraint, deferrable, deferred bool
				)
				if err := rows.Scan(&table, &tgtype, &constraint, &deferrable, &deferred, &enabled, &fn); err != nil {
					t.Fatal(err)
				}
				tables = append(tables, table)
				if tgtype != tc.tgtype {
					t.Errorf("%s on %s: tgtype %d, want %d", tc.trigger, table, tgtype, tc.tgtype)
				}
				if constraint != tc.constraint || deferrable != tc.constraint || deferred != tc.constraint {
					t.Errorf("%s on %s: constraint %v deferrable %v initially deferred %v, want all %v",
						tc.trigger, table, constraint, deferrable, deferred, tc.constraint)
				}
				if enabled != "O" {
					t.Errorf("%s on %s: tgenabled %q, want \"O\" (enabled)", tc.trigger, table, enabled)
				}
				if fn != "staffcrm_bump_data_version" {
					t.Errorf("%s on %s: calls %s, want staffcrm_bump_data_version", tc.trigger, table, fn)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			want := slices.Sorted(slices.Values(database.VersionedTables))
			if !slices.Equal(tables, want) {
				t.Errorf("tables with trigger %s:\n got  %v\n want %v (database.VersionedTables)\n missing %v\n extra   %v",
					tc.trigger, tables, want, setMinus(want, tables), setMinus(tables, want))
			}
		})
	}
}

// setMinus returns the elements of a not in b.
func setMinus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// cheapHash hashes seed passwords quickly: these tests never log in.
var cheapHash = func(pw string) (string, error) {
	return auth.HashPasswordWith(auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}, pw)
}

// seededDB returns a fresh database of kind holding the demo data.
func seededDB(t *testing.T, kind dbtest.Kind) *database.DB {
	t.Helper()
	db := dbtest.Open(t, kind)
	if err := seed.Demo(access.System(context.Background(), "test: seed"), db.Client, cheapHash); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return db
}

// copyOverrides gives, per table, the value a copied row takes for each column under a unique
// index (other than the primary key), so the copy doesn't collide with its original. A unique
// index added without an entry here makes TestDataVersionBumpsOnEveryWrite fail on the insert.
var copyOverrides = map[string]map[string]string{
	"agencies":          {"slug": "slug || '-copy'"},
	"accounts":          {"email": "'copy-' || email"},
	"sales_reps":        {"account_id": "NULL"},
	"registrants":       {"account_id": "NULL"},
	"coordinators":      {"account_id": "NULL"},
	"applications":      {"idempotency_key": "NULL", "active": "NULL"},
	"assignments":       {"application_id": "NULL", "renewal_of_id": "NULL"},
	"inquiries":         {"idempotency_key": "NULL"},
	"skills":            {"name": "name || '-copy'"},
	"minimum_wages":     {"prefecture": "prefecture || '-copy'"},
	"general_wages":     {"prefecture": "prefecture || '-copy'"},
	"dispatch_contacts": {"scope_key": "scope_key || '-copy'"},
}

// copyRowSQL returns an INSERT copying the row id of table under the new id newID (columns under a
// unique index adjusted per copyOverrides). Nothing references the copy, so it can be deleted freely.
func copyRowSQL(ctx context.Context, t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table string, id, newID int64) string {
	t.Helper()
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM %s WHERE 1 = 0`, table))
	if err != nil {
		t.Fatalf("%s columns: %v", table, err)
	}
	cols, err := rows.Columns()
	_ = rows.Close()
	if err != nil {
		t.Fatalf("%s columns: %v", table, err)
	}
	if !slices.Contains(cols, "id") {
		t.Fatalf("%s has no id column (columns %v)", table, cols)
	}
	overrides := copyOverrides[table]
	exprs := make([]string, len(cols))
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
		switch {
		case c == "id":
			exprs[i] = fmt.Sprint(newID)
		case overrides[c] != "":
			exprs[i] = overrides[c]
		default:
			exprs[i] = quoted[i]
		}
	}
	for c := range overrides {
		if !slices.Contains(cols, c) {
			t.Fatalf("copyOverrides[%q] names column %q, which %s doesn't have", table, c, table)
		}
	}
	return fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s WHERE id = %d`,
		table, strings.Join(quoted, ", "), strings.Join(exprs, ", "), table, id)
}

// tableVersion is the part of the data version counted for table.
func tableVersion(ctx context.Context, t *testing.T, db *database.DB, table string) int64 {
	t.Helper()
	var v int64
	if err := db.SQL.QueryRowContext(ctx,
		fmt.Sprintf(`SELECT COALESCE(SUM(version), 0) FROM data_versions WHERE table_name = '%s'`, table)).Scan(&v); err != nil {
		t.Fatalf("version of %s: %v", table, err)
	}
	return v
}

func agencyVersion(ctx context.Context, t *testing.T, db *database.DB, agencyID int) int64 {
	t.Helper()
	v, err := db.AgencyVersion(ctx, agencyID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func dataVersion(ctx context.Context, t *testing.T, db *database.DB) int64 {
	t.Helper()
	v, err := db.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDataVersionBumpsOnEveryWrite: on every engine, for every table of database.VersionedTables,
// a committed INSERT, UPDATE and DELETE through plain SQL each make DataVersion (and the table's own
// counter) strictly larger; a transaction doing all three and rolling back changes nothing; and on
// PostgreSQL a committed TRUNCATE bumps too.
func TestDataVersionBumpsOnEveryWrite(t *testing.T) {
	ctx := context.Background()
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := seededDB(t, kind)
			for _, table := range database.VersionedTables {
				t.Run(table, func(t *testing.T) {
					var n int
					var minID, maxID int64
					if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf(
						`SELECT count(*), COALESCE(min(id), 0), COALESCE(max(id), 0) FROM %s`, table)).Scan(&n, &minID, &maxID); err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						t.Fatalf("the demo seed left %s empty: nothing to exercise its triggers with", table)
					}
					newID := maxID + 1000
					// The row's agency counts the writes; the seed's other agency does not see them.
					col := "agency_id"
					if table == "agencies" {
						col = "id"
					}
					var own, other int
					if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE id = %d`, col, table, minID)).Scan(&own); err != nil {
						t.Fatal(err)
					}
					if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf(`SELECT id FROM agencies WHERE id <> %d ORDER BY id LIMIT 1`, own)).Scan(&other); err != nil {
						t.Fatal(err)
					}
					insert := copyRowSQL(ctx, t, db.SQL, table, minID, newID)
					update := fmt.Sprintf(`UPDATE %s SET id = id WHERE id = %d`, table, minID)
					del := fmt.Sprintf(`DELETE FROM %s WHERE id = %d`, table, newID)

					// Each committed write bumps, in its own transaction.
					for _, w := range []struct{ op, stmt string }{{"INSERT", insert}, {"UPDATE", update}, {"DELETE", del}} {
						before, beforeT := dataVersion(ctx, t, db), tableVersion(ctx, t, db, table)
						beforeOwn, beforeOther := agencyVersion(ctx, t, db, own), agencyVersion(ctx, t, db, other)
						tx, err := db.SQL.BeginTx(ctx, nil)
						if err != nil {
							t.Fatal(err)
						}
						res, err := tx.ExecContext(ctx, w.stmt)
						if err != nil {
							_ = tx.Rollback()
							t.Fatalf("%s: %v\n%s", w.op, err, w.stmt)
						}
						if k, _ := res.RowsAffected(); k != 1 {
							_ = tx.Rollback()
							t.Fatalf("%s affected %d rows, want 1\n%s", w.op, k, w.stmt)
						}
						if err := tx.Commit(); err != nil {
							t.Fatalf("%s: commit: %v", w.op, err)
						}
						after, afterT := dataVersion(ctx, t, db), tableVersion(ctx, t, db, table)
						if after <= before {
							t.Errorf("committed %s on %s: DataVersion %d -> %d, want it larger", w.op, table, before, after)
						}
						if afterT <= beforeT {
							t.Errorf("committed %s on %s: its version %d -> %d, want it larger", w.op, table, beforeT, afterT)
						}
						ownV, otherV := agencyVersion(ctx, t, db, own), agencyVersion(ctx, t, db, other)
						// A copied agency row is a new agency: its writes count for it, not the original.
						if table != "agencies" || w.op == "UPDATE" {
							if ownV <= beforeOwn {
								t.Errorf("committed %s on %s: its agency's version %d -> %d, want it larger", w.op, table, beforeOwn, ownV)
							}
						}
						if otherV != beforeOther {
							t.Errorf("committed %s on %s of agency %d: agency %d's version %d -> %d, want it unchanged",
								w.op, table, own, other, beforeOther, otherV)
						}
					}

					// The same writes rolled back change nothing.
					before := dataVersion(ctx, t, db)
					tx, err := db.SQL.BeginTx(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					for _, stmt := range []string{insert, update, del} {
						if _, err := tx.ExecContext(ctx, stmt); err != nil {
							_ = tx.Rollback()
							t.Fatalf("%v\n%s", err, stmt)
						}
					}
					if err := tx.Rollback(); err != nil {
						t.Fatal(err)
					}
					if after := dataVersion(ctx, t, db); after != before {
						t.Errorf("rolled-back writes to %s: DataVersion %d -> %d, want it unchanged", table, before, after)
					}
				})
			}

			if kind != dbtest.Postgres {
				return // SQLite has no TRUNCATE
			}
			t.Run("truncate", func(t *testing.T) {
				// Nothing references skills, so it truncates without CASCADE; done last, as it empties it.
				before, beforeT := dataVersion(ctx, t, db), tableVersion(ctx, t, db, "skills")
				var ag int
				if err := db.SQL.QueryRowContext(ctx, `SELECT id FROM agencies ORDER BY id LIMIT 1`).Scan(&ag); err != nil {
					t.Fatal(err)
				}
				beforeAg := agencyVersion(ctx, t, db, ag)
				if _, err := db.SQL.ExecContext(ctx, `TRUNCATE skills`); err != nil {
					t.Fatal(err)
				}
				if a := agencyVersion(ctx, t, db, ag); a <= beforeAg {
					t.Errorf("TRUNCATE skills: agency %d's version %d -> %d, want it larger (a truncate counts for every agency)", ag, beforeAg, a)
				}
				after, afterT := dataVersion(ctx, t, db), tableVersion(ctx, t, db, "skills")
				if after <= before || afterT <= beforeT {
					t.Errorf("TRUNCATE skills: DataVersion %d -> %d, skills version %d -> %d, want both larger",
						before, after, beforeT, afterT)
				}
			})
		})
	}
}

// TestDataVersionConcurrentWritersNoDeadlock: many transactions committing at once, each writing
// two versioned tables, half of them in the opposite order, never deadlock on the version
// bookkeeping (each touches its own domain rows, so nothing else could), and every commit counts.
func TestDataVersionConcurrentWritersNoDeadlock(t *testing.T) {
	const goroutines, txPerGoroutine = 32, 30
	// Well under a second when sound; a deadlock costs deadlock_timeout (1s by default) each.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := seededDB(t, dbtest.Postgres)

	// One posting and one application per goroutine, copying seeded rows when there are too few.
	ids := func(table string) []int64 {
		t.Helper()
		var out []int64
		rows, err := db.SQL.QueryContext(ctx, fmt.Sprintf(`SELECT id FROM %s ORDER BY id LIMIT %d`, table, goroutines))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if len(out) == 0 {
			t.Fatalf("the demo seed left %s empty", table)
		}
		for len(out) < goroutines {
			newID := out[len(out)-1] + 1_000_000
			if _, err := db.SQL.ExecContext(ctx, copyRowSQL(ctx, t, db.SQL, table, out[0], newID)); err != nil {
				t.Fatalf("copy a row of %s: %v", table, err)
			}
			out = append(out, newID)
		}
		return out
	}
	postings, applications := ids("postings"), ids("applications")

	before := dataVersion(ctx, t, db)
	beforeP, beforeA := tableVersion(ctx, t, db, "postings"), tableVersion(ctx, t, db, "applications")
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		errs      []error
		committed int
	)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stmts := []string{
				fmt.Sprintf(`UPDATE postings SET updated_at = updated_at WHERE id = %d`, postings[g]),
				fmt.Sprintf(`UPDATE applications SET updated_at = updated_at WHERE id = %d`, applications[g]),
			}
			if g%2 == 1 {
				stmts[0], stmts[1] = stmts[1], stmts[0]
			}
			for i := range txPerGoroutine {
				err := func() error {
					tx, err := db.SQL.BeginTx(ctx, nil)
					if err != nil {
						return err
					}
					for _, s := range stmts {
						if _, err := tx.ExecContext(ctx, s); err != nil {
							_ = tx.Rollback()
							return err
						}
					}
					return tx.Commit()
				}()
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("goroutine %d, transaction %d: %w", g, i, err))
				} else {
					committed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		deadlocks := 0
		for _, err := range errs {
			if strings.Contains(err.Error(), "deadlock") { // pq: deadlock detected (40P01)
				deadlocks++
			}
		}
		t.Errorf("%d transactions failed, %d of them deadlocked; the first:", len(errs), deadlocks)
		for _, err := range errs[:min(len(errs), 10)] {
			t.Error(err)
		}
	}
	if committed != goroutines*txPerGoroutine {
		t.Errorf("%d of %d transactions committed", committed, goroutines*txPerGoroutine)
	}
	after := dataVersion(ctx, t, db)
	afterP, afterA := tableVersion(ctx, t, db, "postings"), tableVersion(ctx, t, db, "applications")
	if after-before < int64(committed) {
		t.Errorf("DataVersion grew by %d over %d committed transactions, want at least that many", after-before, committed)
	}
	if afterP-beforeP < int64(committed) || afterA-beforeA < int64(committed) {
		t.Errorf("over %d committed transactions writing both: postings version grew by %d, applications by %d; want each at least %d",
			committed, afterP-beforeP, afterA-beforeA, committed)
	}
	t.Logf("%d transactions committed; DataVersion %d -> %d", committed, before, after)
}

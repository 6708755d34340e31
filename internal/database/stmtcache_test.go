package database_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestStatementCache: parameterised statements are prepared once per connection and reused, the
// cache stays bounded, statements survive a rolled-back transaction, a statement made stale by DDL is
// re-prepared transparently outside a transaction, and concurrent use through the pool is correct.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, database.Config{URL: dbtest.ScratchPostgres(t), MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE kv (k int PRIMARY KEY, v text)`); err != nil {
		t.Fatal(err)
	}
	conn, err := db.SQL.Conn(ctx) // one session, so pg_prepared_statements shows its cache
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	prepared := func() (n int) {
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_prepared_statements`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	get := func(k int) (v string) {
		if err := conn.QueryRowContext(ctx, `SELECT v FROM kv WHERE k = $1`, k).Scan(&v); err != nil {
			t.Fatalf("get %d: %v", k, err)
		}
		return v
	}

	t.Run("reused", func(t *testing.T) {
		for i := 0; i < 20; i++ {
			if _, err := conn.ExecContext(ctx, `INSERT INTO kv (k, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i)); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 20; i++ {
			if got := get(i); got != fmt.Sprint("v", i) {
				t.Fatalf("get %d = %q", i, got)
			}
		}
		if n := prepared(); n != 2 {
			t.Fatalf("%d prepared statements after 40 executions of 2 statements, want 2", n)
		}
	})

	t.Run("bounded", func(t *testing.T) {
		for i := 0; i < database.StatementCacheSize+50; i++ {
			var got int
			q := fmt.Sprintf(`SELECT $1::int + %d`, i) // a distinct statement each time
			if err := conn.QueryRowContext(ctx, q, 1).Scan(&got); err != nil || got != 1+i {
				t.Fatalf("%s = %d, %v", q, got, err)
			}
		}
		if n := prepared(); n != database.StatementCacheSize {
			t.Fatalf("%d prepared statements, want the cache size %d", n, database.StatementCacheSize)
		}
	})

	t.Run("survives rollback", func(t *testing.T) {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var v string
		if err := tx.QueryRowContext(ctx, `SELECT v || $1 FROM kv WHERE k = 1`, "!").Scan(&v); err != nil || v != "v1!" {
			t.Fatalf("in tx: %q %v", v, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, `SELECT v || $1 FROM kv WHERE k = 1`, "?").Scan(&v); err != nil || v != "v1?" {
			t.Fatalf("after rollback: %q %v", v, err)
		}
	})

	t.Run("stale after DDL", func(t *testing.T) {
		q := `SELECT * FROM kv WHERE k = $1`
		var k int
		var v string
		if err := conn.QueryRowContext(ctx, q, 2).Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.ExecContext(ctx, `ALTER TABLE kv ADD COLUMN extra int DEFAULT 7`); err != nil {
			t.Fatal(err)
		}
		var extra int
		if err := conn.QueryRowContext(ctx, q, 2).Scan(&k, &v, &extra); err != nil || extra != 7 {
			t.Fatalf("after ALTER TABLE: %d %v", extra, err)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for g := 0; g < 32; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					k := (g*50 + i) % 20
					var v string
					if err := db.SQL.QueryRowContext(ctx, `SELECT v FROM kv WHERE k = $1`, k).Scan(&v); err != nil || v != fmt.Sprint("v", k) {
						errs <- fmt.Errorf("k=%d: %q %v", k, v, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

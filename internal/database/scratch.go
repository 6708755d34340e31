package database

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"time"
)

// DefaultLocalURL is the local development PostgreSQL server (trust auth).
const DefaultLocalURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// LocalAdminURL is the server scratch databases are created on: TEST_DATABASE_URL if set, else the
// local default.
func LocalAdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultLocalURL
}

// CreateScratchDatabase creates an empty, uniquely named database on the server of adminURL and
// returns its URL and a function that drops it.
func CreateScratchDatabase(ctx context.Context, adminURL, prefix string) (string, func(), error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("scratch database: %q is not a postgres:// URL", adminURL)
	}
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("scratch database: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := fmt.Sprintf("%s_%s", prefix, hex.EncodeToString(b[:]))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("create scratch database: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = admin.Close()
	}
	return u.String(), drop, nil
}

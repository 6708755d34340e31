// Package migrations embeds the versioned PostgreSQL migrations (goose format), generated from
// ent/schema with `go run . migrate diff <name>` and applied at start-up.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS

package database

import (
	"context"
	"fmt"
)

// VersionedTables are the domain tables whose every committed write bumps the data version that
// cached responses are stored under (internal/respcache). Bookkeeping tables are left out on purpose:
// audit_events (written by audited reads, never served by a cacheable query) and refresh_tokens
// (never exposed). migrations/*_data_versions.sql installs the PostgreSQL triggers for exactly
// this list; a test compares the two.
var VersionedTables = []string{
	"accounts", "agencies", "application_events", "applications", "assignments",
	"client_sites", "clients", "contact_logs", "coordinators", "inquiries", "org_units", "postings",
	"registrants", "routing_decisions", "sales_reps", "skills", "work_histories",
	"minimum_wages",    // migrations/*_minimum_wages.sql adds its triggers
	"consents",         // migrations/*_registrant_signup.sql adds its triggers
	"inquiry_messages", // migrations/*_inquiry_messages.sql adds its triggers
	// migrations/*_dispatch_records.sql adds the triggers of these three
	"dispatch_contacts", "ledger_logs", "general_wages",
}

// DataVersion is a number that changes whenever a write to any of VersionedTables commits, in this
// process or any other. Read it before the data it versions: a response computed after reading v
// reflects at least every write counted in v.
func (d *DB) DataVersion(ctx context.Context) (int64, error) {
	count(ctx)
	var v int64
	if err := d.SQL.QueryRowContext(ctx, `SELECT COALESCE(SUM(version), 0) FROM data_versions`).Scan(&v); err != nil {
		return 0, fmt.Errorf("data version: %w", err)
	}
	return v, nil
}

// AgencyVersion is DataVersion for one agency: it changes whenever a write to a row of that agency
// commits (or a TRUNCATE, which counts for every agency), and only then. Every row the API serves a
// viewer is of the viewer's agency, so a response stored under it stays right until it changes.
func (d *DB) AgencyVersion(ctx context.Context, agencyID int) (int64, error) {
	count(ctx)
	var v int64
	if err := d.SQL.QueryRowContext(ctx, `SELECT COALESCE(SUM(version), 0) FROM data_versions WHERE agency_id IN (0, $1)`,
		agencyID).Scan(&v); err != nil {
		return 0, fmt.Errorf("agency data version: %w", err)
	}
	return v, nil
}

// installSQLiteVersioning creates the embedded store's data version table and triggers (PostgreSQL
// gets them from its migration). SQLite runs one writer at a time, so one row per table and agency
// suffices and a row trigger bumps it inside the writing transaction. A table of the shape before
// agencies counted apart is replaced: the counters only matter to this process's cache, which starts
// empty.
func (d *DB) installSQLiteVersioning(ctx context.Context) error {
	var perAgency int
	if err := d.SQL.QueryRowContext(ctx,
		`SELECT count(*) FROM pragma_table_info('data_versions') WHERE name = 'agency_id'`).Scan(&perAgency); err != nil {
		return fmt.Errorf("install data versions: %w", err)
	}
	var stmts []string
	if perAgency == 0 {
		stmts = append(stmts, `DROP TABLE IF EXISTS data_versions`)
		for _, t := range VersionedTables {
			for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
				stmts = append(stmts, fmt.Sprintf(`DROP TRIGGER IF EXISTS bump_data_version_%s_%s`, t, op))
			}
		}
	}
	stmts = append(stmts, `CREATE TABLE IF NOT EXISTS data_versions (
		agency_id integer NOT NULL, table_name text NOT NULL, stripe integer NOT NULL, version integer NOT NULL DEFAULT 0,
		PRIMARY KEY (agency_id, table_name, stripe))`)
	for _, t := range VersionedTables {
		agency := "agency_id"
		if t == "agencies" {
			agency = "id"
		}
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			row := "NEW"
			if op == "DELETE" {
				row = "OLD"
			}
			stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS bump_data_version_%[1]s_%[2]s
				AFTER %[2]s ON %[1]s FOR EACH ROW BEGIN
				INSERT INTO data_versions (agency_id, table_name, stripe, version) VALUES (%[3]s.%[4]s, '%[1]s', 0, 1)
				ON CONFLICT (agency_id, table_name, stripe) DO UPDATE SET version = version + 1;
				END`, t, op, row, agency))
		}
	}
	for _, s := range stmts {
		if _, err := d.SQL.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("install data versions: %w", err)
		}
	}
	return nil
}

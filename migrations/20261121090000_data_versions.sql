-- +goose Up
-- Data versions for the response cache (internal/respcache): every committed write to a domain
-- table bumps a counter, so a cached response stored under the sum of all counters is served only
-- while no domain row has changed, whichever process wrote it. Not an ent type: nothing reads it
-- through the API. The table list must match database.VersionedTables (a test compares them).
CREATE TABLE "data_versions" (
  "table_name" text NOT NULL,
  "stripe" integer NOT NULL,
  "version" bigint NOT NULL DEFAULT 0,
  PRIMARY KEY ("table_name", "stripe")
);

-- +goose StatementBegin
-- The bump runs at commit (deferred constraint trigger), once per table per transaction. A
-- transaction takes one of 16 stripes, chosen by its id, so concurrent commits rarely wait on each
-- other; the advisory lock per stripe makes a transaction's bumps (one row per table it wrote) one
-- critical section, so two committing transactions can never wait on each other's rows (no deadlock).
CREATE FUNCTION "staffcrm_bump_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx text := txid_current()::text;
  my_stripe integer := (txid_current() % 16)::integer;
BEGIN
  IF current_setting('staffcrm.bumped_' || TG_TABLE_NAME, true) IS NOT DISTINCT FROM tx THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('staffcrm.bumped_' || TG_TABLE_NAME, tx, true);
  PERFORM pg_advisory_xact_lock(1936024942, my_stripe); -- 'sdat'
  INSERT INTO "data_versions" ("table_name", "stripe", "version") VALUES (TG_TABLE_NAME, my_stripe, 1)
    ON CONFLICT ("table_name", "stripe") DO UPDATE SET "version" = "data_versions"."version" + 1;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['accounts', 'agencies', 'application_events', 'applications', 'assignments',
    'client_sites', 'clients', 'contact_logs', 'coordinators', 'inquiries', 'org_units', 'postings',
    'registrants', 'routing_decisions', 'sales_reps', 'skills', 'work_histories'] LOOP
    EXECUTE format('CREATE CONSTRAINT TRIGGER "bump_data_version" AFTER INSERT OR UPDATE OR DELETE ON %I '
      'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "staffcrm_bump_data_version"()', t);
    -- TRUNCATE fires no row trigger: bump at once.
    EXECUTE format('CREATE TRIGGER "bump_data_version_truncate" AFTER TRUNCATE ON %I '
      'FOR EACH STATEMENT EXECUTE FUNCTION "staffcrm_bump_data_version"()', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tgname, tgrelid::regclass AS tbl FROM pg_trigger
    WHERE tgname IN ('bump_data_version', 'bump_data_version_truncate') LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.tbl);
  END LOOP;
END
$$;
-- +goose StatementEnd
DROP FUNCTION "staffcrm_bump_data_version"();
DROP TABLE "data_versions";

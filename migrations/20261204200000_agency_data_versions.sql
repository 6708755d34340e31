-- +goose Up
-- Data versions per agency (issue 17): a cached response depends only on its viewer's agency, so a
-- write in one agency must not invalidate another's entries. Rows of agency 0 count for every
-- agency: TRUNCATE (no row to read the agency from) bumps it, and it starts above every total any
-- process could have read before this migration, so no old sum ever comes back.
ALTER TABLE "data_versions" ADD COLUMN "agency_id" bigint NOT NULL DEFAULT 0;
ALTER TABLE "data_versions" DROP CONSTRAINT "data_versions_pkey";
ALTER TABLE "data_versions" ADD PRIMARY KEY ("agency_id", "table_name", "stripe");
INSERT INTO "data_versions" ("agency_id", "table_name", "stripe", "version")
  SELECT 0, 'migrated', 0, COALESCE(SUM("version"), 0) + 1 FROM "data_versions";
DELETE FROM "data_versions" WHERE "table_name" <> 'migrated';

-- +goose StatementBegin
-- As before (bump at commit, once per table and agency per transaction, one of 16 stripes under an
-- advisory lock), with the agency read from the row: its agency_id, or its id for agencies.
CREATE OR REPLACE FUNCTION "staffcrm_bump_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx text := txid_current()::text;
  my_stripe integer := (txid_current() % 16)::integer;
  ag bigint := 0;
  r jsonb;
  flag text;
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
    IF TG_TABLE_NAME = 'agencies' THEN
      ag := (r ->> 'id')::bigint;
    ELSE
      ag := COALESCE((r ->> 'agency_id')::bigint, 0);
    END IF;
  END IF;
  flag := 'staffcrm.bumped_' || TG_TABLE_NAME || '_' || ag;
  IF current_setting(flag, true) IS NOT DISTINCT FROM tx THEN
    RETURN NULL;
  END IF;
  PERFORM set_config(flag, tx, true);
  PERFORM pg_advisory_xact_lock(1936024942, my_stripe); -- 'sdat'
  INSERT INTO "data_versions" ("agency_id", "table_name", "stripe", "version") VALUES (ag, TG_TABLE_NAME, my_stripe, 1)
    ON CONFLICT ("agency_id", "table_name", "stripe") DO UPDATE SET "version" = "data_versions"."version" + 1;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
DELETE FROM "data_versions" WHERE "agency_id" <> 0 OR "table_name" = 'migrated';
ALTER TABLE "data_versions" DROP CONSTRAINT "data_versions_pkey";
ALTER TABLE "data_versions" DROP COLUMN "agency_id";
ALTER TABLE "data_versions" ADD PRIMARY KEY ("table_name", "stripe");
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION "staffcrm_bump_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
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

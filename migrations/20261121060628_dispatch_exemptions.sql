-- +goose Up
-- modify "registrants" table
ALTER TABLE "registrants" ADD COLUMN "daytime_student" boolean NOT NULL DEFAULT false, ADD COLUMN "income_exemption" boolean NOT NULL DEFAULT false, ADD COLUMN "retired_at_mandatory_age" boolean NOT NULL DEFAULT false;

-- +goose Down
-- reverse: modify "registrants" table
ALTER TABLE "registrants" DROP COLUMN "retired_at_mandatory_age", DROP COLUMN "income_exemption", DROP COLUMN "daytime_student";

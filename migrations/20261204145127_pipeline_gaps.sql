-- +goose Up
-- modify "applications" table
ALTER TABLE "applications" ADD COLUMN "meeting_at" timestamptz NULL, ADD COLUMN "meeting_place" character varying NULL, ADD COLUMN "meeting_attendees" jsonb NULL, ADD COLUMN "meeting_note" character varying NULL;
-- modify "assignments" table
ALTER TABLE "assignments" ADD COLUMN "planned_end_date" date NULL, ADD COLUMN "terminated_by" character varying NULL, ADD COLUMN "termination_reason" character varying NULL, ADD COLUMN "termination_measures" character varying NULL;

-- +goose Down
-- reverse: modify "assignments" table
ALTER TABLE "assignments" DROP COLUMN "termination_measures", DROP COLUMN "termination_reason", DROP COLUMN "terminated_by", DROP COLUMN "planned_end_date";
-- reverse: modify "applications" table
ALTER TABLE "applications" DROP COLUMN "meeting_note", DROP COLUMN "meeting_attendees", DROP COLUMN "meeting_place", DROP COLUMN "meeting_at";

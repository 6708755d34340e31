-- +goose Up
-- modify "agencies" table
ALTER TABLE "agencies" ADD COLUMN "routing_weight_continuity" double precision NOT NULL DEFAULT 3, ADD COLUMN "routing_weight_specialty" double precision NOT NULL DEFAULT 2, ADD COLUMN "routing_weight_region" double precision NOT NULL DEFAULT 1;
-- modify "coordinators" table
ALTER TABLE "coordinators" ADD COLUMN "open_inquiries" bigint NOT NULL DEFAULT 0;
-- modify "inquiries" table
ALTER TABLE "inquiries" ADD COLUMN "ack_due_at" timestamptz NULL, ADD COLUMN "handed_off_at" timestamptz NULL;
-- create index "inquiry_status_ack_due_at" to table: "inquiries"
CREATE INDEX "inquiry_status_ack_due_at" ON "inquiries" ("status", "ack_due_at");
-- create index "inquiry_status_priority_created_at" to table: "inquiries"
CREATE INDEX "inquiry_status_priority_created_at" ON "inquiries" ("status", "priority", "created_at");
-- modify "registrants" table
ALTER TABLE "registrants" ADD COLUMN "contact_pressure_flagged_at" timestamptz NULL;
-- modify "sales_reps" table
ALTER TABLE "sales_reps" ADD COLUMN "open_inquiries" bigint NOT NULL DEFAULT 0;

-- +goose Down
-- reverse: modify "sales_reps" table
ALTER TABLE "sales_reps" DROP COLUMN "open_inquiries";
-- reverse: modify "registrants" table
ALTER TABLE "registrants" DROP COLUMN "contact_pressure_flagged_at";
-- reverse: create index "inquiry_status_priority_created_at" to table: "inquiries"
DROP INDEX "inquiry_status_priority_created_at";
-- reverse: create index "inquiry_status_ack_due_at" to table: "inquiries"
DROP INDEX "inquiry_status_ack_due_at";
-- reverse: modify "inquiries" table
ALTER TABLE "inquiries" DROP COLUMN "handed_off_at", DROP COLUMN "ack_due_at";
-- reverse: modify "coordinators" table
ALTER TABLE "coordinators" DROP COLUMN "open_inquiries";
-- reverse: modify "agencies" table
ALTER TABLE "agencies" DROP COLUMN "routing_weight_region", DROP COLUMN "routing_weight_specialty", DROP COLUMN "routing_weight_continuity";

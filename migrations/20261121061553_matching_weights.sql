-- +goose Up
-- modify "agencies" table
ALTER TABLE "agencies" ADD COLUMN "matching_weights" jsonb NULL;

-- +goose Down
-- reverse: modify "agencies" table
ALTER TABLE "agencies" DROP COLUMN "matching_weights";

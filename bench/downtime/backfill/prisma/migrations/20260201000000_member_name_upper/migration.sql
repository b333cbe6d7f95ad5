-- Backfill
UPDATE "Member" SET "name" = upper("name");

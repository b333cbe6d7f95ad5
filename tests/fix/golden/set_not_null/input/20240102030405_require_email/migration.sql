-- Backfill
UPDATE "User" SET "email" = 'unknown-' || "id" || '@example.com' WHERE "email" IS NULL;

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL,
ALTER COLUMN "name" SET DEFAULT '';

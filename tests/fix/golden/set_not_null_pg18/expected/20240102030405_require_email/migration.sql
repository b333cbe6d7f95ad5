-- Backfill
UPDATE "User" SET "email" = 'unknown-' || "id" || '@example.com' WHERE "email" IS NULL;

-- AlterTable
ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" NOT NULL "email" NOT VALID,
ALTER COLUMN "name" SET DEFAULT '';

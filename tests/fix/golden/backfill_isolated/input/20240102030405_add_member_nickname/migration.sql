-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "nickname" TEXT;

-- Backfill
UPDATE "Member" SET "nickname" = lower("name");

-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "nickname" SET NOT NULL;

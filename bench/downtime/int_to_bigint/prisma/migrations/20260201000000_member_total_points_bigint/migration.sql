-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "totalPoints" SET DATA TYPE BIGINT;

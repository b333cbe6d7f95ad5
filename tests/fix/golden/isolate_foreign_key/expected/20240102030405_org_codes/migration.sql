-- AlterTable
ALTER TABLE "Team" ADD COLUMN "orgCode" TEXT;

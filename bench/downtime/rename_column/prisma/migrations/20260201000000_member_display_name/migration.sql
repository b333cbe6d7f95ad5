-- AlterTable
ALTER TABLE "Member" RENAME COLUMN "name" TO "displayName";

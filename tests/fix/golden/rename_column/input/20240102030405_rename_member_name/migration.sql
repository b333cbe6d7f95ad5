-- AlterTable
ALTER TABLE "Member" RENAME COLUMN "name" TO "displayName";

-- AlterTable
ALTER TABLE "Member" RENAME COLUMN "email" TO "mail";

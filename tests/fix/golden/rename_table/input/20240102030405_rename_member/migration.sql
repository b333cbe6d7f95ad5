-- AlterTable
ALTER TABLE "Member" RENAME TO "Account";

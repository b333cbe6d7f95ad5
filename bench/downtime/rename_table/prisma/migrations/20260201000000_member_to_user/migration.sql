-- AlterTable
ALTER TABLE "Member" RENAME TO "User";

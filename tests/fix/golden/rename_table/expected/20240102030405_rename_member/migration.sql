-- AlterTable
ALTER TABLE "Member" RENAME TO "Account";
CREATE VIEW "Member" AS SELECT * FROM "Account";

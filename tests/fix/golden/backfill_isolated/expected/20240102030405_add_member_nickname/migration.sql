-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "nickname" TEXT;

-- AlterTable
ALTER TABLE "Member" ADD CONSTRAINT "Member_nickname_not_null_check" CHECK ("nickname" IS NOT NULL) NOT VALID;

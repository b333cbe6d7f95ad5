-- DropIndex
DROP INDEX IF EXISTS "User_name_idx", "public"."User_email_idx";

-- DropIndex
DROP INDEX "User_teamId_idx";

-- AlterTable
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;

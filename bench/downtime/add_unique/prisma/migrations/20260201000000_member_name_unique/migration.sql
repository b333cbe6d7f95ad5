-- AlterTable
ALTER TABLE "Member" ADD CONSTRAINT "Member_name_key" UNIQUE ("name");

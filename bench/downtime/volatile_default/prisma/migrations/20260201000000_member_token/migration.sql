-- AlterTable
ALTER TABLE "Member" ADD COLUMN "token" UUID NOT NULL DEFAULT gen_random_uuid();

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "token" UUID, ALTER COLUMN "token" SET DEFAULT gen_random_uuid(), ADD CONSTRAINT "Member_token_not_null_check" CHECK ("token" IS NOT NULL) NOT VALID,
ADD COLUMN     "seenAt" TIMESTAMP(3), ALTER COLUMN "seenAt" SET DEFAULT clock_timestamp(),
ADD COLUMN     "score" DOUBLE PRECISION NOT NULL DEFAULT 0;

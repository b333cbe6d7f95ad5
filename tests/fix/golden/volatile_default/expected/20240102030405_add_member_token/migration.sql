-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "token" UUID, ALTER COLUMN "token" SET DEFAULT gen_random_uuid(),
ADD COLUMN     "seenAt" TIMESTAMP(3), ALTER COLUMN "seenAt" SET DEFAULT clock_timestamp(),
ADD COLUMN     "score" DOUBLE PRECISION NOT NULL DEFAULT 0;

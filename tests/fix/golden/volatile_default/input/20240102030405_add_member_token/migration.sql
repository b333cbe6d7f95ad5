-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "token" UUID NOT NULL DEFAULT gen_random_uuid(),
ADD COLUMN     "seenAt" TIMESTAMP(3) DEFAULT clock_timestamp(),
ADD COLUMN     "score" DOUBLE PRECISION NOT NULL DEFAULT 0;

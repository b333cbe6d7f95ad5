-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "number" SERIAL NOT NULL,
ADD COLUMN     "legacyId" BIGSERIAL;

-- AlterTable
CREATE SEQUENCE "Member_number_seq" AS INTEGER;
CREATE SEQUENCE "Member_legacyId_seq" AS BIGINT;
ALTER TABLE "Member" ADD COLUMN     "number" INTEGER, ALTER COLUMN "number" SET DEFAULT nextval('"Member_number_seq"'),
ADD COLUMN     "legacyId" BIGINT, ALTER COLUMN "legacyId" SET DEFAULT nextval('"Member_legacyId_seq"');
ALTER SEQUENCE "Member_number_seq" OWNED BY "Member"."number";
ALTER SEQUENCE "Member_legacyId_seq" OWNED BY "Member"."legacyId";

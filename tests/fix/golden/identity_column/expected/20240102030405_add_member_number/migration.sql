-- AlterTable
CREATE SEQUENCE "Member_number_fill_seq" AS INTEGER;
CREATE SEQUENCE "Member_ticket_fill_seq" AS BIGINT START WITH 100 INCREMENT BY 10;
ALTER TABLE "Member" ADD COLUMN     "number" INTEGER, ALTER COLUMN "number" SET DEFAULT nextval('"Member_number_fill_seq"'),
ADD COLUMN     "ticket" BIGINT, ALTER COLUMN "ticket" SET DEFAULT nextval('"Member_ticket_fill_seq"');
ALTER SEQUENCE "Member_number_fill_seq" OWNED BY "Member"."number";
ALTER SEQUENCE "Member_ticket_fill_seq" OWNED BY "Member"."ticket";

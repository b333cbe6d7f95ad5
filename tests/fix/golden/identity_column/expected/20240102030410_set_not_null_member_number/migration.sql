ALTER TABLE "Member" ALTER COLUMN "number" SET NOT NULL;
ALTER TABLE "Member" DROP CONSTRAINT "Member_number_not_null_check";
ALTER TABLE "Member" ALTER COLUMN "ticket" SET NOT NULL;
ALTER TABLE "Member" DROP CONSTRAINT "Member_ticket_not_null_check";

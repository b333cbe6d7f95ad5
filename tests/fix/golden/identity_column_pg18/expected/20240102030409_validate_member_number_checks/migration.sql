ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_number_not_null";
ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_ticket_not_null";

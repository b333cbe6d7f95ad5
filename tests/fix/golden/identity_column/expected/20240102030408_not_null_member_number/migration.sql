ALTER TABLE "Member" ADD CONSTRAINT "Member_number_not_null_check" CHECK ("number" IS NOT NULL) NOT VALID;
ALTER TABLE "Member" ADD CONSTRAINT "Member_ticket_not_null_check" CHECK ("ticket" IS NOT NULL) NOT VALID;

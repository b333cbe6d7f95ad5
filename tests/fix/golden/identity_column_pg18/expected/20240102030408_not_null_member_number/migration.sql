ALTER TABLE "Member" ADD CONSTRAINT "Member_number_not_null" NOT NULL "number" NOT VALID;
ALTER TABLE "Member" ADD CONSTRAINT "Member_ticket_not_null" NOT NULL "ticket" NOT VALID;

UPDATE "Member" SET "ticket" = nextval('"Member_ticket_fill_seq"') WHERE "ticket" IS NULL;

UPDATE "Member" SET "number" = nextval('"Member_number_seq"') WHERE "number" IS NULL;

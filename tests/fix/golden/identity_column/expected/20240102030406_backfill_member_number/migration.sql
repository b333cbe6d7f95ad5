UPDATE "Member" SET "number" = nextval('"Member_number_fill_seq"') WHERE "number" IS NULL;

UPDATE "Member" SET "legacyId" = nextval('"Member_legacyId_seq"') WHERE "legacyId" IS NULL;

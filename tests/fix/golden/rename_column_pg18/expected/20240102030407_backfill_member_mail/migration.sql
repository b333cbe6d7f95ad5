UPDATE "Member" SET "mail" = "email" WHERE "mail" IS NULL AND "email" IS NOT NULL;

UPDATE "User" SET "emailAddress" = "email" WHERE "emailAddress" IS NULL AND "email" IS NOT NULL;

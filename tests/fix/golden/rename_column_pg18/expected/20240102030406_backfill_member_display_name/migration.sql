UPDATE "Member" SET "displayName" = "name" WHERE "displayName" IS NULL AND "name" IS NOT NULL;

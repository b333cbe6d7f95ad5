UPDATE "Member" SET "seenAt" = clock_timestamp() WHERE "seenAt" IS NULL;

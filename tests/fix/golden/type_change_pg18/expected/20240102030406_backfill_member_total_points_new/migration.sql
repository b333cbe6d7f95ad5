UPDATE "Member" SET "totalPoints_new" = "totalPoints" WHERE "totalPoints_new" IS NULL;

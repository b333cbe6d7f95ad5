UPDATE "Member" SET "token" = gen_random_uuid() WHERE "token" IS NULL;

UPDATE "Post" SET "authorId_new" = "authorId" WHERE "authorId_new" IS NULL;

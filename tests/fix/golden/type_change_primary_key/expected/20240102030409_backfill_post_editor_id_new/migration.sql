UPDATE "Post" SET "editorId_new" = "editorId" WHERE "editorId_new" IS NULL;

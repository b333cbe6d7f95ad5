CREATE INDEX CONCURRENTLY "Post_authorId_idx_new" ON "Post" ("authorId_new");

-- settings: deployed_by_lockstep=false
-- ==== migration: 001_init
CREATE TABLE "Post" (id bigint PRIMARY KEY, "authorId" bigint);
-- ==== migration: 002_unique
CREATE INDEX IF NOT EXISTS "Post_authorId_idx" ON "Post" ("authorId");
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_key" UNIQUE ("authorId");  -- expect: prefer-robust-stmts@20

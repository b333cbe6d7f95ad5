-- Prisma's pair when a field with @@index is removed: the column's drop takes the index with it,
-- under the ACCESS EXCLUSIVE lock it takes anyway. An index that outlives the migration is still
-- reported.
-- ==== migration: 001_init
CREATE TABLE "Order" (id bigint PRIMARY KEY, "isDraft" boolean, "userId" bigint, note text);
CREATE INDEX "Order_isDraft_idx" ON "Order" ("isDraft");
CREATE INDEX "Order_userId_idx" ON "Order" ("userId");
-- ==== migration: 002_drop
DROP INDEX "Order_isDraft_idx";
ALTER TABLE "Order" DROP COLUMN "isDraft";
DROP INDEX "Order_userId_idx";  -- expect: require-concurrent-index-deletion
ALTER TABLE "Order" DROP COLUMN note;

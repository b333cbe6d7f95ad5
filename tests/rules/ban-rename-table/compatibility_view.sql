-- The expand that lockstep fix writes: the view under the old name keeps old clients working.
-- ==== migration: 001_init
CREATE TABLE "Member" ("id" SERIAL NOT NULL, "name" TEXT, CONSTRAINT "Member_pkey" PRIMARY KEY ("id"));
-- ==== migration: 002_rename
ALTER TABLE "Member" RENAME TO "Account";
CREATE VIEW "Member" AS SELECT * FROM "Account";

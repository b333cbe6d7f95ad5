-- Prisma's names: PascalCase tables and camelCase columns, and "User" is a reserved word.
-- ==== migration: 001_init
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
-- ==== migration: 002_rename
ALTER TABLE "User" RENAME TO "Account";  -- expect: ban-rename-table

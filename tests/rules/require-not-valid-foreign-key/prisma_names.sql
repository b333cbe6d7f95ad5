-- Prisma's names: PascalCase tables and camelCase columns, and "User" is a reserved word.
-- ==== migration: 001_init
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
-- ==== migration: 002_fk
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;  -- expect: require-not-valid-foreign-key

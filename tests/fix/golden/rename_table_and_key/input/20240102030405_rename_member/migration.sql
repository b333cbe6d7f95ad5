-- A table rename as Prisma users write it: the table, then its key's name.
ALTER TABLE "Member" RENAME TO "Account";

-- RenamePrimaryKey
ALTER TABLE "Account" RENAME CONSTRAINT "Member_pkey" TO "Account_pkey";

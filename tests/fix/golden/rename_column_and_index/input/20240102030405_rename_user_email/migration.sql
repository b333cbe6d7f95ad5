-- A rename written by hand, as Prisma users do (`prisma migrate dev --create-only`, then edited
-- from DROP + ADD COLUMN): the column and its unique index.
ALTER TABLE "User" RENAME COLUMN "email" TO "emailAddress";

ALTER INDEX "User_email_key" RENAME TO "User_emailAddress_key";

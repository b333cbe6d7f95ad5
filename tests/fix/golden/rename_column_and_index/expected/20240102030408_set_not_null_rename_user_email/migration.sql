ALTER TABLE "User" ALTER COLUMN "emailAddress" SET NOT NULL;
ALTER TABLE "User" DROP CONSTRAINT "User_emailAddress_not_null_check";

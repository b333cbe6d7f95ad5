ALTER TABLE "User" VALIDATE CONSTRAINT "User_emailAddress_not_null_check";

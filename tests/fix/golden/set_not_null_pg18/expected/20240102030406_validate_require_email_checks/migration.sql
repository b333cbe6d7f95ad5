ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_not_null";

ALTER TABLE "User" ADD CONSTRAINT "User_email_name_key" UNIQUE USING INDEX "User_email_name_key";

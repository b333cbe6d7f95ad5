ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_token_not_null_check";

ALTER TABLE "Member" ADD CONSTRAINT "Member_token_not_null_check" CHECK ("token" IS NOT NULL) NOT VALID;

ALTER TABLE "Member" ADD CONSTRAINT "Member_token_not_null" NOT NULL "token" NOT VALID;

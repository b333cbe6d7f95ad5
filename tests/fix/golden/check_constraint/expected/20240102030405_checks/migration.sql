-- AddCheck
ALTER TABLE "Team" ADD CONSTRAINT "Team_slug_lower" CHECK ("slug" = lower("slug")) NOT VALID;

/* unnamed: PostgreSQL calls it Team_slug_check */
ALTER TABLE "Team" ADD CONSTRAINT "Team_slug_check" CHECK (length("slug") > 0) NOT VALID;

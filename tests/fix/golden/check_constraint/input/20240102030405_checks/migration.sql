-- AddCheck
ALTER TABLE "Team" ADD CONSTRAINT "Team_slug_lower" CHECK ("slug" = lower("slug"));

/* unnamed: PostgreSQL calls it Team_slug_check */
ALTER TABLE "Team" ADD CHECK (length("slug") > 0);

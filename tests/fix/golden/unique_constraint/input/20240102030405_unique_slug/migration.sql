-- AddUnique
ALTER TABLE "Team" ADD CONSTRAINT "Team_slug_key" UNIQUE ("slug");

-- Unnamed: PostgreSQL calls it User_email_name_key
ALTER TABLE "User" ADD UNIQUE ("email", "name");

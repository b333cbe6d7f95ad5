ALTER TABLE "Team" ADD CONSTRAINT "Team_slug_key" UNIQUE USING INDEX "Team_slug_key";

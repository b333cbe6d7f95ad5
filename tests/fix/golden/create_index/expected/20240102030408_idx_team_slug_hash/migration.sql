CREATE INDEX CONCURRENTLY "Team_slug_idx" ON "Team" USING HASH ("slug");

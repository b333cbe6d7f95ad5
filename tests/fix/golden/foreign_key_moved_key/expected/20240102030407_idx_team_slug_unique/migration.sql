CREATE UNIQUE INDEX CONCURRENTLY "Team_slug_key" ON "Team"("slug");

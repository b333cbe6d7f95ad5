CREATE INDEX CONCURRENTLY "DiscordActivity_memberId_idx" ON "DiscordActivity"("memberId");

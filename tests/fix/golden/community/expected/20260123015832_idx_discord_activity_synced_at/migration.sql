CREATE INDEX CONCURRENTLY "DiscordActivity_syncedAt_idx" ON "DiscordActivity"("syncedAt");

CREATE INDEX CONCURRENTLY "DiscordActivity_discordId_idx" ON "DiscordActivity"("discordId");

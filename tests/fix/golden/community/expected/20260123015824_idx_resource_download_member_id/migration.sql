CREATE INDEX CONCURRENTLY "ResourceDownload_memberId_idx" ON "ResourceDownload"("memberId");

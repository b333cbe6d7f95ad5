CREATE INDEX CONCURRENTLY "ResourceDownload_downloadedAt_idx" ON "ResourceDownload"("downloadedAt");

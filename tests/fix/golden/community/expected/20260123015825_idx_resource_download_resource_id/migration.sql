CREATE INDEX CONCURRENTLY "ResourceDownload_resourceId_idx" ON "ResourceDownload"("resourceId");

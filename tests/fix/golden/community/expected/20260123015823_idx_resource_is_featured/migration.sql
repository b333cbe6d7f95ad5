CREATE INDEX CONCURRENTLY "Resource_isFeatured_idx" ON "Resource"("isFeatured");

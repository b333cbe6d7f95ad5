CREATE INDEX CONCURRENTLY "Resource_category_idx" ON "Resource"("category");

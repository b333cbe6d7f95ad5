CREATE INDEX CONCURRENTLY "Resource_type_idx" ON "Resource"("type");

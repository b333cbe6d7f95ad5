CREATE INDEX CONCURRENTLY "PointTransaction_createdAt_idx" ON "PointTransaction"("createdAt");

CREATE INDEX CONCURRENTLY "PointTransaction_memberId_idx" ON "PointTransaction"("memberId");

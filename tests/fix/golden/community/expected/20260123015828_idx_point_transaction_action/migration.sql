CREATE INDEX CONCURRENTLY "PointTransaction_action_idx" ON "PointTransaction"("action");

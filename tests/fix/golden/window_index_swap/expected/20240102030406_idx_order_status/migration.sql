CREATE INDEX CONCURRENTLY "Order_status_idx_new" ON "Order"("status");

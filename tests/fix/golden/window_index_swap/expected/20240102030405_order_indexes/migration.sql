-- CreateIndex
CREATE INDEX CONCURRENTLY "Order_userId_date_idx" ON "Order"("userId", "date");

-- CreateIndex
CREATE INDEX CONCURRENTLY "Event_at_idx" ON "Event"("at" DESC);

-- CreateIndex
CREATE INDEX "Event_at_idx" ON "Event"("at" DESC);

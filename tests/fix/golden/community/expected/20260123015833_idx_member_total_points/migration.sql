CREATE INDEX CONCURRENTLY "Member_totalPoints_idx" ON "Member"("totalPoints" DESC);

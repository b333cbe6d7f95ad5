CREATE INDEX CONCURRENTLY "Member_name_totalPoints_idx_new" ON "Member"("displayName", "totalPoints" DESC);

CREATE INDEX CONCURRENTLY "User_age_idx" ON "User"("age");

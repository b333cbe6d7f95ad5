CREATE INDEX CONCURRENTLY "BenchmarkSubmission_memberId_idx" ON "BenchmarkSubmission"("memberId");

CREATE INDEX CONCURRENTLY "BenchmarkSubmission_category_idx" ON "BenchmarkSubmission"("category");

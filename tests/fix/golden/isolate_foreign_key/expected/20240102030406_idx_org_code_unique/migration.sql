CREATE UNIQUE INDEX CONCURRENTLY "Org_code_key" ON "Org"("code");

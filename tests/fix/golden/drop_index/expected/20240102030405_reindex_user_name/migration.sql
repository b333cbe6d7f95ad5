-- CreateIndex
CREATE INDEX CONCURRENTLY "User_name_idx_new" ON "User"("name", "email");

CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");

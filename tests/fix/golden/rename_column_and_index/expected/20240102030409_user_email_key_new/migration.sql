CREATE UNIQUE INDEX CONCURRENTLY "User_email_key_new" ON "User"("emailAddress");

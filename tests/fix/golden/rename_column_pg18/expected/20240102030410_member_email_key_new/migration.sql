CREATE UNIQUE INDEX CONCURRENTLY "Member_email_key_new" ON "Member"("mail");

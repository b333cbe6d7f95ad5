CREATE UNIQUE INDEX CONCURRENTLY "User_email_name_key" ON "User" ("email", "name");

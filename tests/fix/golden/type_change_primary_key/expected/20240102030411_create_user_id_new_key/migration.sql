CREATE UNIQUE INDEX CONCURRENTLY "User_id_new_key" ON "User" ("id_new");

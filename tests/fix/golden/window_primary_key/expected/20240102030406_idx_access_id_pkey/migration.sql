CREATE UNIQUE INDEX CONCURRENTLY "Access_pkey_new" ON "Access" ("id");

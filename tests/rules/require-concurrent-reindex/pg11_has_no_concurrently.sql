-- settings: pg_version=11
REINDEX TABLE users;

-- ==== migration: 001_init
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" (id bigint PRIMARY KEY, role "Role" NOT NULL DEFAULT 'USER');
-- ==== migration: 002_rename_value
ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER';  -- expect: ban-rename-enum-value

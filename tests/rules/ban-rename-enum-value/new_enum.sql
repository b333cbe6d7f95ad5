-- ==== migration: 001_init
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
-- ==== migration: 002_new_enum
CREATE TYPE "Status" AS ENUM ('DRAFT', 'LIVE');
ALTER TYPE "Status" RENAME VALUE 'LIVE' TO 'PUBLISHED';
ALTER TYPE "Role" ADD VALUE 'OWNER' AFTER 'ADMIN';
ALTER TYPE "Role" RENAME TO "UserRole";

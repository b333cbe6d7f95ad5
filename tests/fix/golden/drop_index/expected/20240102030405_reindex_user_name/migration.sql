-- DropIndex
DROP INDEX CONCURRENTLY "User_name_idx";

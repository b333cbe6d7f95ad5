-- DropIndex
DROP INDEX "Member_createdAt_idx";

-- AlterTable
ALTER TABLE "Item" ALTER COLUMN "code" SET DATA TYPE INTEGER USING (nullif(trim("code"), '')::integer);

-- AlterTable
ALTER TABLE "Access" ADD COLUMN     "note" TEXT;

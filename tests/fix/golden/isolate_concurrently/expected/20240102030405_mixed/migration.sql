-- AlterTable
ALTER TABLE "User" ADD COLUMN "age" INTEGER;

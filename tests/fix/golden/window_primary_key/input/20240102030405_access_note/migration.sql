-- AlterTable
ALTER TABLE "Access" DROP CONSTRAINT "Access_pkey",
ADD COLUMN     "note" TEXT,
ADD CONSTRAINT "Access_pkey" PRIMARY KEY ("id");

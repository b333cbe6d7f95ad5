-- DropForeignKey
ALTER TABLE "Submission" DROP CONSTRAINT "Submission_memberId_fkey";

-- AlterTable
ALTER TABLE "Submission" ALTER COLUMN "memberId" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "id" SET DATA TYPE BIGINT;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

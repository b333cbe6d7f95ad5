-- AlterTable
ALTER TABLE "Member" ADD CONSTRAINT "Member_totalPoints_check" CHECK ("totalPoints" >= 0);

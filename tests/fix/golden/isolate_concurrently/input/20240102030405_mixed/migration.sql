-- AlterTable
ALTER TABLE "User" ADD COLUMN "age" INTEGER;

-- Written by hand: fails under the native engine (25001) when sent with the statement above.
CREATE INDEX CONCURRENTLY "User_age_idx" ON "User"("age");

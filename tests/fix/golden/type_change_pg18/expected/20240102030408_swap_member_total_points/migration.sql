BEGIN;
SET LOCAL lock_timeout = '2s';
DROP TRIGGER "Member_totalPoints_to_new" ON "Member";
ALTER TABLE "Member" ALTER COLUMN "totalPoints" DROP NOT NULL;
ALTER TABLE "Member" RENAME COLUMN "totalPoints" TO "totalPoints_old";
ALTER TABLE "Member" RENAME COLUMN "totalPoints_new" TO "totalPoints";
ALTER TABLE "Member" RENAME CONSTRAINT "Member_totalPoints_new_not_null" TO "Member_totalPoints_not_null";
ALTER TABLE "Member" ALTER COLUMN "totalPoints" SET DEFAULT 0;
COMMIT;

ALTER TABLE "Member" ALTER COLUMN "nickname" SET NOT NULL;
ALTER TABLE "Member" DROP CONSTRAINT "Member_nickname_not_null_check";

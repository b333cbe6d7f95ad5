ALTER TABLE "Member" ALTER COLUMN "token" SET NOT NULL;
ALTER TABLE "Member" DROP CONSTRAINT "Member_token_not_null_check";

ALTER TABLE "Member" ALTER COLUMN "displayName" SET NOT NULL;
ALTER TABLE "Member" DROP CONSTRAINT "Member_displayName_not_null_check";

ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_nickname_not_null_check";

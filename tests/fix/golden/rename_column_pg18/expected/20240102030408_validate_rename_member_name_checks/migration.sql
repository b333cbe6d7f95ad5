ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_displayName_not_null";

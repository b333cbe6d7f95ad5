ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_number_not_null_check";
ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_legacyId_not_null_check";

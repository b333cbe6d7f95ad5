ALTER TABLE "Member" ADD CONSTRAINT "Member_number_not_null_check" CHECK ("number" IS NOT NULL) NOT VALID;
ALTER TABLE "Member" ADD CONSTRAINT "Member_legacyId_not_null_check" CHECK ("legacyId" IS NOT NULL) NOT VALID;

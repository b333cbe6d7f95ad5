ALTER TABLE "Member" ADD CONSTRAINT "Member_number_not_null" NOT NULL "number" NOT VALID;
ALTER TABLE "Member" ADD CONSTRAINT "Member_legacyId_not_null" NOT NULL "legacyId" NOT VALID;

ALTER TABLE "Member" VALIDATE CONSTRAINT "Member_totalPoints_new_not_null";

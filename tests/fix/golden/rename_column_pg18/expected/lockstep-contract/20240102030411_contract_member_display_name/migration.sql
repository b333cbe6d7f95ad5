-- Contract phase of 20240102030405_rename_member_name (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030410_member_email_key_new
-- lockstep-fixed: 20240102030405_rename_member_name
-- lockstep-drops: name with its sync trigger once no running code uses it

DROP TRIGGER "Member_name_displayName_sync" ON "Member";
DROP FUNCTION "Member_name_displayName_sync"();
ALTER TABLE "Member" ALTER COLUMN "displayName" SET DEFAULT 'anonymous', DROP COLUMN "name";
ALTER INDEX "Member_name_totalPoints_idx_new" RENAME TO "Member_name_totalPoints_idx";
ALTER TABLE "Member" RENAME CONSTRAINT "Member_displayName_not_null" TO "Member_name_not_null";

-- Contract phase of 20240102030405_rename_member_name (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030410_member_email_key_new
-- lockstep-fixed: 20240102030405_rename_member_name
-- lockstep-drops: email with its sync trigger once no running code uses it

DROP TRIGGER "Member_email_mail_sync" ON "Member";
DROP FUNCTION "Member_email_mail_sync"();
ALTER TABLE "Member" DROP COLUMN "email";
ALTER INDEX "Member_email_key_new" RENAME TO "Member_email_key";

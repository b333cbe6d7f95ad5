-- Contract phase of 20240102030405_rename_user_email (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030409_user_email_key_new
-- lockstep-fixed: 20240102030405_rename_user_email
-- lockstep-drops: email with its sync trigger once no running code uses it

DROP TRIGGER "User_email_emailAddress_sync" ON "User";
DROP FUNCTION "User_email_emailAddress_sync"();
ALTER TABLE "User" DROP COLUMN "email";
ALTER INDEX "User_email_key_new" RENAME TO "User_emailAddress_key";

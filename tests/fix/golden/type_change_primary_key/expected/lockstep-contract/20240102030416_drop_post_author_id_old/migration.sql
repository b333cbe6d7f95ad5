-- Contract phase of 20240102030405_user_id_bigint (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030414_validate_user_id_bigint_fks
-- lockstep-fixed: 20240102030405_user_id_bigint
-- lockstep-drops: authorId_old, editorId_old of Post and the trigger functions (contract phase)

ALTER TABLE "Post" DROP COLUMN "authorId_old";
DROP FUNCTION "Post_authorId_to_new"();
ALTER TABLE "Post" DROP COLUMN "editorId_old";
DROP FUNCTION "Post_editorId_to_new"();

-- Contract phase of 20240102030405_user_id_bigint (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030414_validate_user_id_bigint_fks
-- lockstep-fixed: 20240102030405_user_id_bigint
-- lockstep-drops: id_old of User and the trigger function (contract phase)

ALTER TABLE "User" DROP COLUMN "id_old";
DROP FUNCTION "User_id_to_new"();

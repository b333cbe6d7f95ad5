-- Contract phase of 20240102030405_member_points_bigint (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030408_swap_member_total_points
-- lockstep-fixed: 20240102030405_member_points_bigint
-- lockstep-drops: totalPoints_old and the trigger function (contract phase)

ALTER TABLE "Member" DROP COLUMN "totalPoints_old";
DROP FUNCTION "Member_totalPoints_to_new"();

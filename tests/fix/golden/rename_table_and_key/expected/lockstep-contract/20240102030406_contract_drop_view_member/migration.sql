-- Contract phase of 20240102030405_rename_member (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030405_rename_member
-- lockstep-fixed: 20240102030405_rename_member
-- lockstep-drops: the view under the old name once no running code uses it

DROP VIEW "Member";

-- Contract phase of 20240102030405_item_code_integer (lockstep fix; docs/expand-contract.md).
-- It waits for the rollout: release it (`lockstep contract release`) only once no
-- running version of the application uses the old shape. Until then it stays in
-- lockstep-contract/, where neither `prisma migrate deploy` nor `lockstep deploy` looks.
-- lockstep-expand: 20240102030407_swap_item_code
-- lockstep-fixed: 20240102030405_item_code_integer
-- lockstep-drops: code_old and the trigger function (contract phase)

ALTER TABLE "Item" DROP COLUMN "code_old";
DROP FUNCTION "Item_code_to_new"();

BEGIN;
SET LOCAL lock_timeout = '2s';
DROP TRIGGER "Item_code_to_new" ON "Item";
ALTER TABLE "Item" RENAME COLUMN "code" TO "code_old";
ALTER TABLE "Item" RENAME COLUMN "code_new" TO "code";
COMMIT;

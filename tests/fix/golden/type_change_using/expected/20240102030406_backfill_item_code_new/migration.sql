UPDATE "Item" SET "code_new" = (nullif(trim("code"), '')::integer) WHERE "code_new" IS NULL;

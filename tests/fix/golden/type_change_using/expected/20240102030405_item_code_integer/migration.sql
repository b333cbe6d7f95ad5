-- AlterTable
ALTER TABLE "Item" ADD COLUMN "code_new" INTEGER;

-- Keeps "code_new" in step with "code" for every row written until the swap (lockstep fix).
CREATE FUNCTION "Item_code_to_new"() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  NEW."code_new" := (SELECT (nullif(trim("code"), '')::integer) FROM (SELECT NEW.*) AS "Item");
  RETURN NEW;
END
$$;
CREATE TRIGGER "Item_code_to_new" BEFORE INSERT OR UPDATE ON "Item" FOR EACH ROW EXECUTE FUNCTION "Item_code_to_new"();

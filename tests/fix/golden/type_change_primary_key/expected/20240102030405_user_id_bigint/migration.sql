-- AlterTable
ALTER TABLE "User" ADD COLUMN "id_new" BIGINT, ADD CONSTRAINT "User_id_new_not_null_check" CHECK ("id_new" IS NOT NULL) NOT VALID;

-- Keeps "id_new" in step with "id" for every row written until the swap (lockstep fix).
CREATE FUNCTION "User_id_to_new"() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  NEW."id_new" := NEW."id";
  RETURN NEW;
END
$$;
CREATE TRIGGER "User_id_to_new" BEFORE INSERT OR UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "User_id_to_new"();

-- AlterTable
ALTER TABLE "Member" ADD COLUMN "totalPoints_new" BIGINT, ADD CONSTRAINT "Member_totalPoints_new_not_null" NOT NULL "totalPoints_new" NOT VALID;

-- Keeps "totalPoints_new" in step with "totalPoints" for every row written until the swap (lockstep fix).
CREATE FUNCTION "Member_totalPoints_to_new"() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  NEW."totalPoints_new" := NEW."totalPoints";
  RETURN NEW;
END
$$;
CREATE TRIGGER "Member_totalPoints_to_new" BEFORE INSERT OR UPDATE ON "Member" FOR EACH ROW EXECUTE FUNCTION "Member_totalPoints_to_new"();

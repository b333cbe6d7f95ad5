ALTER TABLE "Post" ADD COLUMN "authorId_new" BIGINT, ADD CONSTRAINT "Post_authorId_new_not_null_check" CHECK ("authorId_new" IS NOT NULL) NOT VALID;

-- Keeps "authorId_new" in step with "authorId" for every row written until the swap (lockstep fix).
CREATE FUNCTION "Post_authorId_to_new"() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  NEW."authorId_new" := NEW."authorId";
  RETURN NEW;
END
$$;
CREATE TRIGGER "Post_authorId_to_new" BEFORE INSERT OR UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION "Post_authorId_to_new"();

ALTER TABLE "Post" ADD COLUMN "editorId_new" BIGINT;

-- Keeps "editorId_new" in step with "editorId" for every row written until the swap (lockstep fix).
CREATE FUNCTION "Post_editorId_to_new"() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  NEW."editorId_new" := NEW."editorId";
  RETURN NEW;
END
$$;
CREATE TRIGGER "Post_editorId_to_new" BEFORE INSERT OR UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION "Post_editorId_to_new"();

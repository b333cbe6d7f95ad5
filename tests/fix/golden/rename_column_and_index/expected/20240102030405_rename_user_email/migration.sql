-- A rename written by hand, as Prisma users do (`prisma migrate dev --create-only`, then edited
-- from DROP + ADD COLUMN): the column and its unique index.
ALTER TABLE "User" ADD COLUMN "emailAddress" text, ADD CONSTRAINT "User_emailAddress_not_null_check" CHECK ("emailAddress" IS NOT NULL) NOT VALID;
CREATE FUNCTION "User_email_emailAddress_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."emailAddress" IS NULL THEN NEW."emailAddress" := NEW."email"; ELSE NEW."email" := NEW."emailAddress"; END IF;
  ELSIF NEW."emailAddress" IS DISTINCT FROM OLD."emailAddress" THEN
    NEW."email" := NEW."emailAddress";
  ELSE
    NEW."emailAddress" := NEW."email";
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "User_email_emailAddress_sync" BEFORE INSERT OR UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION "User_email_emailAddress_sync"();

ALTER INDEX "User_email_key" RENAME TO "User_emailAddress_key";

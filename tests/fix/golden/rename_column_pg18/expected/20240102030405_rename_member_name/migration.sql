-- AlterTable
ALTER TABLE "Member" ADD COLUMN "displayName" pg_catalog."varchar"(120), ADD CONSTRAINT "Member_displayName_not_null" NOT NULL "displayName" NOT VALID;
CREATE FUNCTION "Member_name_displayName_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."displayName" IS NULL THEN NEW."displayName" := NEW."name"; ELSE NEW."name" := NEW."displayName"; END IF;
  ELSIF NEW."displayName" IS DISTINCT FROM OLD."displayName" THEN
    NEW."name" := NEW."displayName";
  ELSE
    NEW."displayName" := NEW."name";
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "Member_name_displayName_sync" BEFORE INSERT OR UPDATE ON "Member" FOR EACH ROW EXECUTE FUNCTION "Member_name_displayName_sync"();

-- AlterTable
ALTER TABLE "Member" ADD COLUMN "mail" text;
CREATE FUNCTION "Member_email_mail_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."mail" IS NULL THEN NEW."mail" := NEW."email"; ELSE NEW."email" := NEW."mail"; END IF;
  ELSIF NEW."mail" IS DISTINCT FROM OLD."mail" THEN
    NEW."email" := NEW."mail";
  ELSE
    NEW."mail" := NEW."email";
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "Member_email_mail_sync" BEFORE INSERT OR UPDATE ON "Member" FOR EACH ROW EXECUTE FUNCTION "Member_email_mail_sync"();

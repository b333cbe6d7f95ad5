DROP INDEX CONCURRENTLY IF EXISTS "public"."User_email_idx";

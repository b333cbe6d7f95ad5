CREATE INDEX CONCURRENTLY "User_lower_email_idx" ON "User" (lower("email")) WHERE "email" IS NOT NULL;

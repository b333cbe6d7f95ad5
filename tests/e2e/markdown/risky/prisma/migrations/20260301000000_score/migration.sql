-- A new column with a volatile default, a NOT NULL that scans, a name with a pipe in it.
ALTER TABLE "User" ADD COLUMN "token" TEXT NOT NULL DEFAULT md5(random()::text);
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
CREATE UNIQUE INDEX "User_email|name_key" ON "User"("email", "name");
CREATE TABLE "Score" ("userId" INTEGER NOT NULL, "points" INTEGER NOT NULL);
CREATE INDEX "Score_userId_idx" ON "Score"("userId");
ALTER TABLE "Score" ADD CONSTRAINT "Score_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id");

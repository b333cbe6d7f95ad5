-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") NOT VALID;

-- Validating here keeps the lock of the line above while it scans.
ALTER TABLE "User" VALIDATE CONSTRAINT "User_teamId_fkey";

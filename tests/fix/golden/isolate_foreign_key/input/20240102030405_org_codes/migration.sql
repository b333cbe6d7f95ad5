-- AlterTable
ALTER TABLE "Team" ADD COLUMN "orgCode" TEXT;

-- Written by hand: fails under the native engine (25001) when sent with the statements around it.
CREATE UNIQUE INDEX CONCURRENTLY "Org_code_key" ON "Org"("code");

-- AddForeignKey
ALTER TABLE "Team" ADD CONSTRAINT "Team_orgCode_fkey" FOREIGN KEY ("orgCode") REFERENCES "Org"("code") ON DELETE SET NULL ON UPDATE CASCADE;

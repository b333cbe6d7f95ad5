-- AlterTable
ALTER TABLE "User" ADD COLUMN "teamSlug" TEXT;

-- CreateTable
CREATE TABLE "Invite" (
    "id" SERIAL NOT NULL,
    "teamSlug" TEXT NOT NULL,

    CONSTRAINT "Invite_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;

-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "discordId" SET NOT NULL;

ALTER TABLE "Invite" VALIDATE CONSTRAINT "Invite_teamSlug_fkey";

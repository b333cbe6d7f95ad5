-- A migration that sets its own lock_timeout, as real ones do (issue 12): under lockstep it may
-- lower lockstep's bound but never raise it.
SET lock_timeout = '5s';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN "bio" TEXT;

ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_editorId_fkey";
ALTER TABLE "Comment" VALIDATE CONSTRAINT "Comment_userId_fkey";

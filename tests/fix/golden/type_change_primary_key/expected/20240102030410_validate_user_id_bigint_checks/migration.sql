ALTER TABLE "User" VALIDATE CONSTRAINT "User_id_new_not_null_check";
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_new_not_null_check";

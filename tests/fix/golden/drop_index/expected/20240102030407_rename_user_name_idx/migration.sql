ALTER INDEX "User_name_idx_new" RENAME TO "User_name_idx";

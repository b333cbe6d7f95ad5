ALTER INDEX "Order_status_idx_new" RENAME TO "Order_status_idx";

DROP INDEX CONCURRENTLY "Order_status_idx";

REINDEX INDEX "Event_at_idx";
REINDEX TABLE "Event";

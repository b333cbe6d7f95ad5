-- Before 19 there is no REPACK; avoid-table-rewrite reports these.
CLUSTER foo;
VACUUM FULL foo;

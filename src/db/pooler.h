// Is a connection going through a pooler in transaction (or statement) mode, such as pgbouncer
// with pool_mode = transaction? There, consecutive transactions of one client may run on
// different server sessions, so session state (an advisory lock, a session `SET`) cannot be
// trusted, and a deployer must refuse it (Prisma migrates through `directUrl` for this reason).
#pragma once

#include "db/connection.h"
#include "db/url.h"

namespace lockstep::db {

// Probes with `conn` and one more connection to `info`, taking no lock and leaving no state: a
// direct connection (or a pooler in session mode) keeps one backend per client connection for
// its whole life, and two client connections never share one. Under transaction pooling, a
// server session is handed back to the pool after each transaction and given to the next
// client, so the second connection gets the backend `conn` just used (pgbouncer reuses idle
// server connections last-in first-out), or `conn` moves to another one. Either is seen by
// comparing pg_backend_pid() across a few alternating queries. Returns true for a pooler.
DbResult<bool> IsTransactionPooler(Connection& conn, const ConnInfo& info);

}  // namespace lockstep::db

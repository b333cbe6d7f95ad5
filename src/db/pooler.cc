#include "db/pooler.h"

#include <set>
#include <string>

namespace lockstep::db {
namespace {

DbResult<std::string> BackendPid(Connection& conn) {
  DbResult<Rows> r = conn.Exec("SELECT pg_catalog.pg_backend_pid()::text");
  if (!r.ok()) return r.error();
  if (r->empty() || !r->rows[0][0]) {
    DbError e;
    e.message = "pg_backend_pid() returned nothing";
    return e;
  }
  return *r->rows[0][0];
}

}  // namespace

DbResult<bool> IsTransactionPooler(Connection& conn, const ConnInfo& info) {
  ConnectOptions options;
  options.application_name = "lockstep pooler probe";
  DbResult<Connection> other = Connect(info, options);
  if (!other.ok()) return other.error();
  // Alternating autocommit queries: none holds a server session while the other waits for one,
  // so a pool of a single server connection cannot deadlock the probe.
  std::set<std::string> mine, theirs;
  for (int round = 0; round < 3; ++round) {
    DbResult<std::string> a = BackendPid(conn);
    if (!a.ok()) return a.error();
    mine.insert(*a);
    DbResult<std::string> b = BackendPid(*other);
    if (!b.ok()) return b.error();
    theirs.insert(*b);
    if (mine.size() > 1 || theirs.size() > 1 || mine.count(*b) || theirs.count(*a)) return true;
  }
  return false;
}

}  // namespace lockstep::db

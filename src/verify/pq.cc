#include "verify/pq.h"

#include <utility>
#include <vector>

namespace lockstep::verify {
namespace {

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<PgConnPtr> OpenPq(const db::ConnInfo& info, const std::string& application) {
  std::vector<std::pair<std::string, std::string>> params = info.LibpqParams();
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back("fallback_application_name");
  values.push_back(application.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), 0));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    const std::string msg = conn ? Trimmed(PQerrorMessage(conn.get())) : "out of memory";
    return Status::Error("cannot connect to " + info.Endpoint() + ": " + msg);
  }
  return conn;
}

std::string PqError(PGconn* c) { return Trimmed(PQerrorMessage(c)); }

Status PqExec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  const std::string err =
      st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? "" : Trimmed(PQresultErrorMessage(r));
  PQclear(r);
  return err.empty() ? Status::Ok() : Status::Error(err);
}

}  // namespace lockstep::verify

#include "verify/load.h"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "db/connection.h"

namespace lockstep::verify {
namespace {

// db::Connection does not speak COPY FROM STDIN, so the loader owns plain libpq connections.
struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnCloser>;

Result<PgConnPtr> Open(const db::ConnInfo& info) {
  std::vector<std::pair<std::string, std::string>> params = info.LibpqParams();
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back("fallback_application_name");
  values.push_back("lockstep verify (load)");
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), 0));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::Error("cannot connect to " + info.Endpoint() + " to load rows: " + msg);
  }
  return conn;
}

std::string LastError(PGconn* c) {
  std::string msg = PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

Status Simple(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  std::string err = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? "" : PQresultErrorMessage(r);
  PQclear(r);
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  return err.empty() ? Status::Ok() : Status::Error(err);
}

// One COPY of rows [first, last] of a table.
Status CopyRange(const db::ConnInfo& info, const FillPlan& plan, size_t table, int64_t first,
                 int64_t last) {
  Result<PgConnPtr> conn = Open(info);
  if (!conn.ok()) return conn.status();
  PGconn* c = conn->get();
  if (Status s = Simple(c, "SET synchronous_commit = off"); !s.ok()) return s;
  PGresult* r = PQexec(c, CopyStatement(plan.tables[table]).c_str());
  const bool started = PQresultStatus(r) == PGRES_COPY_IN;
  std::string err = started ? "" : PQresultErrorMessage(r);
  PQclear(r);
  if (!started) return Status::Error(err);
  constexpr int64_t kBatch = 2000;
  std::string buf;
  for (int64_t r0 = first; r0 <= last; r0 += kBatch) {
    buf.clear();
    AppendCopyRows(plan, table, r0, std::min(last, r0 + kBatch - 1), &buf);
    if (PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1)
      return Status::Error(LastError(c));
  }
  if (PQputCopyEnd(c, nullptr) != 1) return Status::Error(LastError(c));
  Status result = Status::Ok();
  while (PGresult* res = PQgetResult(c)) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK && result.ok()) {
      std::string m = PQresultErrorMessage(res);
      while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
      result = Status::Error(m);
    }
    PQclear(res);
  }
  return result;
}

}  // namespace

Status Load(const db::ConnInfo& info, const FillPlan& plan, const LoadOptions& options) {
  for (size_t t = 0; t < plan.tables.size(); ++t) {
    const TablePlan& tp = plan.tables[t];
    const auto started = std::chrono::steady_clock::now();
    const bool self_ref = std::any_of(tp.columns.begin(), tp.columns.end(),
                                      [](const ColumnPlan& c) { return c.self_reference; });
    const int64_t streams =
        self_ref ? 1 : std::clamp<int64_t>(options.streams, 1, std::max<int64_t>(tp.rows, 1));
    std::vector<Status> results(static_cast<size_t>(streams));
    std::vector<std::thread> threads;
    const int64_t per = (tp.rows + streams - 1) / std::max<int64_t>(streams, 1);
    for (int64_t s = 0; s < streams; ++s) {
      const int64_t first = s * per + 1, last = std::min(tp.rows, (s + 1) * per);
      if (first > last) continue;
      threads.emplace_back([&, s, first, last] {
        results[static_cast<size_t>(s)] = CopyRange(info, plan, t, first, last);
      });
    }
    for (std::thread& th : threads) th.join();
    for (const Status& s : results)
      if (!s.ok())
        return Status::Error("loading " + std::to_string(tp.rows) + " rows into " +
                             tp.name.ToString() + ": " + s.message());
    Result<PgConnPtr> conn = Open(info);
    if (!conn.ok()) return conn.status();
    for (const std::string& sql : SequenceFixups(tp))
      if (Status s = Simple(conn->get(), sql); !s.ok())
        return Status::Error("moving the sequences of " + tp.name.ToString() + ": " + s.message());
    if (options.vacuum)
      if (Status s = Simple(conn->get(), "VACUUM (FREEZE, ANALYZE) " + QuotedName(tp.name));
          !s.ok())
        return Status::Error("VACUUM " + tp.name.ToString() + ": " + s.message());
    if (options.progress) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      char line[256];
      std::snprintf(line, sizeof line, "loaded %lld rows into %s in %.1f s",
                    static_cast<long long>(tp.rows), tp.name.ToString().c_str(), secs);
      options.progress(line);
    }
  }
  return Status::Ok();
}

}  // namespace lockstep::verify

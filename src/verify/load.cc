#include "verify/load.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "base/parallel.h"
#include "base/quote.h"
#include "db/connection.h"

namespace lockstep::verify {
namespace {

// One COPY of rows [first, last] of a table.
Status CopyRange(const db::ConnInfo& info, const FillPlan& plan, size_t table, int64_t first,
                 int64_t last) {
  db::ConnectOptions options;
  options.application_name = "lockstep verify (load)";
  options.apply_schema = false;
  db::DbResult<db::Connection> conn = db::Connect(info, options);
  if (!conn.ok()) return conn.error().ToStatus();
  if (auto r = conn->Exec("SET synchronous_commit = off"); !r.ok()) return r.status();
  constexpr int64_t kBatch = 2000;
  int64_t next = first;
  auto batch = [&](std::string& buf) {
    if (next > last) return false;
    AppendCopyRows(plan, table, next, std::min(last, next + kBatch - 1), &buf);
    next += kBatch;
    return true;
  };
  db::DbResult<db::Rows> copied = conn->CopyIn(CopyStatement(plan.tables[table]), batch);
  return copied.ok() ? Status::Ok() : copied.error().ToStatus();
}

// Indexes and foreign keys make a bulk load slow: every row updates every index and checks every
// parent. Loading into the bare table and building the indexes afterwards (sorted, two at a time)
// then validating each foreign key with one join is several times faster. What is dropped is
// recreated from the server's own definitions (pg_get_indexdef, pg_get_constraintdef) under the
// same names. Exclusion and deferrable constraints stay in place; so does everything on
// partitioned tables and partitions.
struct Deferred {
  std::vector<std::string> drops;          // in order
  std::vector<std::string> index_builds;   // independent of each other: run in parallel
  std::vector<std::string> after_indexes;  // constraints USING INDEX, renames, foreign keys
};

Result<Deferred> DeferIndexes(db::Connection& conn, const TablePlan& t) {
  Deferred d;
  const std::string table = QuotedName(t.name);
  db::DbResult<db::Rows> kind = conn.Exec(
      "SELECT c.relkind::text, c.relispartition::text FROM pg_class c WHERE c.oid = $1::regclass",
      {table});
  if (!kind.ok()) return kind.error().ToStatus();
  if (kind->empty() || kind->rows[0][0] != "r" || kind->rows[0][1] == "true") return d;
  db::DbResult<db::Rows> fks = conn.Exec(
      "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
      "WHERE contype = 'f' AND (conrelid = $1::regclass OR confrelid = $1::regclass) ORDER BY oid",
      {table});
  if (!fks.ok()) return fks.error().ToStatus();
  db::DbResult<db::Rows> ixs = conn.Exec(
      "SELECT i.indexrelid::regclass::text, ic.relname, pg_get_indexdef(i.indexrelid), "
      "coalesce(con.conname, ''), coalesce(con.contype::text, ''), "
      "coalesce(con.condeferrable::text, 'false') "
      "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
      "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
      "AND con.contype IN ('p', 'u', 'x') WHERE i.indrelid = $1::regclass ORDER BY i.indexrelid",
      {table});
  if (!ixs.ok()) return ixs.error().ToStatus();
  for (const auto& r : fks->rows) {
    const std::string owner = r[0].value_or(""), name = QuoteIdent(r[1].value_or(""));
    d.drops.push_back("ALTER TABLE " + owner + " DROP CONSTRAINT " + name);
    d.after_indexes.push_back("ALTER TABLE " + owner + " ADD CONSTRAINT " + name + " " +
                              r[2].value_or(""));
  }
  std::vector<std::string> constraints;
  for (const auto& r : ixs->rows) {
    const std::string qualified = r[0].value_or(""), index = r[1].value_or("");
    const std::string def = r[2].value_or(""), conname = r[3].value_or("");
    const std::string contype = r[4].value_or("");
    if (contype == "x" || r[5] == "true") continue;  // cannot be attached USING INDEX: keep it
    if (contype.empty()) {
      d.drops.push_back("DROP INDEX " + qualified);
    } else {
      d.drops.push_back("ALTER TABLE " + table + " DROP CONSTRAINT " + QuoteIdent(conname));
      constraints.push_back("ALTER TABLE " + table + " ADD CONSTRAINT " + QuoteIdent(conname) +
                            (contype == "p" ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " +
                            QuoteIdent(index));
      // USING INDEX renames the index after the constraint; keep a differently named one's name.
      if (index != conname)
        constraints.push_back("ALTER INDEX " + QuotedName({t.name.schema, conname}) +
                              " RENAME TO " + QuoteIdent(index));
    }
    d.index_builds.push_back(def);
  }
  d.after_indexes.insert(d.after_indexes.begin(), constraints.begin(), constraints.end());
  return d;
}

// Runs `statements` on up to `parallel` connections at once, one per worker. After a worker's
// first error it runs nothing more (the statements it takes are skipped: the load has failed);
// the error of the lowest worker is returned.
Status RunParallel(const db::ConnInfo& info, const std::vector<std::string>& statements,
                   int parallel) {
  const size_t workers = static_cast<size_t>(std::max(parallel, 1));
  std::vector<Status> results(workers);
  std::vector<std::optional<db::Connection>> conns(workers);
  ParallelFor(statements.size(), workers, [&](size_t w, size_t i) {
    if (!results[w].ok()) return;
    if (!conns[w]) {
      db::DbResult<db::Connection> conn = db::Connect(info);
      if (!conn.ok()) {
        results[w] = conn.error().ToStatus();
        return;
      }
      // Each build gets its share of the memory a sort needs, as a restore would give it.
      (void)conn->Exec("SET maintenance_work_mem = '256MB'");
      conns[w].emplace(std::move(*conn));
    }
    db::DbResult<db::Rows> r = conns[w]->Exec(statements[i]);
    if (!r.ok()) results[w] = Status::Error(statements[i] + ": " + r.error().OneLine());
  });
  for (const Status& s : results)
    if (!s.ok()) return s;
  return Status::Ok();
}

}  // namespace

Status Load(const db::ConnInfo& info, const FillPlan& plan, const LoadOptions& options) {
  db::DbResult<db::Connection> admin = db::Connect(info);
  if (!admin.ok()) return admin.error().ToStatus();
  // Rows the history inserted (a service account, seed data) would collide with the synthetic
  // ones, which start at row id 1. CASCADE empties the rows that point at them too.
  std::string tables;
  for (const TablePlan& tp : plan.tables)
    tables += (tables.empty() ? "" : ", ") + QuotedName(tp.name);
  if (!tables.empty())
    if (auto r = admin->Exec("TRUNCATE " + tables + " CASCADE"); !r.ok())
      return Status::Error("emptying the tables to load: " + r.error().OneLine());
  for (size_t t = 0; t < plan.tables.size(); ++t) {
    const TablePlan& tp = plan.tables[t];
    const auto started = std::chrono::steady_clock::now();
    auto fail = [&](const std::string& what, const Status& s) {
      return Status::Error(what + " " + tp.name.ToString() + ": " + s.message());
    };
    Result<Deferred> deferred = DeferIndexes(*admin, tp);
    if (!deferred.ok()) return fail("reading the indexes of", deferred.status());
    for (const std::string& sql : deferred->drops)
      if (auto r = admin->Exec(sql); !r.ok()) return fail("preparing", r.status());

    const bool self_ref = std::any_of(tp.columns.begin(), tp.columns.end(),
                                      [](const ColumnPlan& c) { return c.self_reference; });
    const int64_t streams =
        self_ref ? 1 : std::clamp<int64_t>(options.streams, 1, std::max<int64_t>(tp.rows, 1));
    std::vector<Status> results(static_cast<size_t>(streams));
    const int64_t per = (tp.rows + streams - 1) / std::max<int64_t>(streams, 1);
    ParallelFor(results.size(), results.size(), [&](size_t, size_t s) {
      const int64_t first = static_cast<int64_t>(s) * per + 1;
      const int64_t last = std::min(tp.rows, static_cast<int64_t>(s + 1) * per);
      if (first <= last) results[s] = CopyRange(info, plan, t, first, last);
    });
    for (const Status& s : results)
      if (!s.ok()) return fail("loading " + std::to_string(tp.rows) + " rows into", s);
    for (const std::string& sql : SequenceFixups(tp))
      if (auto r = admin->Exec(sql); !r.ok()) return fail("moving the sequences of", r.status());
    if (options.vacuum)
      if (auto r = admin->Exec("VACUUM (FREEZE, ANALYZE) " + QuotedName(tp.name)); !r.ok())
        return fail("VACUUM", r.status());
    if (Status s = RunParallel(info, deferred->index_builds, std::max(options.streams, 1)); !s.ok())
      return fail("building the indexes of", s);
    for (const std::string& sql : deferred->after_indexes)
      if (auto r = admin->Exec(sql); !r.ok())
        return fail("restoring the constraints of",
                    Status::Error(sql + ": " + r.error().OneLine()));
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

#include "stats/target.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "base/quote.h"

namespace lockstep::stats {
namespace {

int64_t ToInt(const std::optional<std::string>& v) {
  if (!v) return 0;
  try {
    return std::stoll(*v);
  } catch (...) {
    return 0;
  }
}

double ToDouble(const std::optional<std::string>& v) {
  if (!v) return 0;
  try {
    return std::stod(*v);
  } catch (...) {
    return 0;
  }
}

// An index's key columns come as one string, joined by U+001F: identifiers may hold commas and
// quotes, not control characters.
constexpr char kSep = '\x1f';

std::vector<std::string> SplitNames(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(kSep, i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

struct Timed {
  double seconds = 0;
  int64_t sample_rows = 0;
};

void FindSampleRows(const nlohmann::json& plan, int64_t& rows) {
  if (!plan.is_object()) return;
  if (plan.value("Node Type", "") == "Sample Scan") {
    rows = plan.value("Actual Rows", int64_t{0}) * plan.value("Actual Loops", int64_t{1});
    return;
  }
  if (plan.contains("Plans"))
    for (const auto& p : plan["Plans"]) FindSampleRows(p, rows);
}

class Reader {
 public:
  Reader(db::Connection& c, const ReadOptions& o) : c_(c), o_(o) {}

  // Runs `sql` under a savepoint, so that a refused measurement leaves the transaction usable.
  std::optional<db::Rows> Try(const std::string& sql,
                              const std::vector<std::optional<std::string>>& params = {}) {
    if (!c_.Exec("SAVEPOINT lockstep_stats").ok()) return std::nullopt;
    db::DbResult<db::Rows> r = params.empty() ? c_.Exec(sql) : c_.Exec(sql, params);
    if (!r.ok()) {
      c_.Exec("ROLLBACK TO SAVEPOINT lockstep_stats");
      return std::nullopt;
    }
    c_.Exec("RELEASE SAVEPOINT lockstep_stats");
    return std::move(r.value());
  }

  // EXPLAIN ANALYZE of `select`: its execution time and the rows its sample scan returned.
  std::optional<Timed> Explain(const std::string& select) {
    std::optional<db::Rows> r = Try("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + select);
    if (!r || r->empty()) return std::nullopt;
    std::optional<std::string> text = r->rows[0][0];
    if (!text) return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_array() || j.empty()) return std::nullopt;
    Timed t;
    t.seconds = j[0].value("Execution Time", 0.0) / 1000;
    FindSampleRows(j[0]["Plan"], t.sample_rows);
    return t;
  }

  // `keys`: the sorts index builds need; `rewrite`: the existing indexes' sorts too.
  db::DbResult<std::optional<TableStats>> Table(const std::string& regclass,
                                                const std::set<std::vector<std::string>>& keys,
                                                bool rewrite) {
    db::DbResult<db::Rows> r = c_.Exec(
        "SELECT c.oid, n.nspname, c.relname, c.reltuples::float8 AS reltuples, c.relpages, "
        "pg_relation_size(c.oid) AS heap, pg_total_relation_size(c.oid) AS total, "
        "s.n_live_tup, current_setting('block_size')::int AS block "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
        "WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'm')",
        {regclass});
    if (!r.ok()) return r.error();
    if (r->empty()) return std::optional<TableStats>{};
    TableStats t;
    const std::string oid = r->Value(0, "oid").value_or("0");
    t.relation = {r->Value(0, "nspname").value_or(""), r->Value(0, "relname").value_or("")};
    t.heap_bytes = ToInt(r->Value(0, "heap"));
    t.total_bytes = ToInt(r->Value(0, "total"));
    const double reltuples = ToDouble(r->Value(0, "reltuples"));
    const int64_t relpages = ToInt(r->Value(0, "relpages"));
    const int64_t block = std::max<int64_t>(1, ToInt(r->Value(0, "block")));
    const std::string qualified = QuoteQualified(t.relation.schema, t.relation.name);

    db::DbResult<db::Rows> ix = c_.Exec(
        "SELECT x.indexprs IS NOT NULL AS expr, array_to_string(ARRAY(SELECT a.attname FROM "
        "unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON "
        "a.attrelid = x.indrelid AND a.attnum = k.attnum WHERE k.ord <= x.indnkeyatts "
        "ORDER BY k.ord), E'\\x1f') AS cols FROM pg_index x WHERE x.indrelid = $1::oid",
        {oid});
    if (!ix.ok()) return ix.error();
    std::set<std::vector<std::string>> sorts = keys;
    for (size_t i = 0; i < ix->size(); ++i) {
      std::vector<std::string> cols;
      if (ix->Value(i, "expr") != "t") cols = SplitNames(ix->Value(i, "cols").value_or(""));
      t.indexes.push_back(cols);
      if (rewrite && !cols.empty()) sorts.insert(cols);
    }

    // The sample: about sample_pages pages, always the same ones (REPEATABLE), so the sorts
    // below time the very rows the read timed.
    const int64_t pages = std::max<int64_t>(1, t.heap_bytes / block);
    const double percent =
        std::min(100.0, 100.0 * static_cast<double>(o_.sample_pages) / static_cast<double>(pages));
    const std::string sample =
        fmt::format("{} TABLESAMPLE SYSTEM ({:.6f}) REPEATABLE (14)", qualified, percent);
    const double scale = 100.0 / percent;
    std::optional<Timed> read = Explain("SELECT count(*) FROM " + sample);
    if (read) t.scan_seconds = read->seconds * scale;

    if (reltuples >= 0 && (reltuples > 0 || relpages > 0)) {
      t.rows = static_cast<int64_t>(reltuples);
    } else if (read) {
      t.rows = static_cast<int64_t>(static_cast<double>(read->sample_rows) * scale);
    } else {
      t.rows = ToInt(r->Value(0, "n_live_tup"));
    }
    if (!read || read->sample_rows == 0) return std::optional<TableStats>{std::move(t)};

    const double n = static_cast<double>(read->sample_rows);
    const double all = std::max(n, static_cast<double>(t.rows));
    for (const std::vector<std::string>& cols : sorts) {
      std::string list;
      for (const std::string& c : cols) list += (list.empty() ? "" : ", ") + QuoteIdent(c);
      std::optional<Timed> sorted =
          Explain("SELECT " + list + " FROM " + sample + " ORDER BY " + list);
      if (!sorted) continue;
      // n log n: the sample's sort time, per row and per comparison level, times the table's.
      const double sort = std::max(0.0, sorted->seconds - read->seconds);
      t.sort_seconds[cols] =
          sort * (all / n) * std::log2(std::max(2.0, all)) / std::log2(std::max(2.0, n));
    }
    return std::optional<TableStats>{std::move(t)};
  }

 private:
  db::Connection& c_;
  const ReadOptions& o_;
};

}  // namespace

db::DbResult<std::map<std::string, TableStats>> ReadTables(
    const db::ConnInfo& info, const std::vector<std::vector<Work>>& work,
    const ReadOptions& options) {
  struct Wanted {
    sql::QName name;
    std::set<std::vector<std::string>> keys;
    bool rewrite = false;
  };
  std::map<std::string, Wanted> wanted;
  for (const auto& ws : work) {
    for (const Work& w : ws) {
      auto& [name, keys, rewrite] = wanted[w.table.ToString()];
      name = w.table;
      if (w.kind == Work::Kind::kIndexBuild && !w.columns.empty()) keys.insert(w.columns);
      rewrite = rewrite || w.kind == Work::Kind::kRewrite;
    }
  }
  std::map<std::string, TableStats> out;
  if (wanted.empty()) return out;

  db::ConnectOptions co;
  co.application_name = "lockstep statistics";
  db::DbResult<db::Connection> conn = db::Connect(info, co);
  if (!conn.ok()) return conn.error();
  db::Connection& c = conn.value();
  // Everything in one read-only transaction: the server itself refuses any write, whatever
  // this code sends.
  for (const std::string& sql :
       {std::string("BEGIN TRANSACTION READ ONLY"),
        fmt::format("SET LOCAL statement_timeout = {}", options.statement_timeout_ms),
        fmt::format("SET LOCAL lock_timeout = {}", options.lock_timeout_ms),
        // Samples are timed serially and sorted in memory, as one index build's sort is.
        std::string("SET LOCAL max_parallel_workers_per_gather = 0"),
        std::string("SELECT set_config('work_mem', current_setting('maintenance_work_mem'), "
                    "true)")}) {
    db::DbResult<db::Rows> r = c.Exec(sql);
    if (!r.ok()) return r.error();
  }
  Reader reader(c, options);
  for (const auto& [key, want] : wanted) {
    const sql::QName& q = want.name;
    // The history names unqualified tables "public.x"; with Prisma's ?schema= they live in
    // that schema, which the connection's search_path already selects.
    const bool unqualified = q.schema.empty() || (q.schema == "public" && !info.schema.empty() &&
                                                  info.schema != "public");
    const std::string regclass =
        QuoteQualified(unqualified ? std::string_view() : q.schema, q.name);
    db::DbResult<std::optional<TableStats>> t = reader.Table(regclass, want.keys, want.rewrite);
    if (!t.ok()) return t.error();
    if (t.value()) out[key] = std::move(*t.value());
  }
  c.Exec("ROLLBACK");
  return out;
}

db::DbResult<size_t> AddEstimates(const analysis::History& h, const db::ConnInfo& info,
                                  std::vector<plan::Entry>& entries, const Model& model,
                                  const ReadOptions& options) {
  const std::vector<std::vector<Work>> work = WorkOf(h);
  db::DbResult<std::map<std::string, TableStats>> tables = ReadTables(info, work, options);
  if (!tables.ok()) return tables.error();
  Apply(work, tables.value(), model, entries);
  return tables.value().size();
}

}  // namespace lockstep::stats

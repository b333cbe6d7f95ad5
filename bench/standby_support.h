// What the benchmarks with a real primary and hot standby share (standby_bench.cc, lag_bench.cc):
// dying with one line, unwrapping results, one-row queries, and the seeded history that lockstep
// deploy applies on the primary so that its later deploys find it.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/process.h"
#include "db/connection.h"
#include "db/embedded_server.h"

namespace lockstep::bench {

// The program's name for its messages ("bench_lag"); set once in main().
inline const char* program = "bench";

[[noreturn]] inline void Die(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", program, message.c_str());
  std::exit(2);
}

template <typename R>
auto Must(R r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().message());
  return std::move(r).value();
}

inline void Must(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.message());
}

inline void Exec(db::Connection& c, const std::string& sql) {
  db::DbResult<db::Rows> r = c.Exec(sql);
  if (!r.ok()) Die(sql.substr(0, 60) + ": " + r.status().message());
}

// The first column of the first row.
inline std::string Scalar(db::Connection& c, const std::string& sql,
                          const std::vector<std::optional<std::string>>& params = {}) {
  db::DbResult<db::Rows> r = c.Exec(sql, params);
  if (!r.ok() || r->empty()) Die(sql.substr(0, 60) + ": " + r.status().message());
  return r->rows[0][0].value_or("");
}

// Creates database `database` on `primary` and applies `init_sql` there as migration 0_init of a
// new temporary migrations directory (named after `tag`) with `lockstep deploy`, so that later
// deploys of that directory find their history. Returns the directory.
inline std::filesystem::path DeployHistory(db::EmbeddedServer& primary, const std::string& database,
                                           const std::filesystem::path& lockstep_bin,
                                           const std::string& tag, const std::string& init_sql) {
  std::string tmpl = "/tmp/lockstep-bench-" + tag + "-XXXXXX";
  const char* made = ::mkdtemp(tmpl.data());
  if (!made) Die("cannot create a temporary directory");
  const std::filesystem::path dir = made;
  std::filesystem::create_directories(dir / "0_init");
  std::ofstream(dir / "0_init/migration.sql") << init_sql;
  Must(primary.CreateDatabase(database), "create database");
  RunOptions quiet;
  quiet.capture_stdout = true;
  RunResult init = Must(RunProcess({lockstep_bin.string(), "deploy", dir.string(), "--database",
                                    primary.url(database)},
                                   quiet),
                        "lockstep deploy 0_init");
  if (init.exit.code != 0) Die("lockstep deploy 0_init failed:\n" + init.stdout_text);
  return dir;
}

}  // namespace lockstep::bench

// Helpers of the fix tests that run migrations on a real PostgreSQL (support/pg_server.h): apply
// files the way each Prisma engine does, dump the schema with pg_dump, list what is left invalid.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "db/connection.h"
#include "sql/parser.h"
#include "support/pg_server.h"

namespace lockstep::fixtest {

// The major the fix tests run on: the one whose pg_dump the machine has.
inline constexpr int kFixPgMajor = 15;

// Native engine: the whole file as ONE simple query (one implicit transaction).
inline std::string ApplyWhole(db::Connection& conn, const std::string& sql) {
  db::DbResult<db::Rows> r = conn.Exec(sql);
  return r.ok() ? "" : r.error().OneLine();
}

// Newer engines: statement by statement, no transaction around them.
inline std::string ApplyEach(db::Connection& conn, const std::string& sql) {
  const sql::ParsedFile p = sql::Parse(sql);
  if (!p.ok()) return "syntax error: " + p.errors.front().message;
  for (const sql::Statement& s : p.statements) {
    db::DbResult<db::Rows> r = conn.Exec(sql::StatementText(sql, s));
    if (!r.ok()) return r.error().OneLine();
  }
  return "";
}

inline std::filesystem::path PgDumpPath(const db::EmbeddedServer& server) {
  const std::filesystem::path own = server.install().bin_dir / "pg_dump";
  if (std::filesystem::exists(own)) return own;
  return std::filesystem::path("/usr/lib/postgresql") / std::to_string(server.major()) / "bin" /
         "pg_dump";
}

// `pg_dump --schema-only` without comments, SET lines and blank lines: the structure only.
inline std::string SchemaDump(const db::EmbeddedServer& server, const std::string& dbname) {
  const std::string cmd = PgDumpPath(server).string() +
                          " --schema-only --no-owner --no-privileges --dbname='" +
                          server.url(dbname) + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return "popen failed";
  std::string out, line;
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), pipe.get())) {
    line += buf.data();
    if (line.empty() || line.back() != '\n') continue;
    const bool skip = line == "\n" || line.rfind("--", 0) == 0 || line.rfind("SET ", 0) == 0 ||
                      line.rfind("SELECT pg_catalog.set_config", 0) == 0 ||
                      // pg_dump 15.14+ fences its output with a random key.
                      line.rfind("\\restrict ", 0) == 0 || line.rfind("\\unrestrict ", 0) == 0;
    if (!skip) out += line;
    line.clear();
  }
  return out + line;
}

inline std::string SchemaDump(testing::TestDatabase& d) { return SchemaDump(d.server(), d.name()); }

// Constraints left NOT VALID and indexes left INVALID, one per line, sorted.
inline std::string Invalid(db::Connection& conn) {
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT 'constraint ' || conrelid::regclass || '.' || conname AS x FROM pg_constraint "
      "WHERE NOT convalidated AND conrelid <> 0 "
      "UNION ALL SELECT 'index ' || indexrelid::regclass FROM pg_index WHERE NOT indisvalid "
      "ORDER BY 1");
  if (!r.ok()) return "query failed: " + r.error().OneLine();
  std::string out;
  for (size_t i = 0; i < r->size(); ++i) out += r->Value(i, "x").value_or("?") + "\n";
  return out;
}

}  // namespace lockstep::fixtest

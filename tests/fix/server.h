// Helpers of the fix tests that run migrations on a real PostgreSQL (support/pg_server.h): apply
// files the way each Prisma engine does, dump the schema with pg_dump, list what is left invalid.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "db/connection.h"
#include "deploy/helpers.h"
#include "sql/parser.h"
#include "support/pg_server.h"

namespace lockstep::fixtest {

// The major the fix tests run on: the one whose pg_dump the machine has.
inline constexpr int kFixPgMajor = 15;

// The major a golden case runs on: its --pg-version when that is a major fix writes other SQL for
// (18: NOT NULL … NOT VALID), else kFixPgMajor.
inline int FixPgMajorFor(int pg_version) { return pg_version >= 18 ? pg_version : kFixPgMajor; }

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

// The schema as the catalog describes it, one line per object, sorted: for a server whose own
// pg_dump the machine lacks (the embedded servers ship none, Debian bookworm's pg_dump 15 refuses
// newer servers and Debian's pg_dump 18 needs glibc 2.38). Every column (type, NOT NULL,
// default, identity, generated, collation), every constraint with its name, definition, validity
// and enforcement, index, sequence (type, parameters, owner column), trigger, view and function.
inline std::string CatalogSchema(db::Connection& conn) {
  static const char* kQuery =
      "WITH rel AS (SELECT c.oid, c.relkind, format('%I.%I', n.nspname, c.relname) AS q FROM "
      "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN "
      "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%') "
      "SELECT x FROM ("
      "SELECT 'relation ' || q || ' kind ' || relkind::text AS x FROM rel "
      "UNION ALL SELECT 'column ' || r.q || '.' || quote_ident(a.attname) || ' #' || "
      "a.attnum || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN "
      "' not null' ELSE '' END || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || "
      "CASE a.attidentity WHEN '' THEN '' ELSE ' identity ' || a.attidentity::text END || CASE "
      "a.attgenerated WHEN '' THEN '' ELSE ' generated ' || a.attgenerated::text END || CASE WHEN "
      "a.attcollation <> 0 THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END "
      "FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid LEFT JOIN pg_attrdef d ON d.adrelid = "
      "a.attrelid AND d.adnum = a.attnum WHERE a.attnum > 0 AND NOT a.attisdropped AND "
      "r.relkind IN ('r', 'p', 'v', 'm', 'f') "
      "UNION ALL SELECT 'constraint ' || r.q || '.' || quote_ident(k.conname) || ' ' || "
      "k.contype::text || ' ' || pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' "
      "ELSE "
      "' not valid' END FROM rel r JOIN pg_constraint k ON k.conrelid = r.oid "
      "UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN rel r ON "
      "r.oid = i.indexrelid "
      "UNION ALL SELECT 'sequence ' || r.q || ' ' || format_type(s.seqtypid, NULL) || ' start ' || "
      "s.seqstart || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || "
      "s.seqmax || ' cache ' || s.seqcache || ' cycle ' || s.seqcycle || coalesce(' owned by ' || "
      "(SELECT format('%s.%I', o.refobjid::regclass, a.attname) || ' ' || o.deptype::text FROM "
      "pg_depend "
      "o JOIN pg_attribute a ON a.attrelid = o.refobjid AND a.attnum = o.refobjsubid WHERE "
      "o.classid = 'pg_class'::regclass AND o.objid = r.oid AND o.refclassid = "
      "'pg_class'::regclass AND o.deptype IN ('a', 'i')), '') FROM rel r JOIN pg_sequence s ON "
      "s.seqrelid = r.oid "
      "UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN rel r ON "
      "r.oid = t.tgrelid WHERE NOT t.tgisinternal "
      "UNION ALL SELECT 'view ' || r.q || ' ' || pg_get_viewdef(r.oid) FROM rel r WHERE r.relkind "
      "IN ('v', 'm') "
      "UNION ALL SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p JOIN "
      "pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', "
      "'information_schema') "
      ") s ORDER BY 1";
  db::DbResult<db::Rows> r = conn.Exec(kQuery);
  if (!r.ok()) return "query failed: " + r.error().OneLine();
  std::string out;
  for (size_t i = 0; i < r->size(); ++i) out += r->Value(i, "x").value_or("?") + "\n";
  return out;
}

// pg_dump's schema when the machine has a pg_dump for the server's major, else CatalogSchema.
inline std::string SchemaDump(testing::TestDatabase& d) {
  if (!std::filesystem::exists(PgDumpPath(d.server()))) return CatalogSchema(d.conn());
  return SchemaDump(d.server(), d.name());
}

// The lines of `text`, without their '\n' (no empty last line for a text ending in one).
inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t b = 0;
  while (b < text.size()) {
    size_t e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    lines.push_back(text.substr(b, e - b));
    b = e + 1;
  }
  return lines;
}

// `dump` with the column lines of each CREATE TABLE sorted (trailing commas dropped): a rename
// done as expand/contract adds the new column at the end and drops the old one, and PostgreSQL
// cannot reorder columns, so the position is the one difference it may leave. In CatalogSchema's
// form (no CREATE TABLE, one sorted line per object), the column numbers (" #N") are dropped.
inline std::string WithoutColumnOrder(const std::string& dump) {
  std::vector<std::string> lines = SplitLines(dump);
  std::string out;
  if (dump.find("CREATE TABLE ") == std::string::npos) {
    for (std::string& line : lines)
      if (const size_t n = line.find(" #"); line.rfind("column ", 0) == 0 && n != std::string::npos)
        line.erase(n, line.find(' ', n + 2) - n);
    std::sort(lines.begin(), lines.end());
    for (const std::string& l : lines) out += l + "\n";
    return out;
  }
  std::vector<std::string> cols;
  bool in_table = false;
  for (std::string& line : lines) {
    if (in_table && line.rfind(")", 0) == 0) {
      std::sort(cols.begin(), cols.end());
      for (const std::string& c : cols) out += c + "\n";
      cols.clear();
      in_table = false;
    } else if (in_table) {
      if (!line.empty() && line.back() == ',') line.pop_back();
      cols.push_back(line);
      continue;
    }
    if (line.rfind("CREATE TABLE ", 0) == 0) in_table = true;
    out += line + "\n";
  }
  return out;
}

// Every row of every table of the user's schemas, as sorted JSON objects per table (keys by
// name, so the columns' order does not matter).
inline std::string TableData(db::Connection& conn) {
  db::DbResult<db::Rows> tables = conn.Exec(
      "SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON "
      "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1");
  if (!tables.ok()) return "query failed: " + tables.error().OneLine();
  std::string out;
  for (size_t i = 0; i < tables->size(); ++i) {
    const std::string t = tables->Value(i, "t").value_or("?");
    db::DbResult<db::Rows> r = conn.Exec(
        "SELECT coalesce(jsonb_agg(x ORDER BY x::text), '[]')::text AS d FROM (SELECT "
        "to_jsonb(r) AS x FROM " +
        t + " r) s");
    out += t + ": " + (r.ok() ? r->Value(0, "d").value_or("?") : r.error().OneLine()) + "\n";
  }
  return out;
}

// What the running application does between two folders of a fix: write its existing rows.
// Every row of every table is updated with itself (its first plain column set to its own value);
// "" when every UPDATE succeeds, else the first error. A constraint added NOT VALID while a
// backfill still has rows to fill makes exactly these writes fail.
inline std::string OldApplicationWrites(db::Connection& conn) {
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT format('UPDATE %I.%I SET %I = %I', n.nspname, c.relname, a.attname, a.attname) AS "
      "q FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN LATERAL (SELECT "
      "attname FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped AND "
      "attgenerated = '' AND attidentity <> 'a' ORDER BY attnum LIMIT 1) a ON true WHERE "
      "c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND "
      "n.nspname NOT LIKE 'pg_toast%' ORDER BY 1");
  if (!r.ok()) return "query failed: " + r.error().OneLine();
  for (size_t i = 0; i < r->size(); ++i) {
    const std::string q = r->Value(i, "q").value_or("");
    db::DbResult<db::Rows> u = conn.Exec(q);
    if (!u.ok()) return q + ": " + u.error().OneLine();
  }
  return "";
}

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

// An index as the window check sees it (issue 12 item 5): what it makes fast or enforces.
struct IndexShape {
  std::string table;              // schema.table
  std::string name;               // schema.index
  std::vector<std::string> keys;  // "column <attnum>" or an expression, in order (no INCLUDE)
  std::string predicate;          // "" unless partial
  bool unique = false;
  bool primary = false;
  bool valid = false;  // indisvalid, indisready and indislive: usable by queries and constraints
};

// Every index of the user's schemas.
inline std::vector<IndexShape> Indexes(db::Connection& conn) {
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT n.nspname || '.' || c.relname AS tab, n.nspname || '.' || i.relname AS idx, "
      // A column by its number: one dropped and re-added (or renamed into place) under the
      // same name is another column, and an index on it is another index.
      "array_to_string(ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0 THEN "
      "pg_get_indexdef(x.indexrelid, k, true) ELSE 'column ' || x.indkey[k - 1] END FROM "
      "generate_series(1, x.indnkeyatts) k ORDER BY k), E'\\x1f') AS keys, "
      "coalesce(pg_get_expr(x.indpred, x.indrelid, true), '') AS pred, x.indisunique::text AS u, "
      "x.indisprimary::text AS p, (x.indisvalid AND x.indisready AND x.indislive)::text AS v "
      "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = "
      "x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN "
      "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 2");
  std::vector<IndexShape> out;
  if (!r.ok()) {
    ADD_FAILURE() << "listing indexes failed: " << r.error().OneLine();
    return out;
  }
  for (size_t i = 0; i < r->size(); ++i) {
    IndexShape x;
    x.table = r->Value(i, "tab").value_or("");
    x.name = r->Value(i, "idx").value_or("");
    const std::string keys = r->Value(i, "keys").value_or("");
    for (size_t b = 0; b <= keys.size();) {
      size_t e = keys.find('\x1f', b);
      if (e == std::string::npos) e = keys.size();
      x.keys.push_back(keys.substr(b, e - b));
      b = e + 1;
    }
    x.predicate = r->Value(i, "pred").value_or("");
    x.unique = r->Value(i, "u") == "true";
    x.primary = r->Value(i, "p") == "true";
    x.valid = r->Value(i, "v") == "true";
    out.push_back(std::move(x));
  }
  return out;
}

// "schema.table" -> attnum -> name, for the live columns of the user's tables.
inline std::map<std::string, std::map<std::string, std::string>> ColumnNames(db::Connection& conn) {
  std::map<std::string, std::map<std::string, std::string>> out;
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT n.nspname || '.' || c.relname AS tab, a.attnum::text AS num, a.attname AS name FROM "
      "pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = "
      "c.relnamespace WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND "
      "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'");
  if (!r.ok()) {
    ADD_FAILURE() << "listing columns failed: " << r.error().OneLine();
    return out;
  }
  for (size_t i = 0; i < r->size(); ++i)
    out[r->Value(i, "tab").value_or("")][r->Value(i, "num").value_or("")] =
        r->Value(i, "name").value_or("");
  return out;
}

// `now` with each key on a column that a type change's swap renamed into place (its predecessor
// still there as <name>_old until the contract phase) numbered as the column of that name in
// `original`: for the application it is the same column (same name, same values, replaced in one
// transaction), unlike a column dropped and re-added.
inline std::vector<IndexShape> SwappedColumnsAsOriginal(std::vector<IndexShape> now,
                                                        db::Connection& now_conn,
                                                        db::Connection& original) {
  const auto cols = ColumnNames(now_conn);
  const auto orig = ColumnNames(original);
  for (IndexShape& y : now) {
    auto t = cols.find(y.table);
    auto o = orig.find(y.table);
    if (t == cols.end() || o == orig.end()) continue;
    for (std::string& key : y.keys) {
      if (key.rfind("column ", 0) != 0) continue;
      auto c = t->second.find(key.substr(7));
      if (c == t->second.end()) continue;
      const std::string& name = c->second;
      const auto has = [](const std::map<std::string, std::string>& m, const std::string& n) {
        return std::any_of(m.begin(), m.end(), [&](const auto& kv) { return kv.second == n; });
      };
      if (!has(t->second, name + "_old")) continue;
      for (const auto& [num, n] : o->second)
        if (n == name) key = "column " + num;
    }
  }
  return now;
}

// Whether `y` serves what `x` served: same table and predicate, x's keys leading y's; the same
// key set and unique when x is unique (a wider unique index enforces less), a primary key when x
// is one (replica identity, foreign keys). Validity is not looked at.
inline bool Covers(const IndexShape& y, const IndexShape& x) {
  if (y.table != x.table || y.predicate != x.predicate || y.keys.size() < x.keys.size())
    return false;
  if (!std::equal(x.keys.begin(), x.keys.end(), y.keys.begin())) return false;
  if (x.primary && !y.primary) return false;
  if (x.unique) {
    std::vector<std::string> a = x.keys, b = y.keys;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (!y.unique || a != b) return false;
  }
  return true;
}

// The indexes of `before` that the migration keeps (some index of `after` covers each) but that
// no valid index of `now` covers: the window a step of a rewrite opened. One per line.
inline std::string OpenWindows(const std::vector<IndexShape>& before,
                               const std::vector<IndexShape>& after,
                               const std::vector<IndexShape>& now) {
  std::string out;
  for (const IndexShape& x : before) {
    auto covered_in = [&](const std::vector<IndexShape>& set, bool need_valid) {
      return std::any_of(set.begin(), set.end(), [&](const IndexShape& y) {
        return (!need_valid || y.valid) && Covers(y, x);
      });
    };
    if (covered_in(after, false) && !covered_in(now, true))
      out += (x.primary  ? "primary key "
              : x.unique ? "unique index "
                         : "index ") +
             x.name + " on " + x.table + "\n";
  }
  return out;
}

// Applies a migration that is one BEGIN … COMMIT (the swap) statement by statement and returns
// the sequential scans of `table` its statements did, or the error. The count is read just before
// the COMMIT: pg_stat_get_xact_numscans counts the scans of this backend not yet reported, so the
// difference from just after BEGIN is the transaction's. A SET NOT NULL that nothing proves scans
// the table once ("verifying table").
inline std::string SwapScans(db::Connection& c, const std::string& sql, const std::string& table) {
  const sql::ParsedFile p = sql::Parse(sql);
  if (!p.ok() || p.statements.size() < 2) return "not a transaction: " + sql;
  const std::string count =
      "SELECT pg_stat_get_xact_numscans('" + table + "'::regclass)::text AS v";
  std::string before;
  for (size_t i = 0; i < p.statements.size(); ++i) {
    const std::string text(sql::StatementText(sql, p.statements[i]));
    if (i + 1 == p.statements.size()) {
      const std::string after = deploy_test::Scalar(c, count);
      if (const std::string e = ApplyWhole(c, text); !e.empty()) return e + " in: " + text;
      const auto number = [](const std::string& v) {
        return !v.empty() && std::all_of(v.begin(), v.end(), ::isdigit);
      };
      if (!number(before) || !number(after)) return "counts: " + before + ", " + after;
      return std::to_string(std::stoll(after) - std::stoll(before));
    }
    if (const std::string e = ApplyWhole(c, text); !e.empty()) return e + " in: " + text;
    if (i == 0) before = deploy_test::Scalar(c, count);
  }
  return "unreachable";
}

}  // namespace lockstep::fixtest

// The type change rewritten as expand/contract (src/fix/steps/type_change.cc) on a real server:
// under a live writer every write succeeds, rows written during the expand get the new column
// from the trigger, the swap reads no row of the table, and every value survives it (PostgreSQL
// 16 with the CHECK route, 18 with its NOT NULL … NOT VALID); through lockstep deploy, a USING
// that fails on some row stops the backfill naming that row and why, with nothing swapped.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <thread>

#include "deploy/helpers.h"
#include "fix/golden.h"
#include "fix/server.h"
#include "sql/parser.h"
#include "support/pg_server.h"

namespace lockstep::fixtest {
namespace {

using deploy_test::Scalar;

class TypeChangeServerTest : public testing::PgTest {};

// The same on PostgreSQL 18, planned for it (--pg-version 18).
class TypeChangeServer18Test : public testing::PgTest {
 protected:
  int major() const override { return 18; }
};

fs::path Case(const std::string& name) { return SourceDir() / "tests/fix/golden" / name / "input"; }

// Applies a migration that is one BEGIN … COMMIT (the swap) statement by statement and returns
// the sequential scans of `table` its statements did, or the error. The count is read just before
// the COMMIT: pg_stat_get_xact_numscans counts the scans of this backend not yet reported, so the
// difference from just after BEGIN is the transaction's. A SET NOT NULL that nothing proves scans
// the table once ("verifying table").
std::string SwapScans(db::Connection& c, const std::string& sql, const std::string& table) {
  const sql::ParsedFile p = sql::Parse(sql);
  if (!p.ok() || p.statements.size() < 2) return "not a transaction: " + sql;
  const std::string count =
      "SELECT pg_stat_get_xact_numscans('" + table + "'::regclass)::text AS v";
  std::string before;
  for (size_t i = 0; i < p.statements.size(); ++i) {
    const std::string text(sql::StatementText(sql, p.statements[i]));
    if (i + 1 == p.statements.size()) {
      const std::string after = Scalar(c, count);
      if (const std::string e = ApplyWhole(c, text); !e.empty()) return e + " in: " + text;
      const auto number = [](const std::string& v) {
        return !v.empty() && std::all_of(v.begin(), v.end(), ::isdigit);
      };
      if (!number(before) || !number(after)) return "counts: " + before + ", " + after;
      return std::to_string(std::stoll(after) - std::stoll(before));
    }
    if (const std::string e = ApplyWhole(c, text); !e.empty()) return e + " in: " + text;
    if (i == 0) before = Scalar(c, count);
  }
  return "unreachable";
}

// Under a writer inserting and updating "Member" all along: every folder of the fix of
// type_change (the contract included) applied, the swap without a scan of the table.
void WritesGoOnAndValuesSurviveTheSwap(testing::TestDatabase& database, const fix::Options& o) {
  db::Connection& conn = database.conn();
  Result<Fixed> fixed = RunFix(Case("type_change"), o);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  ASSERT_EQ(fixed->plan.contract.size(), 1u);
  for (size_t i = 0; i < fixed->input.target; ++i)
    ASSERT_EQ(ApplyWhole(conn, fixed->input.migrations[i].sql), "");
  // Every row keeps "totalPoints" = 3 * id, whoever writes it.
  ASSERT_EQ(
      ApplyWhole(conn,
                 "INSERT INTO \"Member\" (\"totalPoints\", \"name\") SELECT 0, 'm' || g FROM "
                 "generate_series(1, 20000) g; UPDATE \"Member\" SET \"totalPoints\" = 3 * id"),
      "");

  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::string failure;  // written by the writer before it sets `failed`, read after the join
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    db::DbResult<db::Connection> c = db::Connect(database.conninfo());
    if (!c.ok()) {
      failure = c.error().OneLine();
      failed = true;
      return;
    }
    for (int k = 1; !stop; ++k) {
      const std::string sql =
          k % 2 ? "INSERT INTO \"Member\" (\"id\", \"totalPoints\", \"name\") SELECT n, 3 * n, 'w' "
                  "FROM (SELECT nextval(pg_get_serial_sequence('\"Member\"', 'id')) AS n) s"
                : "UPDATE \"Member\" SET \"totalPoints\" = 3 * id, \"name\" = \"name\" || '.' "
                  "WHERE id = " +
                      std::to_string(1 + (k * 7919) % 20000);
      db::DbResult<db::Rows> r = c->Exec(sql);
      if (!r.ok()) {
        failure = r.error().OneLine() + " in: " + sql;
        failed = true;
        return;
      }
      ++writes;
    }
  });

  const auto wait_writes = [&](int more) {
    const int until = writes + more;
    for (int i = 0; i < 2000 && writes < until && !failed; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  wait_writes(20);
  std::vector<std::string> applied;
  bool swapped = false;
  for (const fix::OutputFile& f : fixed->files) {
    if (f.held) continue;  // the contract phase waits for the rollout (below)
    if (f.relative.generic_string().find("_swap_") != std::string::npos) {
      EXPECT_EQ(SwapScans(conn, f.after, "\"Member\""), "0") << f.after;
      swapped = true;
    } else {
      ASSERT_EQ(ApplyWhole(conn, f.after), "") << f.relative;
    }
    // Rows above it were inserted after the migration committed.
    const std::string max_id = Scalar(conn, "SELECT max(id) FROM \"Member\"");
    applied.push_back(f.relative.generic_string());
    wait_writes(20);
    if (applied.size() == 1) {
      // The expand: rows the old application inserts from now on carry the new column.
      EXPECT_NE(Scalar(conn, "SELECT count(*) FROM \"Member\" WHERE id > " + max_id), "0");
      EXPECT_EQ(Scalar(conn, "SELECT count(*) FROM \"Member\" WHERE id > " + max_id +
                                 " AND \"totalPoints_new\" IS DISTINCT FROM \"totalPoints\""),
                "0");
    }
  }
  EXPECT_TRUE(swapped);
  ASSERT_EQ(ApplyWhole(conn, fixed->plan.contract[0].sql), "");
  wait_writes(20);
  stop = true;
  writer.join();
  EXPECT_EQ(failure, "") << "after " << applied.size() << " migrations";
  EXPECT_GT(writes.load(), 100);

  EXPECT_EQ(Scalar(conn,
                   "SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM "
                   "pg_attribute WHERE attrelid = '\"Member\"'::regclass AND attname = "
                   "'totalPoints'"),
            "bigint true");
  EXPECT_EQ(Scalar(conn,
                   "SELECT count(*) FROM \"Member\" WHERE \"totalPoints\" IS DISTINCT FROM "
                   "3 * id"),
            "0");
  EXPECT_GT(std::stoi(Scalar(conn, "SELECT count(*) FROM \"Member\"")), 20000);
  EXPECT_EQ(Scalar(conn,
                   "SELECT count(*) FROM pg_attribute WHERE attrelid = "
                   "'\"Member\"'::regclass AND attname LIKE 'totalPoints_%' AND NOT "
                   "attisdropped"),
            "0");
  EXPECT_EQ(Scalar(conn, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "0");
  EXPECT_EQ(Scalar(conn, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'Member_%'"), "0");
}

TEST_F(TypeChangeServerTest, WritesGoOnAndValuesSurviveTheSwap) {
  WritesGoOnAndValuesSurviveTheSwap(db(), {});
}

// 18's route: the constraint on the new column is its own NOT NULL, added NOT VALID and validated;
// the swap gives it the old column's constraint name and needs no SET NOT NULL.
TEST_F(TypeChangeServer18Test, WritesGoOnAndValuesSurviveTheSwap) {
  fix::Options o;
  o.pg_version = 18;
  WritesGoOnAndValuesSurviveTheSwap(db(), o);
  EXPECT_EQ(Scalar(conn(),
                   "SELECT string_agg(conname || ' ' || convalidated, ', ') FROM pg_constraint "
                   "WHERE conrelid = '\"Member\"'::regclass AND contype = 'n' AND conkey = "
                   "ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = "
                   "'\"Member\"'::regclass AND attname = 'totalPoints')]"),
            "Member_totalPoints_not_null true");
}

TEST_F(TypeChangeServerTest, AFailingUsingStopsTheBackfillAtItsRowAndSwapsNothing) {
  Result<Fixed> fixed = RunFix(Case("type_change_using"), {});
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  deploy_test::TempDir tmp;
  const fs::path dir = fs::path(tmp.path()) / "migrations";
  // The history first, then rows, one of which USING cannot convert.
  fs::create_directories(dir / fixed->input.migrations[0].name);
  deploy_test::WriteFile(dir / fixed->input.migrations[0].name / "migration.sql",
                         fixed->input.migrations[0].sql);
  deploy_test::RunResult r =
      deploy_test::RunLockstep({"deploy", dir.string(), "--database", db().url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  ASSERT_EQ(ApplyWhole(conn(),
                       "INSERT INTO \"Item\" (\"id\", \"code\") SELECT g, g::text FROM "
                       "generate_series(1, 5000) g; UPDATE \"Item\" SET \"code\" = 'x17' WHERE id "
                       "= 3217; UPDATE \"Item\" SET \"code\" = ' ' WHERE id = 12"),
            "");
  ASSERT_TRUE(fix::WriteFiles(dir, fixed->files).ok());
  r = deploy_test::RunLockstep({"deploy", dir.string(), "--database", db().url()});
  EXPECT_NE(r.exit_code, 0) << r.all();
  EXPECT_NE(r.all().find("(\"id\")=(3217)"), std::string::npos) << r.all();
  EXPECT_NE(r.all().find("invalid input syntax for type integer: \"x17\""), std::string::npos)
      << r.all();
  // Expanded, not swapped: the old column as it was, the application's writes still fed.
  EXPECT_EQ(Scalar(conn(),
                   "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                   "attrelid = '\"Item\"'::regclass AND attname = 'code'"),
            "character varying(20)");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "1");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM _prisma_migrations WHERE migration_name LIKE "
                   "'%swap%'"),
            "0");
  // Fixing the row lets a re-run finish: every value converted, blanks to NULL.
  ASSERT_EQ(ApplyWhole(conn(), "UPDATE \"Item\" SET \"code\" = '3217' WHERE id = 3217"), "");
  r = deploy_test::RunLockstep({"deploy", dir.string(), "--database", db().url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Scalar(conn(),
                   "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                   "attrelid = '\"Item\"'::regclass AND attname = 'code'"),
            "integer");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM \"Item\" WHERE \"code\" IS DISTINCT FROM "
                   "CASE WHEN id = 12 THEN NULL ELSE id END"),
            "0");
}

}  // namespace
}  // namespace lockstep::fixtest

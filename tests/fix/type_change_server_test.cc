// The type change rewritten as expand/contract (src/fix/steps/type_change.cc) on a real server:
// under a live writer every write succeeds, rows written during the expand get the new column
// from the trigger, and every value survives the swap; through lockstep deploy, a USING that fails
// on some row stops the backfill naming that row and why, with nothing swapped.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "deploy/helpers.h"
#include "fix/golden.h"
#include "fix/server.h"
#include "support/pg_server.h"

namespace lockstep::fixtest {
namespace {

using deploy_test::Scalar;

class TypeChangeServerTest : public testing::PgTest {};

fs::path Case(const std::string& name) { return SourceDir() / "tests/fix/golden" / name / "input"; }

TEST_F(TypeChangeServerTest, WritesGoOnAndValuesSurviveTheSwap) {
  Result<Fixed> fixed = RunFix(Case("type_change"), {});
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  ASSERT_EQ(fixed->plan.contract.size(), 1u);
  for (size_t i = 0; i < fixed->input.target; ++i)
    ASSERT_EQ(ApplyWhole(conn(), fixed->input.migrations[i].sql), "");
  // Every row keeps "totalPoints" = 3 * id, whoever writes it.
  ASSERT_EQ(
      ApplyWhole(conn(),
                 "INSERT INTO \"Member\" (\"totalPoints\", \"name\") SELECT 0, 'm' || g FROM "
                 "generate_series(1, 20000) g; UPDATE \"Member\" SET \"totalPoints\" = 3 * id"),
      "");

  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::string failure;  // written by the writer before it sets `failed`, read after the join
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    db::DbResult<db::Connection> c = db::Connect(db().conninfo());
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
  for (const fix::OutputFile& f : fixed->files) {
    if (f.held) continue;  // the contract phase waits for the rollout (below)
    ASSERT_EQ(ApplyWhole(conn(), f.after), "") << f.relative;
    // Rows above it were inserted after the migration committed.
    const std::string max_id = Scalar(conn(), "SELECT max(id) FROM \"Member\"");
    applied.push_back(f.relative.generic_string());
    wait_writes(20);
    if (applied.size() == 1) {
      // The expand: rows the old application inserts from now on carry the new column.
      EXPECT_NE(Scalar(conn(), "SELECT count(*) FROM \"Member\" WHERE id > " + max_id), "0");
      EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM \"Member\" WHERE id > " + max_id +
                                   " AND \"totalPoints_new\" IS DISTINCT FROM \"totalPoints\""),
                "0");
    }
  }
  ASSERT_EQ(ApplyWhole(conn(), fixed->plan.contract[0].sql), "");
  wait_writes(20);
  stop = true;
  writer.join();
  EXPECT_EQ(failure, "") << "after " << applied.size() << " migrations";
  EXPECT_GT(writes.load(), 100);

  EXPECT_EQ(Scalar(conn(),
                   "SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM "
                   "pg_attribute WHERE attrelid = '\"Member\"'::regclass AND attname = "
                   "'totalPoints'"),
            "bigint true");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM \"Member\" WHERE \"totalPoints\" IS DISTINCT FROM "
                   "3 * id"),
            "0");
  EXPECT_GT(std::stoi(Scalar(conn(), "SELECT count(*) FROM \"Member\"")), 20000);
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM pg_attribute WHERE attrelid = "
                   "'\"Member\"'::regclass AND attname LIKE 'totalPoints_%' AND NOT "
                   "attisdropped"),
            "0");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "0");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_proc WHERE proname LIKE 'Member_%'"), "0");
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

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

// Issue 13 item 2's classic case: "User"."id" (serial, primary key) and the columns referencing
// it converted to bigint under writers inserting into every table and updating, through every
// folder of the fix and its contract: no write fails, every row keeps its key and references.
TEST_F(TypeChangeServerTest, AKeyAndItsForeignKeysConvertUnderWritesToEveryTable) {
  Result<Fixed> fixed = RunFix(Case("type_change_primary_key"), {});
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  ASSERT_EQ(fixed->plan.contract.size(), 1u);
  for (size_t i = 0; i < fixed->input.target; ++i)
    ASSERT_EQ(ApplyWhole(conn(), fixed->input.migrations[i].sql), "");
  // Post "authorId" = "editorId" = the author's id; "title" names it: 'p' || author.
  ASSERT_EQ(ApplyWhole(conn(),
                       "INSERT INTO \"User\" (\"email\") SELECT 'u' || g FROM "
                       "generate_series(1, 5000) g; "
                       "INSERT INTO \"Post\" (\"title\", \"authorId\", \"editorId\") SELECT "
                       "'p' || (1 + g % 5000), 1 + g % 5000, 1 + g % 5000 FROM "
                       "generate_series(1, 20000) g; "
                       "INSERT INTO \"Comment\" (\"body\", \"userId\") SELECT 'c', 1 + g % 5000 "
                       "FROM generate_series(1, 5000) g"),
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
      const std::string author = std::to_string(1 + (k * 7919) % 5000);
      std::string sql;
      switch (k % 4) {
        case 0:  // a new user (the key from the sequence) and a post of theirs
          sql = "WITH u AS (INSERT INTO \"User\" (\"email\") VALUES ('w" + std::to_string(k) +
                "') RETURNING \"id\") INSERT INTO \"Post\" (\"title\", \"authorId\", "
                "\"editorId\") SELECT 'p' || \"id\", \"id\", \"id\" FROM u";
          break;
        case 1:
          sql = "INSERT INTO \"Post\" (\"title\", \"authorId\", \"editorId\") VALUES ('p" + author +
                "', " + author + ", " + author + ")";
          break;
        case 2:
          sql = "UPDATE \"Post\" SET \"title\" = 'p' || \"authorId\" WHERE \"id\" = " +
                std::to_string(1 + (k * 104729) % 20000);
          break;
        default:
          sql = "INSERT INTO \"Comment\" (\"body\", \"userId\") VALUES ('w', " + author + ")";
      }
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
    const std::string max_user = Scalar(conn(), "SELECT max(\"id\") FROM \"User\"");
    const std::string max_post = Scalar(conn(), "SELECT max(\"id\") FROM \"Post\"");
    applied.push_back(f.relative.generic_string());
    wait_writes(40);
    if (applied.size() == 1) {
      // The expand: rows written from now on carry the new columns.
      EXPECT_NE(Scalar(conn(), "SELECT count(*) FROM \"Post\" WHERE \"id\" > " + max_post), "0");
      EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM \"User\" WHERE \"id\" > " + max_user +
                                   " AND \"id_new\" IS DISTINCT FROM \"id\""),
                "0");
      EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM \"Post\" WHERE \"id\" > " + max_post +
                                   " AND (\"authorId_new\" IS DISTINCT FROM \"authorId\" OR "
                                   "\"editorId_new\" IS DISTINCT FROM \"editorId\")"),
                "0");
    }
  }
  ASSERT_EQ(ApplyWhole(conn(), fixed->plan.contract[0].sql), "");
  wait_writes(40);
  stop = true;
  writer.join();
  EXPECT_EQ(failure, "") << "after " << applied.size() << " migrations";
  EXPECT_GT(writes.load(), 200);

  EXPECT_EQ(Scalar(conn(),
                   "SELECT string_agg(attrelid::regclass || '.' || attname || ' ' || "
                   "format_type(atttypid, atttypmod) || ' ' || attnotnull, ', ' ORDER BY "
                   "attrelid::regclass::text, attname) FROM pg_attribute WHERE attrelid IN "
                   "('\"User\"'::regclass, '\"Post\"'::regclass, '\"Comment\"'::regclass) AND "
                   "attname IN ('id', 'authorId', 'editorId', 'userId') AND NOT attisdropped"),
            "\"Comment\".id integer true, \"Comment\".userId integer false, "
            "\"Post\".authorId bigint true, \"Post\".editorId bigint false, "
            "\"Post\".id integer true, \"User\".id bigint true");
  // The key, its sequence and the foreign keys on the new columns, all valid.
  EXPECT_EQ(Scalar(conn(),
                   "SELECT string_agg(conname || ' ' || convalidated, ', ' ORDER BY conname) FROM "
                   "pg_constraint WHERE contype IN ('p', 'f') AND conrelid IN "
                   "('\"User\"'::regclass, '\"Post\"'::regclass, '\"Comment\"'::regclass)"),
            "Comment_pkey true, Comment_userId_fkey true, Post_authorId_fkey true, "
            "Post_editorId_fkey true, Post_pkey true, User_pkey true");
  EXPECT_EQ(Scalar(conn(), "SELECT pg_get_serial_sequence('\"User\"', 'id')"),
            "public.\"User_id_seq\"");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM \"Post\" WHERE \"title\" <> 'p' || "
                   "\"authorId\" OR \"editorId\" <> \"authorId\""),
            "0");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM \"Post\" p LEFT JOIN \"User\" u ON u.\"id\" = "
                   "p.\"authorId\" WHERE u.\"id\" IS NULL"),
            "0");
  EXPECT_GT(std::stoi(Scalar(conn(), "SELECT count(*) FROM \"Post\"")), 20000);
  // After the contract: no trigger, function or column of the conversion is left, and the key
  // still comes from the sequence.
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "0");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_proc WHERE proname LIKE '%_to_new'"), "0");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM pg_attribute WHERE attrelid IN ('\"User\"'::regclass, "
                   "'\"Post\"'::regclass) AND (attname LIKE '%_old' OR attname LIKE '%_new') AND "
                   "NOT attisdropped"),
            "0");
  EXPECT_EQ(Scalar(conn(),
                   "INSERT INTO \"User\" (\"email\") VALUES ('last') RETURNING "
                   "\"id\" > 5000"),
            "t");
}

// The same fix through lockstep deploy: the backfills batched, the unique index built, the swap
// (LOCK TABLE inside its own transaction) and the validations applied, the contract held.
TEST_F(TypeChangeServerTest, AKeyConversionDeploysThroughLockstep) {
  Result<Fixed> fixed = RunFix(Case("type_change_primary_key"), {});
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  deploy_test::TempDir tmp;
  const fs::path dir = fs::path(tmp.path()) / "migrations";
  fs::create_directories(dir / fixed->input.migrations[0].name);
  deploy_test::WriteFile(dir / fixed->input.migrations[0].name / "migration.sql",
                         fixed->input.migrations[0].sql);
  deploy_test::RunResult r =
      deploy_test::RunLockstep({"deploy", dir.string(), "--database", db().url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  ASSERT_EQ(ApplyWhole(conn(),
                       "INSERT INTO \"User\" (\"email\") SELECT 'u' || g FROM "
                       "generate_series(1, 3000) g; "
                       "INSERT INTO \"Post\" (\"title\", \"authorId\") SELECT 't', "
                       "1 + g % 3000 FROM generate_series(1, 6000) g"),
            "");
  ASSERT_TRUE(fix::WriteFiles(dir, fixed->files).ok());
  r = deploy_test::RunLockstep({"deploy", dir.string(), "--database", db().url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Scalar(conn(),
                   "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                   "'\"User\"'::regclass AND attname = 'id'"),
            "bigint");
  EXPECT_EQ(
      Scalar(conn(), "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"),
      "0");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM \"Post\" p JOIN \"User\" u ON u.\"id\" = "
                   "p.\"authorId\""),
            "6000");
  // The contract waits for the rollout: the old columns are still there.
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM pg_attribute WHERE attrelid = "
                   "'\"User\"'::regclass AND attname = 'id_old'"),
            "1");
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

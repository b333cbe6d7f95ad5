// The type change rewritten as expand/contract (src/fix/steps/type_change.cc) on a real server:
// under a live writer every write succeeds, rows written during the expand get the new column
// from the trigger, the swap reads no row of the table, and every value survives it (PostgreSQL
// 16 with the CHECK route, 18 with its NOT NULL … NOT VALID); through lockstep deploy, a USING
// that fails on some row stops the backfill naming that row and why, with nothing swapped. An
// integer primary key with the foreign keys to it (key_type_change.cc) likewise, under writers to
// every table, and ending as Prisma's original under both deployers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "deploy/helpers.h"
#include "fix/diff.h"
#include "fix/golden.h"
#include "fix/server.h"
#include "fix/writers.h"
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

  // The old application: inserts and updates, each keeping "totalPoints" = 3 * id.
  Writers writer(database.conninfo(), {[](db::Connection& c, int k) {
                   return Try(c, k % 2 ? "INSERT INTO \"Member\" (\"id\", \"totalPoints\", "
                                         "\"name\") SELECT n, 3 * n, 'w' FROM (SELECT "
                                         "nextval(pg_get_serial_sequence('\"Member\"', 'id')) "
                                         "AS n) s"
                                       : "UPDATE \"Member\" SET \"totalPoints\" = 3 * id, "
                                         "\"name\" = \"name\" || '.' WHERE id = " +
                                             std::to_string(1 + (k * 7919) % 20000));
                 }});
  writer.Wait(20);
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
    writer.Wait(20);
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
  writer.Wait(20);
  writer.Stop();
  EXPECT_EQ(writer.failure(), "") << "after " << applied.size() << " migrations";
  EXPECT_GT(writer.done(0), 100);

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

// On the major whose pg_dump the machine has (the schemas are compared).
class KeyConversionServerTest : public testing::PgTest {
 protected:
  int major() const override { return kFixPgMajor; }
};

// BEGIN, each statement, COMMIT: "" or the failure (the caller rolls back).
std::string Transaction(db::Connection& c, const std::vector<std::string>& statements) {
  if (std::string err = Try(c, "BEGIN"); !err.empty()) return err;
  for (const std::string& s : statements)
    if (std::string err = Try(c, s); !err.empty()) return err;
  return Try(c, "COMMIT");
}

// The key case's rows: 5000 users, 20000 posts whose "authorId" = "editorId" and whose "title"
// is 'p' || "authorId", 5000 comments.
constexpr const char* kKeyCaseRows =
    "INSERT INTO \"User\" (\"email\") SELECT 'u' || g FROM generate_series(1, 5000) g; "
    "INSERT INTO \"Post\" (\"title\", \"authorId\", \"editorId\") SELECT 'p' || (1 + g % 5000), "
    "1 + g % 5000, 1 + g % 5000 FROM generate_series(1, 20000) g; "
    "INSERT INTO \"Comment\" (\"body\", \"userId\") SELECT 'c', 1 + g % 5000 FROM "
    "generate_series(1, 5000) g";

// The key case's history before the target, and its rows.
void LoadKeyCase(db::Connection& c, const Fixed& fixed) {
  for (size_t i = 0; i < fixed.input.target; ++i)
    ASSERT_EQ(ApplyWhole(c, fixed.input.migrations[i].sql), "");
  ASSERT_EQ(ApplyWhole(c, kKeyCaseRows), "");
}

// Issue 13 item 2's classic case: "User"."id" (serial, primary key) and the columns referencing
// it converted to bigint by lockstep deploy under four writers: single statements on every
// table, a nested create (a user then their post, one transaction: the key's table first), a
// transaction that updates a post then a user (the other order), one that inserts a post and a
// comment. No write fails, PostgreSQL counts no deadlock (the expand locks one table per
// transaction, the swap the key's table first under a lock_timeout below deadlock_timeout), and
// every row keeps its key and references; the contract then leaves nothing behind.
TEST_F(KeyConversionServerTest, AKeyAndItsForeignKeysConvertUnderWritesToEveryTable) {
  Result<Fixed> fixed = RunFix(Case("type_change_primary_key"), {});
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  ASSERT_EQ(fixed->plan.contract.size(), 2u);  // "User", then "Post"
  deploy_test::TempDir tmp;
  const fs::path dir = fs::path(tmp.path()) / "migrations";
  deploy_test::WriteFile(dir / fixed->input.migrations[0].name / "migration.sql",
                         fixed->input.migrations[0].sql);
  deploy_test::RunResult r =
      deploy_test::RunLockstep({"deploy", dir.string(), "--database", db().url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  ASSERT_EQ(ApplyWhole(conn(), kKeyCaseRows), "");
  const std::string deadlocks =
      "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()";
  const std::string deadlocks_before = Scalar(conn(), deadlocks);

  const auto user = [](int k) { return std::to_string(1 + (int64_t{k} * 7919) % 5000); };
  const auto post = [](int k) { return std::to_string(1 + (int64_t{k} * 104729) % 20000); };
  const auto insert_post = [](const std::string& author) {
    return "INSERT INTO \"Post\" (\"title\", \"authorId\", \"editorId\") VALUES ('p" + author +
           "', " + author + ", " + author + ")";
  };
  Writers writers(
      db().conninfo(),
      {
          // Single statements, one table each (the foreign keys' checks read "User").
          [&](db::Connection& c, int k) {
            switch (k % 4) {
              case 0:
                return Try(
                    c, "INSERT INTO \"User\" (\"email\") VALUES ('s" + std::to_string(k) + "')");
              case 1:
                return Try(c, insert_post(user(k)));
              case 2:
                return Try(c,
                           "UPDATE \"Post\" SET \"title\" = 'p' || \"authorId\" WHERE \"id\" = " +
                               post(k));
              default:
                return Try(c, "INSERT INTO \"Comment\" (\"body\", \"userId\") VALUES ('s', " +
                                  user(k) + ")");
            }
          },
          // Prisma's nested create: the user, then their post, in one transaction.
          [&](db::Connection& c, int k) {
            std::string id;
            if (std::string err = Try(c, "BEGIN"); !err.empty()) return err;
            if (std::string err = Try(c,
                                      "INSERT INTO \"User\" (\"email\") VALUES ('n" +
                                          std::to_string(k) + "') RETURNING \"id\"",
                                      &id);
                !err.empty())
              return err;
            if (std::string err = Try(c, insert_post(id)); !err.empty()) return err;
            return Try(c, "COMMIT");
          },
          // A post, then a user: the referencing table first, without a foreign key check.
          [&](db::Connection& c, int k) {
            return Transaction(
                c, {"UPDATE \"Post\" SET \"title\" = 'p' || \"authorId\" WHERE \"id\" = " + post(k),
                    "UPDATE \"User\" SET \"email\" = \"email\" WHERE \"id\" = " + user(k)});
          },
          // Two referencing tables in one transaction.
          [&](db::Connection& c, int k) {
            return Transaction(c, {insert_post(user(k)),
                                   "INSERT INTO \"Comment\" (\"body\", \"userId\") VALUES ('t', " +
                                       user(k + 1) + ")"});
          },
      });
  writers.Wait(20);
  ASSERT_TRUE(fix::WriteFiles(dir, fixed->files).ok());
  // The swap gives up whenever a writer's transaction would close a lock cycle with it, and each
  // lock wait is bounded by lock_timeout: on a loaded machine (writers slowed by other work) it
  // may take more than the default 30 attempts; how many does not matter here, what the writers
  // see does.
  r = deploy_test::RunLockstep({"deploy", dir.string(), "--database", db().url(), "--max-attempts",
                                "1000", "--max-retry-delay", "1s"});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  writers.Wait(20);
  // The expand phase is over: the new application runs; then the contract phase, table by table.
  for (const fix::NewMigration& m : fixed->plan.contract) {
    ASSERT_EQ(ApplyWhole(conn(), m.sql), "") << m.slug;
    writers.Wait(10);
  }
  writers.Stop();
  EXPECT_EQ(writers.failure(), "");
  for (size_t w = 0; w < 4; ++w) EXPECT_GT(writers.done(w), 40) << "writer " << w;
  // Sessions report their counts as they end: the writers' have.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(Scalar(conn(), deadlocks), deadlocks_before);

  EXPECT_EQ(Scalar(conn(),
                   "SELECT string_agg(attrelid::regclass || '.' || attname || ' ' || "
                   "format_type(atttypid, atttypmod) || ' ' || attnotnull, ', ' ORDER BY "
                   "attrelid::regclass::text, attname) FROM pg_attribute WHERE attrelid IN "
                   "('\"User\"'::regclass, '\"Post\"'::regclass, '\"Comment\"'::regclass) AND "
                   "attname IN ('id', 'authorId', 'editorId', 'userId') AND NOT attisdropped"),
            "\"Comment\".id integer true, \"Comment\".userId integer false, "
            "\"Post\".authorId bigint true, \"Post\".editorId bigint false, "
            "\"Post\".id integer true, \"User\".id bigint true");
  // The key and the foreign keys on the new columns, valid, their actions as written.
  EXPECT_EQ(Scalar(conn(),
                   "SELECT string_agg(conname || ' ' || convalidated || ' ' || "
                   "pg_get_constraintdef(oid), ', ' ORDER BY conname) FROM pg_constraint WHERE "
                   "contype IN ('p', 'f') AND conrelid IN ('\"User\"'::regclass, "
                   "'\"Post\"'::regclass, '\"Comment\"'::regclass)"),
            "Comment_pkey true PRIMARY KEY (id), Comment_userId_fkey true FOREIGN KEY "
            "(\"userId\") REFERENCES \"User\"(id) ON UPDATE CASCADE ON DELETE SET NULL, "
            "Post_authorId_fkey true FOREIGN KEY (\"authorId\") REFERENCES \"User\"(id) ON "
            "UPDATE CASCADE ON DELETE RESTRICT, Post_editorId_fkey true FOREIGN KEY "
            "(\"editorId\") REFERENCES \"User\"(id) ON UPDATE CASCADE ON DELETE SET NULL, "
            "Post_pkey true PRIMARY KEY (id), User_pkey true PRIMARY KEY (id)");
  EXPECT_EQ(Scalar(conn(), "SELECT pg_get_serial_sequence('\"User\"', 'id')"),
            "public.\"User_id_seq\"");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT format_type(seqtypid, NULL) FROM pg_sequence WHERE seqrelid = "
                   "'\"User_id_seq\"'::regclass"),
            "bigint");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM \"Post\" WHERE \"title\" <> 'p' || \"authorId\" OR "
                   "\"editorId\" <> \"authorId\""),
            "0");
  for (const char* orphans :
       {"SELECT count(*) FROM \"Post\" p LEFT JOIN \"User\" u ON u.\"id\" = p.\"authorId\" "
        "WHERE u.\"id\" IS NULL",
        "SELECT count(*) FROM \"Post\" p LEFT JOIN \"User\" u ON u.\"id\" = p.\"editorId\" "
        "WHERE p.\"editorId\" IS NOT NULL AND u.\"id\" IS NULL",
        "SELECT count(*) FROM \"Comment\" c LEFT JOIN \"User\" u ON u.\"id\" = c.\"userId\" "
        "WHERE c.\"userId\" IS NOT NULL AND u.\"id\" IS NULL"})
    EXPECT_EQ(Scalar(conn(), orphans), "0") << orphans;
  EXPECT_GT(std::stoi(Scalar(conn(), "SELECT count(*) FROM \"Post\"")), 20000);
  // After the contract: no trigger, function or column of the conversion is left.
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "0");
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM pg_proc WHERE proname LIKE '%_to_new'"), "0");
  EXPECT_EQ(Scalar(conn(),
                   "SELECT count(*) FROM pg_attribute WHERE attrelid IN ('\"User\"'::regclass, "
                   "'\"Post\"'::regclass) AND (attname LIKE '%_old' OR attname LIKE '%_new') AND "
                   "NOT attisdropped"),
            "0");
  // The key still comes from its sequence, now past 2^31 - 1.
  EXPECT_EQ(Scalar(conn(),
                   "SELECT setval('\"User_id_seq\"', 3000000000); INSERT INTO \"User\" "
                   "(\"email\") VALUES ('last') RETURNING \"id\""),
            "3000000001");
}

// The same folders applied as `prisma migrate deploy` applies them (each file in one
// transaction, the backfills as one UPDATE each, the contract after) and through lockstep deploy
// give the schema and rows of Prisma's original migration, with the sequence made bigint
// (AMEND_ORIGINAL.sql of the golden case: the one difference fix makes on purpose).
TEST_F(KeyConversionServerTest, AKeyConversionEndsAsPrismasOriginalUnderBothDeployers) {
  const fs::path golden = SourceDir() / "tests/fix/golden/type_change_primary_key";
  Result<Fixed> fixed = RunFix(Case("type_change_primary_key"), {});
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();

  auto original = testing::TestDatabase::Create(kFixPgMajor, "pk_original");
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  LoadKeyCase((*original)->conn(), *fixed);
  ASSERT_EQ(ApplyWhole((*original)->conn(), fixed->input.migrations[fixed->input.target].sql), "");
  ASSERT_EQ(ApplyWhole((*original)->conn(), deploy_test::ReadFile(golden / "AMEND_ORIGINAL.sql")),
            "");
  const std::string want = WithoutColumnOrder(SchemaDump(**original));
  const std::string want_data = TableData((*original)->conn());

  // As prisma migrate deploy: each folder one simple query, in one transaction.
  LoadKeyCase(conn(), *fixed);
  for (const fix::OutputFile& f : fixed->files)
    if (!f.held) {
      ASSERT_EQ(ApplyWhole(conn(), f.after), "") << f.relative;
    }
  for (const fix::NewMigration& m : fixed->plan.contract)
    ASSERT_EQ(ApplyWhole(conn(), m.sql), "") << m.slug;
  EXPECT_EQ(WithoutColumnOrder(SchemaDump(db())), want)
      << fix::UnifiedDiff("schema.sql", want, WithoutColumnOrder(SchemaDump(db())));
  EXPECT_EQ(TableData(conn()), want_data);

  // Through lockstep deploy: the backfills batched, the swap retried on a lock timeout.
  auto deployed = testing::TestDatabase::Create(kFixPgMajor, "pk_lockstep");
  ASSERT_TRUE(deployed.ok()) << deployed.status().ToString();
  deploy_test::TempDir tmp;
  const fs::path dir = fs::path(tmp.path()) / "migrations";
  deploy_test::WriteFile(dir / fixed->input.migrations[0].name / "migration.sql",
                         fixed->input.migrations[0].sql);
  deploy_test::RunResult r =
      deploy_test::RunLockstep({"deploy", dir.string(), "--database", (*deployed)->url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  ASSERT_EQ(ApplyWhole((*deployed)->conn(), kKeyCaseRows), "");
  ASSERT_TRUE(fix::WriteFiles(dir, fixed->files).ok());
  r = deploy_test::RunLockstep({"deploy", dir.string(), "--database", (*deployed)->url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  // The contract waits for the rollout: the old columns are still there.
  EXPECT_EQ(Scalar((*deployed)->conn(),
                   "SELECT count(*) FROM pg_attribute WHERE attrelid = "
                   "'\"User\"'::regclass AND attname = 'id_old'"),
            "1");
  for (const fix::NewMigration& m : fixed->plan.contract)
    ASSERT_EQ(ApplyWhole((*deployed)->conn(), m.sql), "") << m.slug;
  // Deploy's own bookkeeping is not the application's schema.
  ASSERT_EQ(ApplyWhole((*deployed)->conn(),
                       "DROP TABLE \"_prisma_migrations\"; DROP TABLE IF EXISTS "
                       "\"_lockstep_progress\""),
            "");
  const std::string got = WithoutColumnOrder(SchemaDump(**deployed));
  EXPECT_EQ(got, want) << fix::UnifiedDiff("schema.sql", want, got);
  EXPECT_EQ(TableData((*deployed)->conn()), want_data);
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

// What the planner refuses or leaves alone, and the command's exit codes, on small histories.
#include "fix/planner.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "fix/golden.h"
#include "fix/server.h"

namespace lockstep::fixtest {
namespace {

const char* kHistory =
    "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT, \"age\" INTEGER);\n";

fix::Plan PlanOf(const std::string& target, fix::Options o = {}) {
  Result<fix::Plan> p = fix::PlanFixOf({{"0_init", "0_init/migration.sql", kHistory},
                                        {"1_change", "1_change/migration.sql", target}},
                                       o);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(*p) : fix::Plan{};
}

TEST(PlannerTest, WhatCannotBeMadeSafeIsLeftUnchangedAndExplained) {
  for (const char* sql : {
           "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NULL;",
           "ALTER TABLE \"User\" ALTER COLUMN \"age\" TYPE BIGINT;",
           "ALTER TABLE \"User\" RENAME COLUMN \"email\" TO \"mail\";",
           "ALTER TABLE \"User\" RENAME TO \"Person\";",
           "ALTER TABLE \"User\" ADD COLUMN \"token\" UUID DEFAULT gen_random_uuid();",
       }) {
    const fix::Plan p = PlanOf(sql);
    EXPECT_EQ(p.rewritten, p.original) << sql;
    EXPECT_TRUE(p.after.empty()) << sql;
    ASSERT_EQ(p.unsafe.size(), 1u) << sql;
    EXPECT_FALSE(p.unsafe[0].steps.empty()) << sql;
  }
}

TEST(PlannerTest, OlderServersGetNoRewriteTheyCannotRun) {
  fix::Options pg11;
  pg11.pg_version = 11;
  const fix::Plan p = PlanOf("ALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;", pg11);
  EXPECT_EQ(p.rewritten, p.original);
  EXPECT_EQ(p.unsafe.size(), 1u);
  const fix::Plan p15 = PlanOf("ALTER TABLE \"User\" ALTER COLUMN \"email\" SET NOT NULL;");
  EXPECT_NE(p15.rewritten, p15.original);
  EXPECT_TRUE(p15.unsafe.empty());
}

TEST(PlannerTest, MinimalLeavesNewTablesAloneAndSaysWhy) {
  const std::string sql =
      "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"userId\" INTEGER);\n"
      "CREATE INDEX \"Post_userId_idx\" ON \"Post\"(\"userId\");\n"
      "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_userId_fkey\" FOREIGN KEY (\"userId\") "
      "REFERENCES \"User\"(\"id\");\n";
  fix::Options minimal;
  minimal.minimal = true;
  const fix::Plan m = PlanOf(sql, minimal);
  EXPECT_FALSE(m.changed());
  EXPECT_EQ(m.left_alone.size(), 2u);
  const fix::Plan seed = PlanOf(sql);
  EXPECT_EQ(seed.after.size(), 2u);  // validation, then the index
}

TEST(PlannerTest, AnIndexALaterStatementUsesIsNotMoved) {
  const fix::Plan p = PlanOf(
      "CREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n"
      "ALTER INDEX \"User_email_idx\" RENAME TO \"User_mail_idx\";\n");
  EXPECT_EQ(p.rewritten, p.original);
  EXPECT_EQ(p.unsafe.size(), 1u);
}

TEST(PlannerTest, SyntaxErrorsPointAtTheFile) {
  Result<fix::Plan> p = fix::PlanFixOf({{"1_bad", "1_bad/migration.sql", "CREATE TABEL x ();"}});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().where(), "1_bad/migration.sql:1:8");
}

int RunFixCommand(const std::string& args, std::string* out) {
  const std::string cmd = std::string(LOCKSTEP_BIN) + " fix " + args + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return -1;
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) *out += buf;
  const int status = pclose(f);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FixCommandTest, UnsafeExitsThreeAndWritesNothingUnlessAllowed) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  fs::create_directories(dir / "0_init");
  fs::create_directories(dir / "20240101000000_change");
  std::ofstream(dir / "0_init" / "migration.sql") << kHistory;
  const std::string change =
      "CREATE INDEX \"User_age_idx\" ON \"User\"(\"age\");\n"
      "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NULL;\n";
  std::ofstream(dir / "20240101000000_change" / "migration.sql") << change;
  std::string out;
  EXPECT_EQ(RunFixCommand((dir / "20240101000000_change").string(), &out), 3) << out;
  EXPECT_NE(out.find("NOT NULL without a DEFAULT"), std::string::npos) << out;
  EXPECT_EQ(ReadAll(dir / "20240101000000_change" / "migration.sql"), change);
  EXPECT_FALSE(fs::exists(dir / "20240101000001_idx_user_age"));
  out.clear();
  EXPECT_EQ(RunFixCommand((dir / "20240101000000_change").string() + " --allow-unsafe", &out), 0) << out;
  EXPECT_EQ(ReadAll(dir / "20240101000000_change" / "migration.sql"),
            "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT NOT NULL;\n");
  EXPECT_EQ(ReadAll(dir / "20240101000001_idx_user_age" / "migration.sql"),
            "CREATE INDEX CONCURRENTLY \"User_age_idx\" ON \"User\"(\"age\");\n");
  out.clear();
  EXPECT_EQ(RunFixCommand(dir.string() + " --dry-run", &out), 0) << out;  // the last one: nothing to do
  EXPECT_NE(out.find("nothing to change"), std::string::npos) << out;
}

TEST(FixCommandTest, RefusesAMigrationAlreadyAppliedInTheDatabase) {
  auto db = testing::TestDatabase::Create(kFixPgMajor, "fix_applied");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(
      (*db)
          ->conn()
          .Exec("CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum "
                "VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) "
                "NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT "
                "NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)")
          .ok());
  const std::string seed = (SourceDir() / "examples/community/prisma/migrations").string();
  std::string out;
  EXPECT_EQ(RunFixCommand(seed + " --dry-run --database '" + (*db)->url() + "'", &out), 0) << out;
  ASSERT_TRUE(
      (*db)
          ->conn()
          .Exec("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name) "
                "VALUES ('1', 'x', now(), '20260123015816_add_v2_tables')")
          .ok());
  out.clear();
  EXPECT_EQ(RunFixCommand(seed + " --dry-run --database '" + (*db)->url() + "'", &out), 2) << out;
  EXPECT_NE(out.find("already applied"), std::string::npos) << out;
  EXPECT_EQ(out.find((*db)->server().password()), std::string::npos) << "password printed";
}

}  // namespace
}  // namespace lockstep::fixtest

// Deploy never refuses SQL that the target server may accept: a migration lockstep's grammar
// rejects is sent whole, with a warning, when the server is of a newer major than that grammar
// (its syntax may be valid there); when the server is not newer, the grammar is the server's and
// the syntax error is refused up front as before (bad_input_test.cc). Real PostgreSQL 16, in
// process, with Options::grammar_major standing for an older grammar: no real SQL is valid on a
// server yet rejected by its own grammar, so the statement sent here fails on the server, which
// shows that it was sent.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "base/status.h"
#include "deploy/output.h"
#include "deploy/plan.h"
#include "deploy/runner.h"
#include "support/pg_server.h"

namespace lockstep::deploy {
namespace {

struct Outcome {
  StatusCode code = StatusCode::kOk;
  std::string out;
};

Outcome DeployOne(testing::TestDatabase& db, const std::string& sql, int grammar_major) {
  migrations::Migration m;
  m.name = "20260101000000_newer_syntax";
  m.sql_path = "migrations/20260101000000_newer_syntax/migration.sql";
  m.sql = sql;
  Options options;
  options.grammar_major = grammar_major;
  options.use_advisory_lock = false;
  std::vector<MigrationPlan> plans = {PlanMigration(m, options)};
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  Printer printer(mem, mem, false);
  Outcome o;
  o.code = Deploy(plans, TargetFor(db.socket_conninfo()), options, printer);
  std::fclose(mem);
  o.out.assign(buf, len);
  std::free(buf);
  return o;
}

TEST(UnanalysedMigration, SentWithAWarningWhenTheServerIsNewerThanTheGrammar) {
  Result<std::unique_ptr<testing::TestDatabase>> db = testing::TestDatabase::Create(16, "unanal");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const std::string sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int) WITH OIDZ;\n";
  // Grammar 16, server 16: the grammar is the server's, so the error is refused, nothing sent.
  Outcome same = DeployOne(**db, sql, 16);
  EXPECT_EQ(same.code, StatusCode::kInvalidInput) << same.out;
  EXPECT_NE(same.out.find("nothing was applied"), std::string::npos) << same.out;
  EXPECT_EQ(same.out.find("could not analyse"), std::string::npos) << same.out;
  // Grammar 15, server 16: sent whole, with the warning; the server's own error comes back.
  Outcome newer = DeployOne(**db, sql, 15);
  EXPECT_NE(newer.out.find("migration.sql:2:"), std::string::npos) << newer.out;
  EXPECT_NE(newer.out.find("warning: lockstep could not analyse this migration (it parses "
                           "PostgreSQL 15's grammar; the server is 16)"),
            std::string::npos)
      << newer.out;
  EXPECT_EQ(newer.code, StatusCode::kMigrationFailed) << newer.out;  // recorded failed, as Prisma
  // One transaction: the server rejected the file, so not even table a exists.
  db::DbResult<db::Rows> a = (*db)->conn().Exec("SELECT to_regclass('a') IS NULL");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->rows.at(0).at(0).value_or(""), "t");
}

}  // namespace
}  // namespace lockstep::deploy

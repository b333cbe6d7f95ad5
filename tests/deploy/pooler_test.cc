// schema.prisma's directUrl, used as Prisma uses it (deploy, status, resolve, lint and fix find
// their database through it), and connection poolers: behind Debian's real pgbouncer in
// transaction mode the advisory lock and session SETs do not hold, so deploy and resolve refuse
// with one line naming directUrl; session mode is fine.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"
#include "support/pgbouncer.h"

namespace lockstep::deploy_test {
namespace {

class PoolerTest : public testing::PgMajorTest {
 protected:
  void SetUp() override {
    PgMajorTest::SetUp();
    if (HasFatalFailure()) return;
    Result<std::unique_ptr<testing::PgBouncer>> b =
        testing::PgBouncer::Start(server(), "transaction");
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    pooler_ = std::move(b).value();
    CopyMigrations(SeedDir(), tmp_.path() / "prisma/migrations", {"0_init"});
  }
  void WriteSchema(bool direct_url) {
    WriteFile(tmp_.path() / "prisma/schema.prisma",
              std::string("// the application connects through pgbouncer\n"
                          "datasource db {\n"
                          "  provider  = \"postgresql\"\n"
                          "  url       = env(\"DATABASE_URL\")\n") +
                  (direct_url ? "  directUrl = env(\"DIRECT_URL\") // migrations\n" : "") +
                  "}\n\ngenerator client {\n  provider = \"prisma-client-js\"\n}\n");
  }
  RunResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env) {
    RunResult r = RunLockstep(args, env, tmp_.path().string());
    EXPECT_EQ(r.all().find(server().password()), std::string::npos) << "password printed";
    return r;
  }
  int Rows() {
    if (!TableExists(conn(), "_prisma_migrations")) return 0;
    return std::atoi(Scalar(conn(), "SELECT count(*) FROM _prisma_migrations").c_str());
  }
  static size_t Lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }
  TempDir tmp_;
  std::unique_ptr<testing::PgBouncer> pooler_;
};

TEST_P(PoolerTest, DeployStatusAndResolveMigrateThroughDirectUrl) {
  WriteSchema(true);
  const std::map<std::string, std::string> env = {{"DATABASE_URL", pooler_->url(db().name())},
                                                  {"DIRECT_URL", db().url()}};
  RunResult deploy = Run({"deploy"}, env);
  ASSERT_EQ(deploy.exit_code, 0) << deploy.all();
  EXPECT_NE(deploy.out.find("DIRECT_URL (directUrl of "), std::string::npos) << deploy.out;
  EXPECT_EQ(Rows(), 1);
  RunResult status = Run({"status"}, env);
  EXPECT_EQ(status.exit_code, 0) << status.all();
  WriteFile(tmp_.path() / "prisma/migrations/1_more/migration.sql",
            "CREATE TABLE more (id int);\n");
  RunResult resolve = Run({"resolve", "--applied", "1_more"}, env);
  EXPECT_EQ(resolve.exit_code, 0) << resolve.all();
  EXPECT_EQ(Rows(), 2);
}

TEST_P(PoolerTest, ATransactionModePoolerIsRefusedWithOneLineNamingDirectUrl) {
  WriteSchema(false);
  const std::map<std::string, std::string> env = {{"DATABASE_URL", pooler_->url(db().name())}};
  RunResult deploy = Run({"deploy"}, env);
  EXPECT_EQ(deploy.exit_code, exit_code::kUsage) << deploy.all();
  EXPECT_NE(deploy.err.find("directUrl"), std::string::npos) << deploy.err;
  EXPECT_NE(deploy.err.find("pooler in transaction mode"), std::string::npos) << deploy.err;
  EXPECT_EQ(Lines(deploy.err), 1u) << deploy.err;
  EXPECT_EQ(Rows(), 0);
  WriteFile(tmp_.path() / "prisma/migrations/1_more/migration.sql",
            "CREATE TABLE more (id int);\n");
  RunResult resolve = Run({"resolve", "--applied", "1_more"}, env);
  EXPECT_EQ(resolve.exit_code, exit_code::kUsage) << resolve.all();
  EXPECT_NE(resolve.err.find("directUrl"), std::string::npos) << resolve.err;
  EXPECT_EQ(Rows(), 0);
  // A directUrl that is itself the pooler is refused the same way.
  WriteSchema(true);
  RunResult direct =
      Run({"deploy"}, {{"DATABASE_URL", db().url()}, {"DIRECT_URL", pooler_->url(db().name())}});
  EXPECT_EQ(direct.exit_code, exit_code::kUsage) << direct.all();
  EXPECT_NE(direct.err.find("directUrl"), std::string::npos) << direct.err;
}

TEST_P(PoolerTest, ASessionModePoolerKeepsSessionStateAndIsAccepted) {
  Result<std::unique_ptr<testing::PgBouncer>> session =
      testing::PgBouncer::Start(server(), "session");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  WriteSchema(false);
  RunResult deploy = Run({"deploy"}, {{"DATABASE_URL", (*session)->url(db().name())}});
  ASSERT_EQ(deploy.exit_code, 0) << deploy.all();
  EXPECT_EQ(Rows(), 1);
}

TEST_P(PoolerTest, MissingDirectUrlVariableIsAnErrorThatNamesIt) {
  WriteSchema(true);
  RunResult deploy = Run({"deploy"}, {{"DATABASE_URL", db().url()}});
  EXPECT_EQ(deploy.exit_code, exit_code::kUsage) << deploy.all();
  EXPECT_NE(deploy.err.find("DIRECT_URL is not set"), std::string::npos) << deploy.err;
  EXPECT_EQ(Rows(), 0);
}

// lint and fix read _prisma_migrations through directUrl too: with DATABASE_URL unreachable they
// still find what is applied.
TEST_P(PoolerTest, LintAndFixReadTheDatabaseThroughDirectUrl) {
  WriteSchema(true);
  ASSERT_EQ(Run({"deploy", "--database", db().url()}, {}).exit_code, 0);
  const std::map<std::string, std::string> env = {
      {"DATABASE_URL", "postgresql://nobody@127.0.0.1:1/unreachable?connect_timeout=2"},
      {"DIRECT_URL", db().url()}};
  RunResult lint = Run({"lint", "prisma/migrations"}, env);
  EXPECT_NE(lint.exit_code, exit_code::kDatabase) << lint.all();
  EXPECT_EQ(lint.all().find("cannot read applied migrations"), std::string::npos) << lint.all();
  RunResult fix = Run({"fix", "prisma/migrations/0_init", "--dry-run"}, env);
  EXPECT_EQ(fix.exit_code, exit_code::kUsage) << fix.all();
  EXPECT_NE(fix.err.find("is already applied"), std::string::npos) << fix.all();
}

LOCKSTEP_PG_MAJORS(PoolerTest, testing::kDefaultPgMajor);

}  // namespace
}  // namespace lockstep::deploy_test

// Migrations too big for the server, against a real PostgreSQL through the built CLI. A migration
// runs in one transaction (as with Prisma), and PostgreSQL keeps a lock until the end of the
// transaction on every object it drops: `ALTER TABLE … ALTER COLUMN … SET DEFAULT` drops the old
// default, so thousands of them in one file fill the server's shared lock table
// (max_locks_per_transaction × (max_connections + max_prepared_transactions)) and the server
// answers "out of shared memory". The bench's 20k SET DEFAULT statements did so on a default
// server; here a server with a small lock table shows it with a few thousand.
#include <gtest/gtest.h>

#include <regex>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

class LockTableTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db::ServerOptions options;
    options.major = testing::kDefaultPgMajor;
    options.settings = {{"max_connections", "10"}, {"max_locks_per_transaction", "10"}};
    Result<std::unique_ptr<db::EmbeddedServer>> s = db::EmbeddedServer::Start(options);
    if (s.ok())
      server_ = std::move(s).value().release();
    else
      start_error_ = new std::string(s.status().ToString());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr) << *start_error_;
    ASSERT_TRUE(server_->CreateDatabase("app").ok());
    db::DbResult<db::Connection> c = db::Connect(server_->socket_conninfo("app"));
    ASSERT_TRUE(c.ok()) << c.error().OneLine();
    conn_.emplace(std::move(*c));
  }
  void TearDown() override {
    conn_.reset();
    server_->DropDatabase("app");
  }

  // 50 tables, then `n` SET DEFAULT statements over them: each drops a default (one lock).
  static void WriteSetDefaults(const fs::path& dir, int n) {
    std::string tables, defaults;
    for (int t = 0; t < 50; ++t)
      tables += "CREATE TABLE \"T" + std::to_string(t) + "\" (\"id\" int, \"a\" int);\n";
    for (int i = 0; i < n; ++i)
      defaults += "ALTER TABLE \"T" + std::to_string(i % 50) +
                  "\" ALTER COLUMN \"a\" SET DEFAULT " + std::to_string(i) + ";\n";
    WriteFile(dir / "migration_lock.toml", "provider = \"postgresql\"\n");
    WriteFile(dir / "1_tables/migration.sql", tables);
    WriteFile(dir / "2_defaults/migration.sql", defaults);
  }

  static db::EmbeddedServer* server_;
  static std::string* start_error_;
  std::optional<db::Connection> conn_;
};

db::EmbeddedServer* LockTableTest::server_ = nullptr;
std::string* LockTableTest::start_error_ = nullptr;

// The failure is the server's capacity, not the migration's: nothing of the transaction was
// applied and the same file succeeds on a server with a bigger lock table, so it is not recorded
// as failed (which would block every later deploy until `resolve`), and the message says which
// setting ran out, by how much, and what to do.
TEST_F(LockTableTest, AFullLockTableIsExplainedAndNotRecordedAsAFailedMigration) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteSetDefaults(dir, 3000);
  RunResult r = RunLockstep({"deploy", dir.string(), "--database", server_->url("app")});
  EXPECT_EQ(r.exit_code, exit_code::kDatabase) << r.all();
  EXPECT_EQ(r.all().find(server_->password()), std::string::npos) << "password printed";
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex("2_defaults/migration\\.sql:[0-9]+:1: error: out of shared memory")))
      << r.err;
  // The server's lock table: 10 × (10 + autovacuum, background and WAL sender slots).
  EXPECT_NE(r.err.find("max_locks_per_transaction (10)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("max_connections (10)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("of 3000 in its transaction"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing is recorded as failed"), std::string::npos) << r.err;
  EXPECT_EQ(Scalar(*conn_, "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL"),
            "0");
  EXPECT_EQ(Scalar(*conn_, "SELECT string_agg(migration_name, ',') FROM _prisma_migrations"),
            "1_tables");
  EXPECT_EQ(Scalar(*conn_, "SELECT count(*) FROM pg_attrdef WHERE adrelid = '\"T0\"'::regclass"),
            "0");  // rolled back

  // Within the lock table, the same deployer applies it.
  TempDir small;
  WriteSetDefaults(small.path() / "migrations", 100);
  RunResult ok = RunLockstep(
      {"deploy", (small.path() / "migrations").string(), "--database", server_->url("app")});
  EXPECT_EQ(ok.exit_code, 0) << ok.all();
}

}  // namespace
}  // namespace lockstep::deploy_test

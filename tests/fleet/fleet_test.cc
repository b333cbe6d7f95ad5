// Fleet deploys (issue 15): one history, many tenant schemas on two real servers. Every target
// gets the whole deploy; a broken tenant fails alone with --on-error continue and is named; a
// fleet deploy killed with -9 is finished by running it again, each migration once per tenant.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "fleet/targets.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;

std::string WithSchema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema;
}

TEST(FleetFile, CommentsBlankLinesAndLabelsWithoutCredentials) {
  Result<std::vector<fleet::FleetTarget>> t =
      fleet::ParseFleet("fleet.txt",
                        "# tenants of region A\n\n"
                        "postgresql://app:s3cret@db1:5432/app?schema=t1   # the first\n"
                        "  postgres://app:s3cret@db1:5432/app?schema=t2\n"
                        "postgresql://app@db2/other\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].line, 3);
  EXPECT_EQ((*t)[0].label, "db1:5432/app?schema=t1");
  EXPECT_EQ((*t)[1].conn.schema, "t2");
  EXPECT_EQ((*t)[2].line, 5);
  for (const fleet::FleetTarget& x : *t) EXPECT_EQ(x.label.find("s3cret"), std::string::npos);
}

TEST(FleetFile, MalformedLineIsNamedByItsNumber) {
  Result<std::vector<fleet::FleetTarget>> t =
      fleet::ParseFleet("fleet.txt", "postgresql://a:pw@h/db?schema=t1\n\nmysql://a:pw@h/db\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("fleet.txt:3: not a PostgreSQL URL"), std::string::npos)
      << t.status().message();
  EXPECT_EQ(t.status().message().find("pw"), std::string::npos) << t.status().message();
  Result<std::vector<fleet::FleetTarget>> words =
      fleet::ParseFleet("f", "postgresql://h/db postgresql://h/db2\n");
  ASSERT_FALSE(words.ok());
  EXPECT_NE(words.status().message().find("f:1: one URL per line"), std::string::npos);
  EXPECT_FALSE(fleet::ParseFleet("f", "# only a comment\n\n").ok());
}

TEST(FleetFile, DuplicateTargetsAreRefused) {
  // The same tenant twice (public is the default schema), even spelt differently.
  Result<std::vector<fleet::FleetTarget>> t =
      fleet::ParseFleet("fleet.txt",
                        "postgresql://a@h:5432/db\npostgresql://a@h:5432/db?schema=t\n"
                        "postgresql://b:other@h:5432/db?schema=public\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("fleet.txt:line 3: h:5432/db?schema=public is already the "
                                      "target of line 1"),
            std::string::npos)
      << t.status().message();
}

TEST(FleetQuery, SchemaNamesBecomeTargetsOfTheTenantsDatabase) {
  db::DbResult<db::ConnInfo> base = db::ParseUrl("postgresql://app:pw@h:5432/app");
  ASSERT_TRUE(base.ok());
  Result<std::vector<fleet::FleetTarget>> t =
      fleet::TargetsFromValues({"tenant_1", "postgresql://x@other/db2", "tenant_2"}, *base);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)[0].label, "h:5432/app?schema=tenant_1");
  EXPECT_EQ((*t)[1].label, "other:5432/db2");  // libpq's default port, spelt out
  EXPECT_FALSE(fleet::TargetsFromValues({"tenant_1", "tenant_1"}, *base).ok());
  EXPECT_FALSE(fleet::TargetsFromValues({}, *base).ok());
}

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The first server (the default major) holds 50 tenants, a second server (Debian's 15)
    // another 10 in a database of its own.
    Result<std::unique_ptr<testing::TestDatabase>> a =
        testing::TestDatabase::Create(testing::kDefaultPgMajor, "fleet_a");
    ASSERT_TRUE(a.ok()) << a.status().message();
    a_ = std::move(a).value();
    Result<std::unique_ptr<testing::TestDatabase>> b = testing::TestDatabase::Create(15, "fleet_b");
    ASSERT_TRUE(b.ok()) << b.status().message();
    b_ = std::move(b).value();
    for (int i = 0; i < 50; ++i) tenants_.push_back({a_.get(), "tenant_a" + std::to_string(i)});
    for (int i = 0; i < 10; ++i) tenants_.push_back({b_.get(), "tenant_b" + std::to_string(i)});
  }

  struct Tenant {
    testing::TestDatabase* db;
    std::string schema;
  };

  void WriteFleet(const fs::path& file, const std::vector<std::string>& extra = {}) {
    std::string text = "# the test fleet\n";
    for (const Tenant& t : tenants_) text += WithSchema(t.db->url(), t.schema) + "\n";
    for (const std::string& e : extra) text += e + "\n";
    WriteFile(file, text);
  }

  // Finished rows of each migration in one tenant's _prisma_migrations ("" when none).
  std::string Ledger(const Tenant& t) {
    if (Scalar(t.db->conn(), "SELECT to_regclass('\"" + t.schema +
                                 "\"._prisma_migrations') IS "
                                 "NULL") == "t")
      return "";
    return Scalar(t.db->conn(),
                  "SELECT coalesce(string_agg(migration_name || ':' || n, ',' ORDER "
                  "BY migration_name), '') FROM (SELECT migration_name, count(*) n "
                  "FROM \"" +
                      t.schema +
                      "\"._prisma_migrations WHERE finished_at IS NOT NULL GROUP "
                      "BY 1) s");
  }

  std::unique_ptr<testing::TestDatabase> a_, b_;
  std::vector<Tenant> tenants_;
  TempDir tmp_;
};

TEST_F(FleetTest, BrokenTenantFailsAloneAndKilledFleetResumes) {
  const fs::path dir = tmp_.path() / "migrations";
  const fs::path file = tmp_.path() / "fleet.txt";
  WriteFleet(file);
  WriteFile(dir / "1_init/migration.sql",
            "CREATE TABLE \"Item\" (id serial PRIMARY KEY, name text NOT NULL);\n");
  RunResult first = RunLockstep({"deploy", dir.string(), "--fleet", file.string()});
  ASSERT_EQ(first.exit_code, 0) << first.all();
  EXPECT_NE(first.out.find("fleet: 60 succeeded, 0 failed, 0 not started; 60 migrations applied"),
            std::string::npos)
      << first.out;
  for (const Tenant& t : tenants_) ASSERT_EQ(Ledger(t), "1_init:1") << t.schema;

  // tenant_a7 gets a table the next migration creates: its deploy fails there, like Prisma's.
  const Tenant& broken = tenants_[7];
  ASSERT_EQ(Scalar(broken.db->conn(), "CREATE TABLE \"" + broken.schema + "\".\"Tag\" (x int)"),
            "");
  WriteFile(dir / "2_tags/migration.sql",
            "CREATE TABLE \"Tag\" (id serial PRIMARY KEY, label text NOT NULL);\n"
            "INSERT INTO \"Tag\" (label) SELECT 'tag' || g FROM generate_series(1, 2000) g;\n");
  WriteFile(dir / "3_index/migration.sql",
            "CREATE INDEX CONCURRENTLY \"Tag_label_idx\" ON \"Tag\" (label);\n");
  WriteFile(dir / "4_column/migration.sql", "ALTER TABLE \"Item\" ADD COLUMN note text;\n");

  // Killed with -9 part-way: some tenants done, maybe one in the middle of a migration.
  Child child({"deploy", dir.string(), "--fleet", file.string(), "--on-error", "continue",
               "--parallel", "2"});
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  int done = 0;
  while (Clock::now() < deadline && child.Running()) {
    done = std::atoi(Scalar(a_->conn(),
                            "SELECT count(*) FROM pg_namespace n WHERE nspname LIKE 'tenant_a%' "
                            "AND to_regclass(quote_ident(nspname) || '.\"Tag_label_idx\"') IS NOT "
                            "NULL")
                         .c_str());
    if (done >= 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(child.Running()) << "the fleet ended before it could be killed: "
                               << child.Wait().all();
  child.Kill(SIGKILL);
  RunResult killed = child.Wait(std::chrono::seconds(30));
  EXPECT_EQ(killed.signal, SIGKILL) << killed.all();
  EXPECT_GE(done, 10);
  int untouched = 0;
  for (const Tenant& t : tenants_) untouched += Ledger(t) == "1_init:1";
  EXPECT_GT(untouched, 0) << "the kill came after the whole fleet was done";

  // Run again: everything healthy finishes, the broken tenant is the one failure, named.
  RunResult rerun = RunLockstep({"deploy", dir.string(), "--fleet", file.string(), "--on-error",
                                 "continue", "--format", "json"});
  EXPECT_EQ(rerun.exit_code, exit_code::kFleetFailed) << rerun.all();
  const std::string broken_label = "/" + a_->name() + "?schema=" + broken.schema;
  EXPECT_NE(rerun.err.find("fleet: 59 succeeded, 1 failed, 0 not started"), std::string::npos)
      << rerun.err;
  EXPECT_NE(rerun.err.find("fleet: failed: "), std::string::npos) << rerun.err;
  EXPECT_NE(rerun.err.find(broken_label), std::string::npos) << rerun.err;
  const nlohmann::json doc = nlohmann::json::parse(rerun.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << rerun.out;
  ASSERT_EQ(doc["targets"].size(), 60u);
  int failed = 0;
  for (const nlohmann::json& t : doc["targets"]) {
    if (t["result"] != "ok") {
      ++failed;
      EXPECT_NE(t["target"].get<std::string>().find(broken_label), std::string::npos) << t.dump();
      EXPECT_NE(t["exit_code"], 0);
    }
  }
  EXPECT_EQ(failed, 1);
  // Exactly once per healthy tenant, across the kill and the re-run.
  for (const Tenant& t : tenants_) {
    if (t.schema == broken.schema) continue;
    EXPECT_EQ(Ledger(t), "1_init:1,2_tags:1,3_index:1,4_column:1") << t.schema;
    EXPECT_EQ(Scalar(t.db->conn(), "SELECT count(*) FROM \"" + t.schema + "\".\"Tag\""), "2000")
        << t.schema;
  }
  EXPECT_EQ(Ledger(broken), "1_init:1");
  EXPECT_EQ(Scalar(a_->conn(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid"), "0");
  EXPECT_EQ(Scalar(b_->conn(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid"), "0");
  for (const std::string& s : {rerun.out, rerun.err, killed.out, killed.err})
    EXPECT_EQ(s.find(":postgres@"), std::string::npos) << "a URL with its user was printed";

  // status --fleet: the broken tenant is the one not up to date.
  RunResult status = RunLockstep({"status", dir.string(), "--fleet", file.string()});
  EXPECT_EQ(status.exit_code, exit_code::kFindings) << status.all();
  EXPECT_NE(status.out.find("fleet status: 60 targets: 59 up to date, 0 behind, 1 failed"),
            std::string::npos)
      << status.out;
}

TEST_F(FleetTest, StopCanaryUnreachableAndDuplicates) {
  const fs::path dir = tmp_.path() / "migrations";
  WriteFile(dir / "1_init/migration.sql", "CREATE TABLE \"Item\" (id serial PRIMARY KEY);\n");
  tenants_.resize(6);
  // The third target is unreachable (nothing listens on port 1) and its password must not leak.
  const fs::path file = tmp_.path() / "fleet.txt";
  std::string text;
  for (size_t i = 0; i < tenants_.size(); ++i) {
    if (i == 2) text += "postgresql://app:leaky-secret@127.0.0.1:1/nope?connect_timeout=2\n";
    text += WithSchema(tenants_[i].db->url(), tenants_[i].schema) + "\n";
  }
  WriteFile(file, text);

  // --canary 3 with the unreachable target among the canaries: nothing after them starts.
  RunResult canary = RunLockstep({"deploy", dir.string(), "--fleet", file.string(), "--canary", "3",
                                  "--on-error", "continue"});
  EXPECT_EQ(canary.exit_code, exit_code::kFleetFailed) << canary.all();
  EXPECT_NE(canary.out.find("fleet: 2 succeeded, 1 failed, 4 not started"), std::string::npos)
      << canary.out;
  EXPECT_EQ(canary.all().find("leaky-secret"), std::string::npos) << canary.all();
  EXPECT_EQ(Ledger(tenants_[3]), "");

  // --on-error stop (the default), one at a time: the targets after the failure do not start.
  RunResult stop =
      RunLockstep({"deploy", dir.string(), "--fleet", file.string(), "--parallel", "1"});
  EXPECT_EQ(stop.exit_code, exit_code::kFleetFailed) << stop.all();
  EXPECT_NE(stop.out.find("fleet: 2 succeeded, 1 failed, 4 not started"), std::string::npos)
      << stop.out;

  // continue: the rest go on past the unreachable one.
  RunResult go_on =
      RunLockstep({"deploy", dir.string(), "--fleet", file.string(), "--on-error", "continue"});
  EXPECT_EQ(go_on.exit_code, exit_code::kFleetFailed) << go_on.all();
  EXPECT_NE(go_on.out.find("fleet: 6 succeeded, 1 failed, 0 not started"), std::string::npos)
      << go_on.out;
  for (const Tenant& t : tenants_) EXPECT_EQ(Ledger(t), "1_init:1") << t.schema;

  // A duplicate target refuses the whole fleet before anything runs.
  WriteFile(dir / "2_more/migration.sql", "CREATE TABLE \"More\" (id int);\n");
  const fs::path dup = tmp_.path() / "dup.txt";
  WriteFile(dup, WithSchema(tenants_[0].db->url(), tenants_[0].schema) + "\n" +
                     WithSchema(tenants_[1].db->url(), tenants_[1].schema) + "\n" +
                     WithSchema(tenants_[0].db->url(), tenants_[0].schema) + "\n");
  RunResult refused = RunLockstep({"deploy", dir.string(), "--fleet", dup.string()});
  EXPECT_EQ(refused.exit_code, exit_code::kUsage) << refused.all();
  EXPECT_NE(refused.err.find("line 3"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("already the target of line 1"), std::string::npos) << refused.err;
  EXPECT_EQ(Ledger(tenants_[1]), "1_init:1") << "a refused fleet touched a target";
}

// Tenant schemas of one database share Prisma's migration lock (one per database). The fleet
// holds it once for all of them, so a tenant stuck behind a long lock wait does not hold up the
// others (before, they waited for its lock and gave up after --lock-wait), and other deployers
// are still kept out while the fleet runs.
TEST_F(FleetTest, SchemasOfOneDatabaseDeployAtOnceUnderOneMigrationLock) {
  const fs::path dir = tmp_.path() / "migrations";
  const fs::path file = tmp_.path() / "fleet.txt";
  tenants_.resize(4);
  WriteFleet(file);
  WriteFile(dir / "1_init/migration.sql", "CREATE TABLE \"Item\" (id serial PRIMARY KEY);\n");
  RunResult init = RunLockstep({"deploy", dir.string(), "--fleet", file.string()});
  ASSERT_EQ(init.exit_code, 0) << init.all();
  WriteFile(dir / "2_note/migration.sql", "ALTER TABLE \"Item\" ADD COLUMN note text;\n");

  // A report on tenant_a0 keeps its ALTER TABLE retrying for a few seconds.
  db::DbResult<db::Connection> report = a_->Connect();
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->Exec("BEGIN").ok());
  ASSERT_TRUE(report->Exec("LOCK TABLE tenant_a0.\"Item\" IN ACCESS SHARE MODE").ok());
  Child child({"deploy", dir.string(), "--fleet", file.string(), "--parallel", "4", "--lock-wait",
               "1s", "--retry-deadline", "60s"});
  // The other three finish while tenant_a0 still waits; one session holds the migration lock.
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  int others = 0;
  std::string holders;
  while (Clock::now() < deadline && child.Running() && others < 3) {
    others = 0;
    for (int i = 1; i < 4; ++i) others += Ledger(tenants_[i]) == "1_init:1,2_note:1";
    holders = Scalar(a_->conn(),
                     "SELECT string_agg(a.application_name, ',') FROM pg_locks l JOIN "
                     "pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted "
                     "AND l.objid = 72707369 AND l.database = (SELECT oid FROM pg_database WHERE "
                     "datname = current_database())");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(others, 3) << "the other tenants waited for tenant_a0";
  EXPECT_EQ(holders, "lockstep fleet");
  EXPECT_EQ(Ledger(tenants_[0]), "1_init:1") << "tenant_a0 finished although its table was locked";
  // Another deployer of that database is kept out while the fleet runs.
  RunResult other = RunLockstep({"deploy", dir.string(), "--database",
                                 WithSchema(a_->url(), "tenant_other"), "--lock-wait", "500ms"});
  EXPECT_EQ(other.exit_code, exit_code::kLockHeld) << other.all();
  ASSERT_TRUE(report->Exec("COMMIT").ok());
  RunResult r = child.Wait(std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("fleet: 4 succeeded, 0 failed, 0 not started"), std::string::npos) << r.out;
  EXPECT_EQ(Ledger(tenants_[0]), "1_init:1,2_note:1");
  // The lock went with the fleet.
  EXPECT_EQ(Scalar(a_->conn(),
                   "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                   "objid = 72707369"),
            "0");
}

TEST_F(FleetTest, TargetsFromATenantsQuery) {
  const fs::path dir = tmp_.path() / "migrations";
  WriteFile(dir / "1_init/migration.sql", "CREATE TABLE \"Item\" (id serial PRIMARY KEY);\n");
  ASSERT_EQ(Scalar(a_->conn(), "CREATE TABLE tenants (schema_name text, active bool)"), "");
  ASSERT_EQ(Scalar(a_->conn(),
                   "INSERT INTO tenants VALUES ('acme', true), ('globex', true), "
                   "('gone', false)"),
            "");
  RunResult r = RunLockstep({"deploy", dir.string(), "--fleet-query",
                             "SELECT schema_name FROM tenants WHERE active ORDER BY 1",
                             "--database", a_->url()});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("fleet: 2 succeeded, 0 failed, 0 not started"), std::string::npos) << r.out;
  EXPECT_EQ(Ledger({a_.get(), "acme"}), "1_init:1");
  EXPECT_EQ(Ledger({a_.get(), "globex"}), "1_init:1");
  EXPECT_EQ(Scalar(a_->conn(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'gone'"), "0");
  // The query runs read-only: it cannot be used to change the tenants database.
  RunResult write =
      RunLockstep({"status", dir.string(), "--fleet-query",
                   "DELETE FROM tenants RETURNING schema_name", "--database", a_->url()});
  EXPECT_NE(write.exit_code, 0) << write.all();
  EXPECT_NE(write.err.find("read-only transaction"), std::string::npos) << write.err;
  EXPECT_EQ(Scalar(a_->conn(), "SELECT count(*) FROM tenants"), "3");
}

}  // namespace
}  // namespace lockstep::deploy_test

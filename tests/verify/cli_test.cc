// lockstep verify end to end, at a small size: the real binary, a real server, the lock-queue
// fixture (ADD COLUMN while a report holds a read lock), asserting the JSON report's structure
// and that the naive run shows the stall the lockstep run avoids.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/pg_server.h"

namespace lockstep {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliRun Lockstep(const std::string& args) {
  const fs::path err = fs::temp_directory_path() / ("verify-cli-" + std::to_string(::getpid()));
  const std::string cmd = std::string(LOCKSTEP_BIN) + " " + args + " 2>" + err.string();
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  fs::remove(err);
  return r;
}

std::string Fixture() {
  return std::string(LOCKSTEP_SOURCE_DIR) + "/tests/verify/fixtures/lock_queue";
}

class VerifyCliTest : public testing::PgTest {};

TEST_F(VerifyCliTest, NaiveRunStallsBehindTheReportAndLockstepDoesNot) {
  const fs::path chart =
      fs::temp_directory_path() / ("verify-" + std::to_string(::getpid()) + ".svg");
  // --database: verify creates its own databases on the test server, next to this (empty) one.
  const CliRun r = Lockstep("verify " + Fixture() + " --database '" + db().url() +
                            "' --rows 3000 --clients 4 --duration 2 --long-transaction 3 "
                            "--format json --quiet --chart " +
                            chart.string());
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);

  EXPECT_EQ(j["pending"], nlohmann::json::array({"20260201000000_add_member_bio"}));
  EXPECT_EQ(j["history"], nlohmann::json::array({"0_init"}));
  EXPECT_EQ(j["settings"]["long_transaction_table"], "public.Member");
  ASSERT_EQ(j["tables"].size(), 1u);
  EXPECT_EQ(j["tables"][0]["rows"], 3000);
  for (const char* name : {"baseline", "naive", "lockstep"}) {
    SCOPED_TRACE(name);
    const nlohmann::json& run = j["runs"][name];
    EXPECT_GT(run["requests"].get<int64_t>(), 100);
    EXPECT_EQ(run["failed"], 0);
    for (const char* p : {"p50", "p99", "max"}) EXPECT_TRUE(run["latency_ms"][p].is_number());
    ASSERT_EQ(run["tables"].size(), 1u);
    const nlohmann::json& member = run["tables"][0];
    EXPECT_EQ(member["name"], "public.Member");
    EXPECT_GT(member["reads"].get<int64_t>(), 0);
    EXPECT_GT(member["writes"].get<int64_t>(), 0);
    for (const char* k : {"max_stall_ms", "blocked_writes_ms", "blocked_reads_ms"})
      EXPECT_TRUE(member[k].is_number()) << k;
  }
  EXPECT_TRUE(j["runs"]["baseline"]["migration"].is_null());
  for (const char* name : {"naive", "lockstep"}) {
    SCOPED_TRACE(name);
    const nlohmann::json& m = j["runs"][name]["migration"];
    EXPECT_TRUE(m["ok"].get<bool>()) << m["error"];
    EXPECT_GT(m["wall_ms"].get<double>(), 0);
    ASSERT_FALSE(m["statements"].empty());
    EXPECT_NE(m["statements"][0]["sql"].get<std::string>().find("ADD COLUMN \"bio\""),
              std::string::npos);
    EXPECT_TRUE(j["runs"][name]["long_transaction"].is_object());
  }

  // The report holds its read lock for 3 s and the migration asks for its lock 0.5 s in: the
  // naive ALTER waits in the queue and every request to Member waits behind it.
  const nlohmann::json& naive = j["runs"]["naive"]["tables"][0];
  EXPECT_GT(naive["max_stall_ms"].get<double>(), 1500);
  EXPECT_GT(naive["blocked_writes_ms"].get<double>(), 1500);
  EXPECT_GT(naive["blocked_reads_ms"].get<double>(), 1500);
  EXPECT_FALSE(j["runs"]["naive"]["migration"]["lock_waits"].empty());
  // lockstep gives up each attempt after the lock timeout (100 ms) and retries: nobody waits long.
  const nlohmann::json& ls = j["runs"]["lockstep"]["tables"][0];
  EXPECT_LT(ls["max_stall_ms"].get<double>(), 1000);
  EXPECT_GT(j["runs"]["lockstep"]["migration"]["statements"].size(), 1u);  // retried
  const nlohmann::json& s = j["summary"];
  EXPECT_TRUE(s["lockstep_within_budget"].get<bool>()) << s.dump();
  EXPECT_GT(s["stall_ratio"].get<double>(), 5);
  EXPECT_TRUE(s["schemas_match"].get<bool>()) << j["schema_differences"].dump();

  std::ifstream svg(chart);
  std::stringstream text;
  text << svg.rdbuf();
  EXPECT_EQ(text.str().rfind("<svg", 0), 0u);
  EXPECT_NE(text.str().find("ADD COLUMN"), std::string::npos);
  fs::remove(chart);

  // verify dropped the databases it created.
  auto left =
      conn().Exec("SELECT count(*) FROM pg_database WHERE datname LIKE 'lockstep_verify_%'");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->rows[0][0], "0");
}

TEST_F(VerifyCliTest, RefusesADatabaseWithUserTables) {
  ASSERT_TRUE(conn().Exec("CREATE TABLE orders (id int PRIMARY KEY)").ok());
  const CliRun r = Lockstep("verify " + Fixture() + " --database '" + db().url() + "' --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--i-know-this-is-scratch"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(db().server().password()), std::string::npos);
  auto dbs = conn().Exec("SELECT count(*) FROM pg_database WHERE datname LIKE 'lockstep_verify_%'");
  ASSERT_TRUE(dbs.ok());
  EXPECT_EQ(dbs->rows[0][0], "0");
}

TEST(VerifyCliUsageTest, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(Lockstep("verify --rows 0").exit_code, 2);
  EXPECT_EQ(Lockstep("verify --format xml").exit_code, 2);
  EXPECT_EQ(Lockstep("verify --pending 2 --from x").exit_code, 2);
  const CliRun missing = Lockstep("verify /nonexistent/migrations --quiet");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/migrations"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace lockstep

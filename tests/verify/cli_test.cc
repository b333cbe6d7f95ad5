// lockstep verify end to end, at a small size: the real binary, a real server, the lock-queue
// fixture (ADD COLUMN while a report holds a read lock), asserting the JSON report's structure
// and that the naive run shows the stall the lockstep run avoids.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/printable.h"
#include "base/quote.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
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

// issue 14.1: each statement a run applies carries src/stats' estimate, read on the run's own
// database just before it, next to what the run measured. A plain CREATE INDEX on 200k rows has a
// cost both can see; the ratio is only checked for sanity (a busy 2-core machine), but a missing
// or zero estimate fails.
TEST_F(VerifyCliTest, PrintsEstimateAgainstObservedPerStatement) {
  const std::string fixture =
      std::string(LOCKSTEP_SOURCE_DIR) + "/tests/verify/fixtures/index_build";
  const CliRun r = Lockstep("verify " + fixture + " --database '" + db().url() +
                            "' --rows 200000 --clients 2 --rate 20 --duration 1 --format json "
                            "--quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const nlohmann::json& naive = j["runs"]["naive"]["migration"]["per_statement"];
  ASSERT_EQ(naive.size(), 1u) << naive.dump();
  const nlohmann::json& build = naive[0];
  EXPECT_EQ(build["migration"], "20260301000000_index_member_name");
  EXPECT_EQ(build["line"], 2);
  EXPECT_NE(build["statement"].get<std::string>().find("CREATE INDEX"), std::string::npos);
  ASSERT_TRUE(build["estimate"].is_object()) << build.dump();
  const double estimate_ms = build["estimate"]["seconds"].get<double>() * 1000;
  ASSERT_GT(estimate_ms, 0) << build.dump();
  // A plain build blocks writes for all of its duration.
  EXPECT_DOUBLE_EQ(build["estimate"]["blocking_seconds"].get<double>() * 1000, estimate_ms);
  ASSERT_TRUE(build["observed_ms"].is_number()) << build.dump() << j["notes"].dump();
  const double observed_ms = build["observed_ms"].get<double>();
  ASSERT_GT(observed_ms, 0);
  EXPECT_GT(estimate_ms / observed_ms, 0.1) << estimate_ms << " ms estimated, " << observed_ms;
  EXPECT_LT(estimate_ms / observed_ms, 10.0) << estimate_ms << " ms estimated, " << observed_ms;
  EXPECT_TRUE(build["max_stall_ms"].is_number());

  // lockstep's run builds the same index CONCURRENTLY: an estimate that blocks nothing.
  const nlohmann::json& ls = j["runs"]["lockstep"]["migration"]["per_statement"];
  bool concurrent = false;
  for (const nlohmann::json& c : ls) {
    if (c["statement"].get<std::string>().find("CONCURRENTLY") == std::string::npos) continue;
    concurrent = true;
    ASSERT_TRUE(c["estimate"].is_object()) << c.dump();
    EXPECT_GT(c["estimate"]["seconds"].get<double>(), 0) << c.dump();
    EXPECT_EQ(c["estimate"]["blocking_seconds"].get<double>(), 0) << c.dump();
  }
  EXPECT_TRUE(concurrent) << ls.dump();
}

// issue 13: the workload is the application of before the pending migrations, and it keeps
// writing the old name through lockstep's whole expand phase (a synced column, a view under the
// old table name): none of its requests may fail there, while the naive rename breaks its writes.
// Then the contract phase fix held back is released and deployed, and the end state must equal
// the naive one: no leftover column, trigger, function or view. The renamed column is nullable
// in the fixture: a workload that took the rename for a drop would leave it out of its inserts
// and updates, and nothing it sends would fail under the naive rename either.
TEST_F(VerifyCliTest, OldApplicationKeepsWritingTheOldNameAndTheContractLeavesNothingBehind) {
  for (const char* fixture : {"rename_column", "rename_table"}) {
    SCOPED_TRACE(fixture);
    const CliRun r = Lockstep("verify " + std::string(LOCKSTEP_SOURCE_DIR) +
                              "/tests/verify/fixtures/" + fixture + " --database '" + db().url() +
                              "' --rows 2000 --clients 3 --rate 50 --duration 1 --format json "
                              "--quiet");
    ASSERT_FALSE(r.out.empty()) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    const nlohmann::json& s = j["summary"];
    for (const char* k :
         {"naive_failed_requests", "lockstep_failed_requests", "lockstep_contract_ok"})
      ASSERT_TRUE(s.contains(k)) << k << " " << s.dump();
    ASSERT_TRUE(j.contains("contract")) << j.dump();
    // 1 only when the stalls went over budget, which a loaded machine can cause: the rest is
    // checked field by field below.
    EXPECT_TRUE(r.exit_code == 0 || !s["lockstep_within_budget"].get<bool>())
        << r.err << s.dump() << j["runs"]["lockstep"]["errors"].dump() << j["contract"].dump()
        << j["schema_differences"].dump();
    EXPECT_TRUE(s["naive_migration_ok"].get<bool>());
    EXPECT_TRUE(s["lockstep_migration_ok"].get<bool>());
    // The old application's inserts name every column by its old name, on the old table.
    EXPECT_GT(s["naive_failed_requests"].get<int64_t>(), 0) << s.dump();
    EXPECT_EQ(s["lockstep_failed_requests"], 0) << j["runs"]["lockstep"]["errors"].dump();
    EXPECT_EQ(j["runs"]["lockstep"]["failed"], 0);
    EXPECT_FALSE(j["contract"]["migrations"].empty()) << j["contract"].dump();
    EXPECT_TRUE(j["contract"]["ok"].get<bool>()) << j["contract"].dump();
    EXPECT_TRUE(s["lockstep_contract_ok"].get<bool>());
    EXPECT_TRUE(s["schemas_match"].get<bool>()) << j["schema_differences"].dump();
    ASSERT_TRUE(s.contains("values_match")) << s.dump();
    EXPECT_TRUE(s["values_match"].get<bool>()) << j["value_differences"].dump();
    EXPECT_GE(s["rows_compared"].get<int64_t>(), 2000);
  }
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

// The contents of a /proc file, or what was read of it before an error.
std::string ReadProcFile(const fs::path& path) {
  std::string out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

// The command lines of this user's processes running `<LOCKSTEP_BIN> deploy …` (arguments
// joined by spaces).
std::vector<std::string> DeployCommandLines() {
  std::vector<std::string> out;
  std::error_code ec;
  // increment(ec), not a range-for: processes come and go while /proc is read, and the range-for's
  // throwing ++ then ended the whole test binary (std::terminate, the verify thread still running).
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& e = *it;
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    // read(2), not an ifstream: a process that exits between the open and the read fails the
    // read with ESRCH, which libstdc++'s filebuf throws ("basic_filebuf::underflow error reading
    // the file: No such process"); such a process is simply skipped.
    std::string raw = ReadProcFile(e.path() / "cmdline");
    std::vector<std::string> args;
    for (size_t pos = 0; pos < raw.size();) {
      const size_t end = raw.find('\0', pos);
      args.push_back(raw.substr(pos, end - pos));
      if (end == std::string::npos) break;
      pos = end + 1;
    }
    if (args.size() < 2 || args[0] != LOCKSTEP_BIN || args[1] != "deploy") continue;
    std::string line;
    for (const std::string& a : args) line += a + " ";
    out.push_back(line);
  }
  return out;
}

// issue 17.10: verify ran `lockstep deploy … --database postgresql://user:password@…`, readable
// by every local user in /proc/<pid>/cmdline; the child takes DATABASE_URL from its environment.
TEST_F(VerifyCliTest, NoCredentialOnAChildsCommandLine) {
  // DATABASE_URL rather than --database, so that no command line of the test holds it either.
  ::setenv("LOCKSTEP_TEST_VERIFY_URL", db().url().c_str(), 1);
  CliRun r;
  std::atomic<bool> done{false};
  // A jthread joins when the poll loop below throws: a std::thread would be destroyed joinable
  // and std::terminate ("terminate called without an active exception") would end the whole
  // test binary instead of failing this test.
  std::jthread run([&] {
    r = Lockstep("verify " + Fixture() +
                 " --database \"$LOCKSTEP_TEST_VERIFY_URL\" --rows 300 "
                 "--clients 1 --duration 1 --long-transaction 1 --quiet --format json");
    done = true;
  });
  std::set<std::string> seen;
  while (!done) {
    for (std::string& line : DeployCommandLines()) seen.insert(std::move(line));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  run.join();
  ::unsetenv("LOCKSTEP_TEST_VERIFY_URL");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(seen.empty()) << "never saw the lockstep deploy child";
  for (const std::string& line : seen) {
    // The line is shown with its URL password masked: a failing test prints no credential either.
    EXPECT_EQ(line.find(db().server().password()), std::string::npos) << MaskUrlPasswords(line);
    EXPECT_EQ(line.find("postgresql://"), std::string::npos) << MaskUrlPasswords(line);
  }
}

// issue 17.11: the guard looked only at the named database; verify creates databases and runs a
// workload next to it, so any user table anywhere on the server refuses the run.
TEST_F(VerifyCliTest, RefusesAServerWhoseOtherDatabasesHoldUserTables) {
  const std::string other = "verify_other_" + std::to_string(::getpid());
  ASSERT_TRUE(conn().Exec("CREATE DATABASE " + other).ok());
  {
    db::ConnInfo info = db().socket_conninfo();
    info.dbname = other;
    db::DbResult<db::Connection> c = db::Connect(info);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->Exec("CREATE TABLE customers (id int PRIMARY KEY)").ok());
  }
  const CliRun r = Lockstep("verify " + Fixture() + " --database '" + db().url() + "' --quiet");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(other), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--i-know-this-is-scratch"), std::string::npos) << r.err;
  auto dbs = conn().Exec("SELECT count(*) FROM pg_database WHERE datname LIKE 'lockstep_verify_%'");
  ASSERT_TRUE(dbs.ok());
  EXPECT_EQ(dbs->rows[0][0], "0");
  EXPECT_TRUE(conn().Exec("DROP DATABASE " + other + " WITH (FORCE)").ok());
}

// The verify databases on the test server, by name.
std::vector<std::string> VerifyDatabases(db::Connection& conn) {
  std::vector<std::string> out;
  auto rows = conn.Exec(
      "SELECT datname FROM pg_database WHERE datname LIKE 'lockstep\\_verify\\_%' ORDER BY datname "
      "COLLATE \"C\"");
  if (!rows.ok()) return {"error: " + rows.status().ToString()};
  for (const auto& r : rows->rows) out.push_back(r[0].value_or(""));
  return out;
}

std::vector<fs::path> WorkDirsOf(pid_t pid) {
  std::vector<fs::path> out;
  const std::string prefix = "lockstep-verify-" + std::to_string(pid) + "-";
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  return out;
}

// issue 17.8: an interrupted `verify --database` left its three filled databases on the user's
// server and its work directory; it now removes them before it exits (code 14).
TEST_F(VerifyCliTest, InterruptDropsItsDatabasesAndWorkDirectory) {
  const fs::path err = fs::temp_directory_path() / ("verify-int-" + std::to_string(::getpid()));
  const std::string url = db().url();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    const std::string fixture = Fixture();
    ::execl(LOCKSTEP_BIN, LOCKSTEP_BIN, "verify", fixture.c_str(), "--database", url.c_str(),
            "--rows", "3000", "--clients", "2", "--duration", "30", nullptr);
    ::_exit(127);
  }
  // Wait until the baseline runs on the copies: all three databases exist.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string last = "lockstep_verify_" + std::to_string(child) + "_lockstep";
  bool created = false;
  while (!created && std::chrono::steady_clock::now() < deadline) {
    for (const std::string& name : VerifyDatabases(conn())) created |= name == last;
    if (!created) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(WorkDirsOf(child).empty());
  ::kill(child, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  std::ifstream e(err);
  std::stringstream text;
  text << e.rdbuf();
  fs::remove(err);
  ASSERT_TRUE(created) << text.str();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 14) << status << text.str();
  EXPECT_NE(text.str().find("interrupted by SIGINT"), std::string::npos) << text.str();
  EXPECT_EQ(VerifyDatabases(conn()), std::vector<std::string>{}) << text.str();
  EXPECT_EQ(WorkDirsOf(child), std::vector<fs::path>{}) << text.str();
}

// issue 17.8: a later verify removes what a killed one left behind (its pid no longer runs), and
// says so; it leaves alone names it does not give and databases of a running process.
TEST_F(VerifyCliTest, RemovesLeftoversOfADeadVerifyOnly) {
  // A pid that ran and is gone: a child that has exited and been waited for.
  const pid_t dead = ::fork();
  ASSERT_GE(dead, 0);
  if (dead == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
  const std::string leftover = "lockstep_verify_" + std::to_string(dead) + "_base";
  const std::string live = "lockstep_verify_" + std::to_string(::getpid()) + "_naive";
  const std::string other = "lockstep_verify_" + std::to_string(dead) + "_mine";
  for (const std::string& name : {leftover, live, other})
    ASSERT_TRUE(conn().Exec("CREATE DATABASE " + QuoteIdent(name)).ok());
  const fs::path dir =
      fs::temp_directory_path() / ("lockstep-verify-" + std::to_string(dead) + "-AbC123");
  fs::create_directories(dir / "migrations");

  const CliRun r = Lockstep("verify " + Fixture() + " --database '" + db().url() +
                            "' --rows 300 --clients 1 --duration 0.5");
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  EXPECT_NE(r.err.find("removed database " + leftover), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("removed database " + leftover), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("removed " + dir.string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir));
  std::vector<std::string> kept{other, live};
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(VerifyDatabases(conn()), kept);
  for (const std::string& name : {live, other})
    EXPECT_TRUE(conn().Exec("DROP DATABASE " + QuoteIdent(name)).ok());
}

// issue 14.3: `verify --replica URL` runs the reads on a real hot standby too and reports its
// stalls and replay lag for every run.
class VerifyReplicaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<testing::PrimaryStandby> pair = testing::SharedPrimaryStandby();
    ASSERT_TRUE(pair.ok()) << pair.status().message();
    pair_ = *pair;
    Result<std::unique_ptr<testing::TestDatabase>> db = testing::TestDatabase::CreateOn(
        pair_.primary, ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
  }
  testing::PrimaryStandby pair_;
  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(VerifyReplicaCliTest, ReportsTheStandbysStallsAndReplayLagForEveryRun) {
  const CliRun r =
      Lockstep("verify " + Fixture() + " --database '" + db_->url() +
               "' --i-know-this-is-scratch --replica '" + pair_.standby->url("postgres") +
               "' --pg-version 15 --rows 2000 --clients 3 --rate 50 --duration 1 "
               "--format json --quiet");
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err << r.out;
  EXPECT_EQ(r.out.find(pair_.standby->password()), std::string::npos);
  EXPECT_EQ(r.err.find(pair_.standby->password()), std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["settings"]["replica"].is_string());
  for (const char* name : {"baseline", "naive", "lockstep"}) {
    SCOPED_TRACE(name);
    const nlohmann::json& sb = j["runs"][name]["standby"];
    ASSERT_TRUE(sb.is_object()) << j["runs"][name].dump();
    EXPECT_GT(sb["requests"].get<int64_t>(), 10);
    EXPECT_EQ(sb["failed"], 0) << sb["errors"].dump();
    EXPECT_GT(sb["max_stall_ms"].get<double>(), 0);
    EXPECT_TRUE(sb["max_replay_lag_ms"].is_number());
    ASSERT_EQ(sb["tables"].size(), 1u);
    EXPECT_GT(sb["tables"][0]["reads"].get<int64_t>(), 0);
  }
  for (const char* k : {"standby_naive_max_stall_ms", "standby_lockstep_max_stall_ms",
                        "standby_naive_max_replay_lag_ms", "standby_lockstep_max_replay_lag_ms"})
    EXPECT_TRUE(j["summary"][k].is_number()) << k;
  EXPECT_TRUE(j["runs"]["lockstep"]["migration"]["ok"].get<bool>())
      << j["runs"]["lockstep"]["migration"]["error"];
}

// A replica URL verify cannot use stops it with one line before anything runs: no database is
// created on the primary.
TEST_F(VerifyReplicaCliTest, AReplicaThatIsNotAStandbyOrUnreachableIsOneLineBeforeAnything) {
  const std::string primary_url = pair_.primary->url("postgres");
  const std::string base = "verify " + Fixture() + " --database '" + db_->url() +
                           "' --i-know-this-is-scratch --quiet --replica ";
  const CliRun not_standby = Lockstep(base + "'" + primary_url + "'");
  EXPECT_EQ(not_standby.exit_code, 2) << not_standby.err;
  EXPECT_NE(not_standby.err.find("is not a standby"), std::string::npos) << not_standby.err;
  EXPECT_EQ(std::count(not_standby.err.begin(), not_standby.err.end(), '\n'), 1) << not_standby.err;
  EXPECT_EQ(not_standby.err.find(pair_.primary->password()), std::string::npos);

  // A loopback port nobody listens on: this process's own, closed socket's.
  const CliRun unreachable =
      Lockstep(base + "'postgresql://postgres:secret@127.0.0.1:1/postgres?connect_timeout=3'");
  EXPECT_EQ(unreachable.exit_code, 4) << unreachable.err;
  EXPECT_NE(unreachable.err.find("unreachable"), std::string::npos) << unreachable.err;
  EXPECT_EQ(std::count(unreachable.err.begin(), unreachable.err.end(), '\n'), 1) << unreachable.err;
  EXPECT_EQ(unreachable.err.find("secret"), std::string::npos) << unreachable.err;

  // A standby, but of another server: the shared PostgreSQL 16 is no primary of it.
  Result<db::EmbeddedServer*> other = testing::SharedPgServer(testing::kDefaultPgMajor);
  ASSERT_TRUE(other.ok()) << other.status().message();
  const CliRun elsewhere = Lockstep(
      "verify " + Fixture() + " --database '" + (*other)->url("postgres") +
      "' --i-know-this-is-scratch --quiet --replica '" + pair_.standby->url("postgres") + "'");
  EXPECT_EQ(elsewhere.exit_code, 2) << elsewhere.err;
  EXPECT_NE(elsewhere.err.find("standby of another server"), std::string::npos) << elsewhere.err;
  EXPECT_EQ(std::count(elsewhere.err.begin(), elsewhere.err.end(), '\n'), 1) << elsewhere.err;

  const CliRun no_primary = Lockstep("verify " + Fixture() + " --quiet --replica '" +
                                     pair_.standby->url("postgres") + "'");
  EXPECT_EQ(no_primary.exit_code, 2) << no_primary.err;
  EXPECT_NE(no_primary.err.find("--database"), std::string::npos) << no_primary.err;

  EXPECT_EQ(VerifyDatabases(db_->conn()), std::vector<std::string>{});
}

// bench/standby_bench's scenario through verify, with its own embedded primary and standby: a
// long report on the standby, then ADD COLUMN. The naive ALTER commits at once on the primary,
// its replay waits for the report, and the standby's readers queue behind the replay; lockstep's
// deploy (--replica) waits for the report to end first. Margins are wide: a busy 2-core machine.
TEST(VerifyEmbeddedReplicaCliTest, NaiveStallsTheStandbyAndLockstepDoesNot) {
  const CliRun r =
      Lockstep("verify " + Fixture() + " --replica --replica-long-transaction 4 --pg-version " +
               std::to_string(testing::kStandbyPgMajor) +
               " --rows 3000 --clients 4 --rate 50 --duration 2 --format json "
               "--quiet");
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["settings"]["replica"], "embedded standby");
  const nlohmann::json& naive = j["runs"]["naive"];
  const nlohmann::json& ls = j["runs"]["lockstep"];
  ASSERT_TRUE(naive["migration"]["ok"].get<bool>()) << naive["migration"].dump();
  ASSERT_TRUE(ls["migration"]["ok"].get<bool>()) << ls["migration"].dump();
  ASSERT_TRUE(naive["standby"]["long_transaction"].is_object());
  const double naive_stall = naive["standby"]["max_stall_ms"].get<double>();
  const double ls_stall = ls["standby"]["max_stall_ms"].get<double>();
  // The report holds the replay for about 3.5 s of its 4.
  EXPECT_GT(naive_stall, 1500) << j["summary"].dump();
  EXPECT_LT(ls_stall, 1000) << j["summary"].dump();
  EXPECT_GT(naive_stall, 3 * ls_stall) << j["summary"].dump();
  EXPECT_GT(naive["standby"]["max_replay_lag_ms"].get<int64_t>(), 1000) << j["summary"].dump();
  // The primary's readers and writers never waited for the standby's report.
  EXPECT_LT(naive["max_stall_ms"].get<double>(), 1000) << j["summary"].dump();
  EXPECT_TRUE(j["summary"]["schemas_match"].get<bool>());
}

TEST(VerifyCliUsageTest, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(Lockstep("verify --rows 0").exit_code, 2);
  EXPECT_EQ(Lockstep("verify --format xml").exit_code, 2);
  EXPECT_EQ(Lockstep("verify --pending 2 --from x").exit_code, 2);
  EXPECT_EQ(Lockstep("verify --replica-long-transaction 3").exit_code, 2);
  const CliRun missing = Lockstep("verify /nonexistent/migrations --quiet");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/migrations"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace lockstep

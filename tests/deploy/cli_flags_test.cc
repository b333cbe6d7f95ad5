// The flags of deploy, status, resolve and contract, without a database: which command takes
// which flag, every bad value a usage error naming its flag (and printing no password), --help
// the command's usage, good values reaching the deploy options. Parsing ends before anything is
// loaded, so an accepted set of flags is told by the next error: the missing migrations
// directory (exit 9).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "deploy/options.h"

namespace lockstep::deploy_test {
namespace {

const std::string kSecretUrl = "postgresql://u:hunter2-secret@127.0.0.1:1/d";

class DeployCliFlags : public ::testing::Test {
 protected:
  void SetUp() override {
    missing_ = (tmp_.path() / "no-such-migrations").string();
    // Away from the working directory and the PATH, where it would be found without --config.
    config_ = (tmp_.path() / "config" / "prisma.config.ts").string();
    WriteFile(config_,
              "import { defineConfig } from 'prisma/config'\nexport default defineConfig({})\n");
  }
  // Runs in an empty working directory: no project, no .env, no default prisma/migrations.
  RunResult Run(const std::vector<std::string>& args) {
    RunResult r = RunLockstep(args, {}, tmp_.path().string());
    EXPECT_EQ(r.all().find("hunter2-secret"), std::string::npos) << Join(args) << ": " << r.all();
    return r;
  }
  // `command` on the missing directory, with what resolve needs unless `flag_args` gives it.
  std::vector<std::string> Base(const std::string& command,
                                const std::vector<std::string>& flag_args) const {
    std::vector<std::string> args = {command, missing_};
    const bool names_mode =
        !flag_args.empty() && (flag_args[0] == "--applied" || flag_args[0] == "--rolled-back");
    if (command == "resolve" && !names_mode) args.insert(args.end(), {"--applied", "x"});
    args.insert(args.end(), flag_args.begin(), flag_args.end());
    return args;
  }
  static std::string Join(const std::vector<std::string>& args) {
    std::string s;
    for (const std::string& a : args) s += (s.empty() ? "" : " ") + a;
    return s;
  }

  TempDir tmp_;
  std::string missing_;
  std::string config_;
};

struct FlagCase {
  std::vector<std::string> args;  // the flag, a good value, and what it goes with
  std::set<std::string> accepted_by;
};

TEST_F(DeployCliFlags, EachCommandTakesItsOwnFlags) {
  const std::string fleet = (tmp_.path() / "fleet.txt").string();
  const std::set<std::string> all = {"deploy", "status", "resolve"};
  const std::set<std::string> deploy = {"deploy"};
  const std::set<std::string> fleets = {"deploy", "status"};
  const std::vector<FlagCase> cases = {
      {{"--config", config_}, all},
      {{"--schema", "schema.prisma"}, all},
      {{"--database", kSecretUrl}, all},
      {{"--dry-run"}, deploy},
      {{"--lock-timeout", "2s"}, deploy},
      {{"--statement-timeout", "0"}, deploy},
      {{"--max-attempts", "3"}, deploy},
      {{"--retry-deadline", "1min"}, deploy},
      {{"--retry-delay", "20ms"}, deploy},
      {{"--max-retry-delay", "1s"}, deploy},
      {{"--lock-wait", "1s"}, {"deploy", "resolve"}},
      {{"--progress-interval", "5s"}, deploy},
      {{"--replica", kSecretUrl}, deploy},
      {{"--max-replica-lag", "2s"}, deploy},
      {{"--backfill-batch-time", "200ms"}, deploy},
      {{"--backfill-pause", "10ms"}, deploy},
      {{"--preflight", "strict"}, deploy},
      {{"--preflight-age", "1s"}, deploy},
      {{"--preflight-slot-wal", "2GB"}, deploy},
      {{"--fleet", fleet}, fleets},
      {{"--fleet-query", "SELECT 1", "--database", kSecretUrl}, fleets},
      {{"--parallel", "2"}, fleets},
      // status takes --canary too (it has no canaries: the fleet's status reads every target).
      {{"--canary", "1", "--fleet", fleet}, fleets},
      {{"--on-error", "continue"}, deploy},
      {{"--format", "json", "--fleet", fleet}, fleets},
      {{"--applied", "x"}, {"resolve"}},
      {{"--rolled-back", "x"}, {"resolve"}},
  };
  for (const FlagCase& c : cases) {
    for (const std::string& command : all) {
      const std::vector<std::string> args = Base(command, c.args);
      RunResult r = Run(args);
      EXPECT_EQ(r.exit_code,
                c.accepted_by.count(command) ? exit_code::kNotFound : exit_code::kUsage)
          << Join(args) << ": " << r.all();
    }
  }
}

TEST_F(DeployCliFlags, EveryBadValueIsAUsageErrorNamingItsFlag) {
  struct Bad {
    std::set<std::string> commands;
    std::vector<std::string> args;
  };
  const std::set<std::string> deploy = {"deploy"};
  const std::set<std::string> all = {"deploy", "status", "resolve"};
  const std::set<std::string> fleets = {"deploy", "status"};
  const std::vector<Bad> cases = {
      {all, {"--database", ""}},
      {all, {"--config", ""}},
      {all, {"--schema", ""}},
      {deploy, {"--lock-timeout", "soon"}},
      {deploy, {"--lock-timeout", "0"}},
      {deploy, {"--statement-timeout", "soon"}},
      {deploy, {"--max-attempts", "0"}},
      {deploy, {"--max-attempts", "3x"}},
      {deploy, {"--max-attempts", ""}},
      {deploy, {"--retry-deadline", "soon"}},
      {deploy, {"--retry-delay", "10 parsecs"}},
      {deploy, {"--max-retry-delay", "x"}},
      {{"deploy", "resolve"}, {"--lock-wait", "forever"}},
      {deploy, {"--progress-interval", "0"}},
      {deploy, {"--progress-interval", "often"}},
      {deploy, {"--replica", ""}},
      {deploy, {"--replica", "postgresql://u:hunter2-secret@host:notaport/db"}},
      {deploy, {"--max-replica-lag", "soon"}},
      {deploy, {"--backfill-batch-time", "0"}},
      {deploy, {"--backfill-batch-time", "x"}},
      {deploy, {"--backfill-pause", "later"}},
      {deploy, {"--preflight", "loud"}},
      {deploy, {"--preflight-age", "soon"}},
      {deploy, {"--preflight-slot-wal", "lots"}},
      {fleets, {"--fleet", ""}},
      {fleets, {"--fleet-query", ""}},
      {fleets, {"--parallel", "0"}},
      {fleets, {"--parallel", "257"}},
      {fleets, {"--parallel", "two"}},
      {fleets, {"--canary", "-1"}},
      {fleets, {"--canary", "257"}},
      {deploy, {"--on-error", "retry"}},
      {fleets, {"--format", "xml"}},
      {{"resolve"}, {"--applied", ""}},
      {{"resolve"}, {"--rolled-back", ""}},
  };
  for (const Bad& c : cases) {
    for (const std::string& command : c.commands) {
      const std::vector<std::string> args = Base(command, c.args);
      RunResult r = Run(args);
      EXPECT_EQ(r.exit_code, exit_code::kUsage) << Join(args) << ": " << r.all();
      EXPECT_NE(r.err.find(c.args[0]), std::string::npos) << Join(args) << ": " << r.err;
    }
  }
}

TEST_F(DeployCliFlags, AFlagWithoutItsValueIsAUsageErrorNamingIt) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> flags = {
      {"deploy",
       {"--database",
        "--config",
        "--schema",
        "--lock-timeout",
        "--statement-timeout",
        "--max-attempts",
        "--retry-deadline",
        "--retry-delay",
        "--max-retry-delay",
        "--lock-wait",
        "--progress-interval",
        "--replica",
        "--max-replica-lag",
        "--backfill-batch-time",
        "--backfill-pause",
        "--preflight",
        "--preflight-age",
        "--preflight-slot-wal",
        "--fleet",
        "--fleet-query",
        "--parallel",
        "--canary",
        "--on-error",
        "--format"}},
      {"status",
       {"--database", "--config", "--schema", "--fleet", "--fleet-query", "--parallel", "--canary",
        "--format"}},
      {"resolve", {"--database", "--config", "--schema", "--lock-wait", "--applied"}},
  };
  for (const auto& [command, names] : flags) {
    for (const std::string& flag : names) {
      std::vector<std::string> args = Base(command, {});
      args.push_back(flag);
      RunResult r = Run(args);
      EXPECT_EQ(r.exit_code, exit_code::kUsage) << Join(args) << ": " << r.all();
      EXPECT_NE(r.err.find(flag), std::string::npos) << Join(args) << ": " << r.err;
    }
  }
}

TEST_F(DeployCliFlags, UnknownFlagsAndExtraPathsAreUsageErrors) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"deploy", missing_, "--nope"},
           {"deploy", missing_, "other"},
           {"status", missing_, "--dry-run"},
           {"status", missing_, "other"},
           {"resolve", missing_, "--applied", "x", "other"},
           {"resolve", missing_, "--applied", "x", "--dry-run"},
           {"contract"},
           {"contract", "frobnicate"},
           {"contract", "--all"},
           {"contract", "list", missing_, "other"},
           {"contract", "list", missing_, "--all"},
           {"contract", "list", missing_, "--no-database"},
           {"contract", "release", missing_, "--nope"},
           {"contract", "release", missing_, "--database", ""},
           {"contract", "release", missing_, "--database"},
           {"contract", "list", missing_, "--config", ""},
       }) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code::kUsage) << Join(args) << ": " << r.all();
  }
}

TEST_F(DeployCliFlags, ContractVerbsTakeTheirFlags) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"contract", "list", missing_},
           {"contract", "list", missing_, "--database", kSecretUrl, "--config", config_},
           {"contract", "list", missing_, "--schema", "schema.prisma"},
           // release's first argument is PATH only when it exists: the default PATH is missing.
           {"contract", "release", "--all"},
           {"contract", "release", "--all", "--no-database"},
           {"contract", "release", "some_held_name", "--database", kSecretUrl},
       }) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code::kNotFound) << Join(args) << ": " << r.all();
  }
}

TEST_F(DeployCliFlags, HelpPrintsTheCommandsUsage) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"deploy", "--help"},
           {"deploy", "-h"},
           {"deploy", missing_, "--lock-timeout", "2s", "--help"},
           {"status", "--help"},
           {"resolve", "-h"},
           {"contract", "--help"},
           {"contract", "release", "-h"},
           {"contract", "list", "--help"},
       }) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code::kOk) << Join(args) << ": " << r.all();
    EXPECT_EQ(r.out.rfind("usage: lockstep " + args[0] + " ", 0), 0u)
        << Join(args) << ": " << r.out;
  }
}

// A URL typed where another value belongs is quoted with its password masked, as every command
// parsed with CLI11 does.
TEST_F(DeployCliFlags, AUrlInTheWrongPlaceIsQuotedWithoutItsPassword) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"deploy", missing_, "--lock-timeout", kSecretUrl},
           {"deploy", missing_, "--preflight", kSecretUrl},
           {"deploy", missing_, "--preflight-slot-wal", kSecretUrl},
           {"resolve", missing_, "--applied", "x", "--lock-wait", kSecretUrl},
           {"status", missing_, kSecretUrl},
           {"contract", "list", missing_, kSecretUrl},
       }) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code::kUsage) << Join(args) << ": " << r.all();
    EXPECT_NE(r.err.find("postgresql://u:****@"), std::string::npos) << Join(args) << ": " << r.err;
  }
}

// The values reach the deploy: the dry run prints the retry policy, the lock wait and the
// timeouts it sets. A repeated flag's last value wins.
TEST_F(DeployCliFlags, GoodValuesReachTheDeploy) {
  RunResult r = Run({"deploy",   SeedDir(),           "--dry-run", "--database",
                     kSecretUrl, "--max-attempts",    "5",         "--max-attempts",
                     "7",        "--retry-deadline",  "2min",      "--retry-delay",
                     "50ms",     "--max-retry-delay", "3s",        "--lock-wait",
                     "4s",       "--lock-timeout",    "250ms",     "--statement-timeout",
                     "3s"});
  ASSERT_EQ(r.exit_code, exit_code::kOk) << r.all();
  EXPECT_NE(
      r.out.find("-- up to 7 attempts within " + deploy::FormatDuration(120000) + ", waiting " +
                 deploy::FormatDuration(50) + " doubling up to " + deploy::FormatDuration(3000)),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("polled for up to " + deploy::FormatDuration(4000)), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("SET LOCAL lock_timeout = " + deploy::PgDuration(250) +
                       "; SET LOCAL statement_timeout = " + deploy::PgDuration(3000) + ";"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace lockstep::deploy_test

// `lockstep lint`, `rules` and `explain` through the built binary (LOCKSTEP_BIN): what is linted
// and what is history, exit codes, formats, config, --since (a real git repository) and
// --database (a real PostgreSQL server).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "migrations/contract.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "sql/parser.h"
#include "support/pg_server.h"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class LintCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("lockstep_lint_cli_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `lockstep <args>` in dir_ (stdout is a file, not a TTY). `env` is prefixed as is.
  Outcome Lockstep(const std::vector<std::string>& args, const std::string& env = "") {
    std::string cmd =
        "cd " + Quote(dir_.string()) + " && env -u DATABASE_URL " + env + " " + Quote(LOCKSTEP_BIN);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " >" + Quote((dir_ / ".out").string()) + " 2>" + Quote((dir_ / ".err").string());
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = Slurp(dir_ / ".out");
    o.err = Slurp(dir_ / ".err");
    return o;
  }

  nlohmann::json Json(const std::vector<std::string>& args, int expected_code) {
    std::vector<std::string> a = args;
    a.push_back("--format");
    a.push_back("json");
    Outcome o = Lockstep(a);
    EXPECT_EQ(o.code, expected_code) << o.out << o.err;
    return nlohmann::json::parse(o.out);
  }

  // A Prisma migrations directory: 001 creates a table, 002 indexes it without CONCURRENTLY.
  void PrismaProject() {
    Write(dir_ / "prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
    Write(dir_ / "prisma/migrations/001_init/migration.sql",
          "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL, \"email\" TEXT NOT NULL);\n"
          "CREATE INDEX \"User_id_idx\" ON \"User\"(\"id\");\n");
    Write(dir_ / "prisma/migrations/002_email_index/migration.sql",
          "CREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n");
  }

  static std::vector<std::string> Files(const nlohmann::json& doc, const std::string& severity) {
    std::vector<std::string> out;
    for (const auto& d : doc["diagnostics"])
      if (d["severity"] == severity) out.push_back(d["file"]);
    return out;
  }

  fs::path dir_;
};

TEST_F(LintCli, CleanFileExitsZero) {
  Write(dir_ / "a.sql", "SELECT 1;\n");
  Outcome o = Lockstep({"lint", "a.sql"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_EQ(o.out, "");  // gcc is the default when stdout is not a terminal
  o = Lockstep({"lint", "a.sql", "--format", "text"});
  EXPECT_EQ(o.out, "no findings (1 file linted)\n");
}

// lint never connects nor hashes, so it must not load libpq (and its 20 dependencies) nor
// libcrypto: they cost more start-up time than squawk's whole start (base/shared_library.h).
// The dynamic loader lists every object it opens under LD_DEBUG=files.
TEST_F(LintCli, LoadsNeitherLibpqNorLibcrypto) {
  PrismaProject();
  const Outcome o = Lockstep({"lint", "prisma"}, "LD_DEBUG=files");
  EXPECT_EQ(o.code, 1) << o.out << o.err;
  // libc is loaded by every build (libpg_query 18 is linked statically, bookworm's 15 is not).
  EXPECT_NE(o.err.find("libc.so"), std::string::npos) << "LD_DEBUG output missing: " << o.err;
  EXPECT_EQ(o.err.find("libpq.so"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("libcrypto.so"), std::string::npos) << o.err;
}

TEST_F(LintCli, FailOnDecidesTheExitCode) {
  // An unknown rule in an ignore is a warning (unused-ignore).
  Write(dir_ / "a.sql", "-- lockstep-ignore no-such-rule\nSELECT 1;\n");
  Outcome o = Lockstep({"lint", "a.sql"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(
      o.out,
      "a.sql:1:20: warning: `lockstep-ignore` names unknown rule 'no-such-rule' [unused-ignore]\n");
  EXPECT_EQ(Lockstep({"lint", "a.sql", "--fail-on", "warning"}).code, 1);
  EXPECT_EQ(Lockstep({"lint", "a.sql", "--fail-on", "hint"}).code, 1);
  EXPECT_EQ(Lockstep({"lint", "a.sql", "--fail-on", "none"}).code, 0);
}

// On a real history almost every finding is a hint: text and gcc show errors and warnings, then
// one line counting the hints; --hints shows them, and JSON always carries them.
TEST_F(LintCli, HintsAreCountedNotShownUnlessAsked) {
  Write(dir_ / "a.sql", "CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\n");
  Write(dir_ / "b.sql", "CREATE TABLE u (id bigint);\nDROP TABLE live;\n");
  const Outcome gcc = Lockstep({"lint", "a.sql", "b.sql", "--format", "gcc"});
  EXPECT_EQ(gcc.code, 0) << gcc.err;
  EXPECT_EQ(gcc.out.find("note:"), std::string::npos) << gcc.out;
  EXPECT_NE(gcc.out.find("b.sql:2:1: warning: Dropping \"live\""), std::string::npos) << gcc.out;
  const Outcome shown = Lockstep({"lint", "a.sql", "b.sql", "--format", "gcc", "--hints"});
  size_t notes = 0;
  for (size_t at = shown.out.find(": note: "); at != std::string::npos;
       at = shown.out.find(": note: ", at + 1))
    ++notes;
  ASSERT_GT(notes, 0u) << shown.out;
  EXPECT_EQ(shown.out.find("not shown"), std::string::npos) << shown.out;
  const std::string line = std::to_string(notes) + (notes == 1 ? " hint" : " hints") +
                           " not shown (--hints shows them)\n";
  EXPECT_TRUE(gcc.out.size() >= line.size() &&
              gcc.out.compare(gcc.out.size() - line.size(), line.size(), line) == 0)
      << gcc.out;
  const Outcome text = Lockstep({"lint", "a.sql", "b.sql", "--format", "text"});
  EXPECT_NE(text.out.find("0 errors, 1 warning in 1 file (2 files linted)\n" + line),
            std::string::npos)
      << text.out;
  EXPECT_EQ(text.out.find("= help: Use bigint"), std::string::npos) << text.out;
  const Outcome json = Lockstep({"lint", "a.sql", "b.sql", "--format", "json"});
  EXPECT_NE(json.out.find("\"hint\""), std::string::npos) << json.out;
  // Hints not shown still fail the run at --fail-on hint (a.sql has hints only).
  for (const char* format : {"gcc", "text"}) {
    const Outcome only_hints = Lockstep({"lint", "a.sql", "--format", format, "--fail-on", "hint"});
    EXPECT_EQ(only_hints.code, 1) << format << only_hints.out;
    EXPECT_NE(only_hints.out.find("not shown"), std::string::npos) << only_hints.out;
  }
}

TEST_F(LintCli, SyntaxErrorExitsTwo) {
  Write(dir_ / "a.sql", "SELECT 1;\nCREATE TABL t (id int);\n");
  Outcome o = Lockstep({"lint", "a.sql", "--fail-on", "none"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.out.find("a.sql:2:8: error: syntax error at or near \"TABL\" [syntax-error]"),
            std::string::npos)
      << o.out;
}

TEST_F(LintCli, UsageErrorsExitTwo) {
  EXPECT_EQ(Lockstep({"lint", "missing.sql"}).code, 2);
  Write(dir_ / "a.sql", "SELECT 1;\n");
  EXPECT_EQ(Lockstep({"lint", "a.sql", "--format", "xml"}).code, 2);
  EXPECT_EQ(Lockstep({"lint", "a.sql", "--fail-on", "sometimes"}).code, 2);
  EXPECT_EQ(Lockstep({"lint", "a.sql", "--pg-version", "9"}).code, 2);
  EXPECT_EQ(Lockstep({"lint", "--help"}).code, 0);
}

TEST_F(LintCli, PrismaDirectoryIsLintedWithHistory) {
  PrismaProject();
  // The index on a table created in the same migration is harmless; the one in 002 is not.
  auto doc = Json({"lint", "."}, 1);
  EXPECT_EQ(doc["files_linted"], 2);
  EXPECT_EQ(Files(doc, "error"),
            std::vector<std::string>{"prisma/migrations/002_email_index/migration.sql"});
  for (const auto& d : doc["diagnostics"]) {
    if (d["severity"] != "error") continue;
    EXPECT_EQ(d["line"], 1);
    EXPECT_EQ(d["column"], 1);
    EXPECT_TRUE(d["fixable"].is_boolean());
  }
  // One folder: the earlier folders are history, so the table is known to be live.
  doc = Json({"lint", "prisma/migrations/002_email_index"}, 1);
  EXPECT_EQ(doc["files_linted"], 1);
  EXPECT_EQ(Files(doc, "error"),
            std::vector<std::string>{"prisma/migrations/002_email_index/migration.sql"});
  doc = Json({"lint", "prisma/migrations/001_init/migration.sql"}, 0);
  EXPECT_EQ(doc["files_linted"], 1);
  EXPECT_TRUE(Files(doc, "error").empty());
}

TEST_F(LintCli, Formats) {
  PrismaProject();
  Outcome o = Lockstep({"lint", ".", "--format", "sarif"});
  EXPECT_EQ(o.code, 1);
  auto sarif = nlohmann::json::parse(o.out);
  EXPECT_EQ(sarif["version"], "2.1.0");
  const auto& run = sarif["runs"][0];
  EXPECT_GT(run["tool"]["driver"]["rules"].size(), 2u);
  bool found = false;
  for (const auto& r : run["results"]) {
    EXPECT_EQ(run["tool"]["driver"]["rules"][r["ruleIndex"].get<size_t>()]["id"], r["ruleId"]);
    if (r["level"] == "error") {
      found = true;
      EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                "prisma/migrations/002_email_index/migration.sql");
    }
  }
  EXPECT_TRUE(found);

  o = Lockstep({"lint", ".", "--format", "github"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(
      o.out.find("::error file=prisma/migrations/002_email_index/migration.sql,line=1,col=1,"),
      std::string::npos)
      << o.out;

  o = Lockstep({"lint", ".", "--format", "text"}, "NO_COLOR=1");
  EXPECT_EQ(o.out.find('\033'), std::string::npos);
  EXPECT_NE(o.out.find("1 | CREATE INDEX \"User_email_idx\""), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("(2 files linted)"), std::string::npos);
}

TEST_F(LintCli, ConfigFileIsFoundAndApplied) {
  PrismaProject();
  // Turn every error-severity finding of 002 into a hint by excluding it instead: exclusion
  // keeps it as history but reports nothing for it.
  Write(dir_ / "lockstep.toml", "[lint]\nexclude = [\"prisma/migrations/002_*\"]\n");
  auto doc = Json({"lint", "prisma/migrations"}, 0);
  EXPECT_EQ(doc["files_linted"], 1);
  EXPECT_TRUE(Files(doc, "error").empty());

  Write(dir_ / "lockstep.toml", "[lint]\nfail_on = \"none\"\n");
  EXPECT_EQ(Lockstep({"lint", "."}).code, 0);
  EXPECT_EQ(Lockstep({"lint", ".", "--fail-on", "error"}).code, 1);  // the flag wins

  Write(dir_ / "lockstep.toml", "[rules]\nno-such-rule = \"off\"\n");
  Outcome o = Lockstep({"lint", "."});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("lockstep.toml:2:1: error: unknown rule 'no-such-rule'"), std::string::npos)
      << o.err;

  Write(dir_ / "other.toml", "[lint]\nfail_on = \"none\"\n");
  EXPECT_EQ(Lockstep({"lint", ".", "--config", "other.toml"}).code, 0);
}

TEST_F(LintCli, UnusedIgnoreSeverityFromConfig) {
  Write(dir_ / "a.sql", "-- lockstep-ignore no-such-rule\nSELECT 1;\n");
  Write(dir_ / "lockstep.toml", "[rules]\nunused-ignore = \"error\"\n");
  EXPECT_EQ(Lockstep({"lint", "a.sql"}).code, 1);
  Write(dir_ / "lockstep.toml", "[rules]\nunused-ignore = \"off\"\n");
  Outcome o = Lockstep({"lint", "a.sql", "--fail-on", "hint"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out, "");
}

TEST_F(LintCli, SinceLintsOnlyAddedMigrations) {
  PrismaProject();
  const std::string git =
      "cd " + Quote(dir_.string()) +
      " && git -c init.defaultBranch=main init -q && git -c user.name=t -c user.email=t@t "
      "add prisma/migrations/001_init prisma/migrations/migration_lock.toml && git -c "
      "user.name=t -c user.email=t@t commit -q -m init";
  ASSERT_EQ(std::system(git.c_str()), 0);
  // 002 is new (untracked): linted, with 001 as history.
  auto doc = Json({"lint", ".", "--since", "HEAD"}, 1);
  EXPECT_EQ(doc["files_linted"], 1);
  EXPECT_EQ(Files(doc, "error"),
            std::vector<std::string>{"prisma/migrations/002_email_index/migration.sql"});
  ASSERT_EQ(std::system(("cd " + Quote(dir_.string()) +
                         " && git add -A && git -c user.name=t -c user.email=t@t commit -q -m two")
                            .c_str()),
            0);
  doc = Json({"lint", ".", "--since", "HEAD"}, 0);
  EXPECT_EQ(doc["files_linted"], 0);
  doc = Json({"lint", ".", "--since", "HEAD~1"}, 1);
  EXPECT_EQ(doc["files_linted"], 1);
  Outcome o = Lockstep({"lint", ".", "--since", "no-such-ref"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("no-such-ref"), std::string::npos);
}

TEST_F(LintCli, RulesAndExplain) {
  Outcome o = Lockstep({"rules", "--format", "json"});
  ASSERT_EQ(o.code, 0);
  auto rules = nlohmann::json::parse(o.out);
  ASSERT_GE(rules.size(), 2u);
  std::set<std::string> ids;
  for (const auto& r : rules) {
    ids.insert(r["id"].get<std::string>());
    EXPECT_TRUE(r["fixable"].is_boolean());
    EXPECT_FALSE(r["summary"].get<std::string>().empty());
  }
  EXPECT_TRUE(ids.count("unused-ignore"));
  o = Lockstep({"rules"});
  EXPECT_EQ(o.out.rfind("RULE", 0), 0u);

  o = Lockstep({"explain", "unused-ignore"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out.rfind("# unused-ignore", 0), 0u);
  o = Lockstep({"explain", "unused-ignor"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("did you mean"), std::string::npos);
  // Every page in docs/rules/ is embedded: explain prints it byte for byte.
  for (const auto& entry : fs::directory_iterator(fs::path(LOCKSTEP_SOURCE_DIR) / "docs/rules")) {
    if (entry.path().extension() != ".md") continue;
    o = Lockstep({"explain", entry.path().stem().string()});
    EXPECT_EQ(o.code, 0);
    std::string page = Slurp(entry.path());
    if (!page.empty() && page.back() != '\n') page += '\n';
    EXPECT_EQ(o.out, page) << entry.path();
  }
}

class LintDatabase : public lockstep::testing::PgTest {};

TEST_F(LintDatabase, LintsOnlyUnappliedMigrations) {
  const fs::path dir =
      fs::temp_directory_path() / ("lockstep_lint_db_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Write(dir / "migrations/001_init/migration.sql",
        "CREATE TABLE t (id int);\nCREATE INDEX t_i ON t (id);\n");
  Write(dir / "migrations/002_index/migration.sql", "CREATE INDEX t_j ON t (id);\n");
  ASSERT_TRUE(
      conn()
          .Exec(
              "CREATE TABLE _prisma_migrations (id text, checksum text, finished_at timestamptz, "
              "migration_name text, logs text, rolled_back_at timestamptz, started_at timestamptz, "
              "applied_steps_count int);"
              "INSERT INTO _prisma_migrations (migration_name, finished_at) VALUES "
              "('001_init', now()), ('002_index', NULL);")
          .ok());
  auto run = [&](const std::string& env, const std::vector<std::string>& extra) {
    std::string cmd = "cd " + Quote(dir.string()) + " && env -u DATABASE_URL " + env + " " +
                      Quote(LOCKSTEP_BIN) + " lint migrations --format json";
    for (const auto& a : extra) cmd += " " + Quote(a);
    cmd += " >" + Quote((dir / ".out").string()) + " 2>" + Quote((dir / ".err").string());
    const int status = std::system(cmd.c_str());
    return std::make_pair(WEXITSTATUS(status), Slurp(dir / ".out") + Slurp(dir / ".err"));
  };
  auto [code, out] = run("", {"--database", db().url()});
  EXPECT_EQ(code, 1) << out;
  EXPECT_EQ(nlohmann::json::parse(out.substr(0, out.rfind('}') + 1))["files_linted"], 1) << out;
  // From the environment too; --all ignores it.
  auto [code2, out2] = run("DATABASE_URL=" + Quote(db().url()), {});
  EXPECT_EQ(code2, 1);
  EXPECT_EQ(nlohmann::json::parse(out2.substr(0, out2.rfind('}') + 1))["files_linted"], 1) << out2;
  auto [code3, out3] = run("DATABASE_URL=" + Quote(db().url()), {"--all"});
  EXPECT_EQ(nlohmann::json::parse(out3.substr(0, out3.rfind('}') + 1))["files_linted"], 2) << out3;
  // Every migration applied: nothing to lint.
  ASSERT_TRUE(conn().Exec("UPDATE _prisma_migrations SET finished_at = now()").ok());
  auto [code4, out4] = run("", {"--database", db().url()});
  EXPECT_EQ(code4, 0) << out4;
  // Unreachable server: exit 4, and the password is not printed.
  auto [code5, out5] =
      run("", {"--database", "postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=2"});
  EXPECT_EQ(code5, 4) << out5;
  EXPECT_EQ(out5.find("s3cret"), std::string::npos);
  fs::remove_all(dir);
}

// Prisma 8 records where a database is in prisma_contract.marker: the contract hash of the last
// package applied (its migration.json's `to`). Those packages are history; the pending ones are
// linted as the one transaction `prisma db migrate` runs them in.
TEST_F(LintDatabase, Prisma8PackagesUpToTheMarkerAreApplied) {
  const fs::path dir =
      fs::temp_directory_path() / ("lockstep_lint_marker_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(fs::path(LOCKSTEP_SOURCE_DIR) / "tests/migrations/fixtures/prisma8", dir / "app8",
           fs::copy_options::recursive);
  const std::string app = "app8/migrations/app/";
  Write(dir / app / "20260303T0800_name_index/ops.json",
        "[{\"id\": \"index.user.name\", \"execute\": [{\"sql\": \"CREATE INDEX CONCURRENTLY "
        "\\\"user_name_idx\\\" ON \\\"public\\\".\\\"user\\\" (\\\"name\\\")\"}]}]\n");
  Write(dir / app / "20260303T0800_name_index/migration.json",
        "{\"from\": \"sha256:email\", \"to\": \"sha256:name\", \"migrationHash\": \"sha256:x\"}\n");
  auto run = [&](const std::vector<std::string>& extra) {
    std::string cmd = "cd " + Quote(dir.string()) + " && env -u DATABASE_URL " +
                      Quote(LOCKSTEP_BIN) + " lint app8 --format gcc --hints";
    for (const auto& a : extra) cmd += " " + Quote(a);
    cmd += " >" + Quote((dir / ".out").string()) + " 2>" + Quote((dir / ".err").string());
    const int status = std::system(cmd.c_str());
    return std::make_tuple(WEXITSTATUS(status), Slurp(dir / ".out"), Slurp(dir / ".err"));
  };
  // The database is at the first package's contract.
  ASSERT_TRUE(conn()
                  .Exec("CREATE SCHEMA prisma_contract;"
                        "CREATE TABLE prisma_contract.marker (id smallint PRIMARY KEY DEFAULT 1, "
                        "core_hash text NOT NULL, profile_hash text NOT NULL, "
                        "updated_at timestamptz NOT NULL DEFAULT now());"
                        "INSERT INTO prisma_contract.marker (core_hash, profile_hash) "
                        "VALUES ('sha256:init', 'sha256:profile')")
                  .ok());
  auto [code, out, err] = run({"--database", db().url()});
  EXPECT_EQ(code, 1) << out << err;
  EXPECT_EQ(out.find("20260301T1000_init"), std::string::npos) << out;
  // "user" was created by an applied package: it is live.
  EXPECT_NE(out.find(app + "20260302T0900_user_email/ops.json:7:58: error: operation "
                           "\"index.user.email\": CREATE INDEX"),
            std::string::npos)
      << out;
  // The two pending packages are one transaction: the ALTER's lock is held across them.
  EXPECT_NE(out.find(app +
                     "20260303T0800_name_index/ops.json:1:49: warning: operation "
                     "\"index.user.name\": This statement runs while the transaction still "
                     "holds an ACCESS EXCLUSIVE lock on \"public.user\", which blocks reads "
                     "and writes (taken on line 15 of " +
                     app + "20260302T0900_user_email/ops.json"),
            std::string::npos)
      << out;
  // At the second package's contract, only the third is pending: no lock is carried into it.
  ASSERT_TRUE(conn().Exec("UPDATE prisma_contract.marker SET core_hash = 'sha256:email'").ok());
  std::tie(code, out, err) = run({"--database", db().url()});
  EXPECT_EQ(code, 1) << out << err;
  EXPECT_EQ(out.find("20260302T0900_user_email"), std::string::npos) << out;
  EXPECT_NE(out.find("[ban-non-transactional-statement-in-transaction]"), std::string::npos) << out;
  EXPECT_EQ(out.find("[avoid-statements-after-access-exclusive]"), std::string::npos) << out;
  // A contract no package leads to: said, and every package is linted.
  ASSERT_TRUE(conn().Exec("UPDATE prisma_contract.marker SET core_hash = 'sha256:other'").ok());
  std::tie(code, out, err) = run({"--database", db().url()});
  EXPECT_NE(err.find("warning: the database's prisma_contract.marker is at contract "
                     "sha256:other, which no package's migration.json names as its \"to\": "
                     "linting every package"),
            std::string::npos)
      << err;
  EXPECT_NE(out.find("20260301T1000_init"), std::string::npos) << out;
  fs::remove_all(dir);
}

// Without --pg-version or lockstep.toml's pg_version, a database of a newer major than the
// default (15) is the target: PostgreSQL 18 syntax is not reported as too new for it.
TEST(LintDatabaseVersion, ANewerServerIsTheDefaultTarget) {
  lockstep::Result<std::unique_ptr<lockstep::testing::TestDatabase>> db =
      lockstep::testing::TestDatabase::Create(18, "lint_target");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const fs::path dir =
      fs::temp_directory_path() / ("lockstep_lint_target_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Write(dir / "migrations/001_init/migration.sql", "CREATE TABLE t (id int, n int);\n");
  Write(dir / "migrations/002_virtual/migration.sql",
        "ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL;\n");
  auto run = [&](const std::vector<std::string>& extra) {
    std::string cmd = "cd " + Quote(dir.string()) + " && env -u DATABASE_URL " +
                      Quote(LOCKSTEP_BIN) + " lint migrations --format gcc";
    for (const auto& a : extra) cmd += " " + Quote(a);
    cmd += " >" + Quote((dir / ".out").string()) + " 2>&1";
    const int status = std::system(cmd.c_str());
    return std::make_pair(WEXITSTATUS(status), Slurp(dir / ".out"));
  };
  const std::string rule = "[ban-syntax-newer-than-target]";
  auto [offline_code, offline] = run({"--all"});
  auto [code, out] = run({"--database", (*db)->url()});
  auto [code17, out17] = run({"--database", (*db)->url(), "--pg-version", "17"});
  if (lockstep::sql::GrammarVersionNum() < 180000) {  // built with libpg_query 15
    EXPECT_NE(out.find("syntax error"), std::string::npos) << out;
  } else {
    EXPECT_NE(offline.find(rule), std::string::npos) << offline;  // the default, 15
    EXPECT_EQ(code, 0) << out;
    EXPECT_EQ(out.find(rule), std::string::npos) << out;      // the server's 18
    EXPECT_NE(out17.find(rule), std::string::npos) << out17;  // the flag wins
  }
  fs::remove_all(dir);
}

// With a database, a plain CREATE INDEX on a 100-row table is a hint, on a bigger one an error
// (thresholds kept small in lockstep.toml so that the tables stay small); without, an error.
TEST_F(LintDatabase, SeverityScalesWithTheTablesEstimate) {
  const fs::path dir =
      fs::temp_directory_path() / ("lockstep_lint_sizes_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string init =
      "CREATE TABLE \"Tiny\" (\"id\" INTEGER);\nCREATE TABLE \"Big\" (\"id\" INTEGER);\n";
  Write(dir / "prisma/migrations/001_init/migration.sql", init);
  Write(dir / "prisma/migrations/002_index/migration.sql",
        "CREATE INDEX \"Tiny_id_idx\" ON \"Tiny\"(\"id\");\n"
        "CREATE INDEX \"Big_id_idx\" ON \"Big\"(\"id\");\n");
  Write(dir / "lockstep.toml",
        "[estimates]\nhint_below_seconds = 0.002\nerror_above_seconds = 0.01\n");
  ASSERT_TRUE(conn()
                  .Exec(init + "INSERT INTO \"Tiny\" SELECT g FROM generate_series(1, 100) g;"
                               "INSERT INTO \"Big\" SELECT (random() * 1e6)::int FROM "
                               "generate_series(1, 300000) g; ANALYZE \"Tiny\"; ANALYZE \"Big\";")
                  .ok());
  auto run = [&](const std::vector<std::string>& extra) {
    std::string cmd = "cd " + Quote(dir.string()) + " && env -u DATABASE_URL " +
                      Quote(LOCKSTEP_BIN) + " lint prisma/migrations/002_index --format json";
    for (const auto& a : extra) cmd += " " + Quote(a);
    cmd += " >" + Quote((dir / ".out").string()) + " 2>" + Quote((dir / ".err").string());
    const int status = std::system(cmd.c_str());
    EXPECT_EQ(WEXITSTATUS(status), 1) << Slurp(dir / ".err");
    std::map<int, std::string> by_line;
    const nlohmann::json doc = nlohmann::json::parse(Slurp(dir / ".out"));
    for (const auto& d : doc["diagnostics"])
      if (d["rule"] == "require-concurrent-index-creation") by_line[d["line"]] = d["severity"];
    return by_line;
  };
  const std::map<int, std::string> offline = run({});
  EXPECT_EQ(offline, (std::map<int, std::string>{{1, "error"}, {2, "error"}}));
  const std::map<int, std::string> sized = run({"--database", db().url()});
  EXPECT_EQ(sized, (std::map<int, std::string>{{1, "hint"}, {2, "error"}}));
  fs::remove_all(dir);
}

}  // namespace

// Prisma 8 packages (tests/migrations/fixtures/prisma8, plus a package building an index
// CONCURRENTLY): lint and plan read the execute SQL of each operation with positions in ops.json
// and the operation's id, each package one transaction; deploy refuses them. Golden outputs in
// tests/lint/golden/.
class Prisma8Cli : public LintCli {
 protected:
  void SetUp() override {
    LintCli::SetUp();
    fs::copy(fs::path(LOCKSTEP_SOURCE_DIR) / "tests/migrations/fixtures/prisma8", dir_ / "app8",
             fs::copy_options::recursive);
    Write(dir_ / "app8/migrations/app/20260303T0800_name_index/ops.json",
          "[\n"
          "  {\n"
          "    \"id\": \"index.user.name\",\n"
          "    \"label\": \"create index user_name_idx\",\n"
          "    \"operationClass\": \"additive\",\n"
          "    \"execute\": [\n"
          "      { \"sql\": \"SET lock_timeout = '1s'\" },\n"
          "      { \"sql\": \"CREATE INDEX CONCURRENTLY \\\"user_name_idx\\\" ON "
          "\\\"public\\\".\\\"user\\\" (\\\"name\\\")\" }\n"
          "    ]\n"
          "  }\n"
          "]\n");
  }
  std::string Golden(const std::string& name) {
    return Slurp(fs::path(LOCKSTEP_SOURCE_DIR) / "tests/lint/golden" / name);
  }
};

TEST_F(Prisma8Cli, LintNamesOpsJsonPositionsAndOperations) {
  Outcome o = Lockstep({"lint", "app8", "--format", "gcc", "--hints"});
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_EQ(o.out, Golden("prisma8.gcc"));
  // One package given alone is linted after the packages before it (the table exists).
  o = Lockstep(
      {"lint", "app8/migrations/app/20260303T0800_name_index/ops.json", "--format", "gcc"});
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.out.find("ops.json:8:17: error: operation \"index.user.name\": "), std::string::npos)
      << o.out;
}

// One `prisma db migrate` run applies its pending packages in ONE transaction: a lock taken by
// one package is still held while the next one runs, and the findings say so across files.
TEST_F(Prisma8Cli, PendingPackagesAreOneTransaction) {
  const std::string email = "app8/migrations/app/20260302T0900_user_email";
  const std::string name = "app8/migrations/app/20260303T0800_name_index";
  Outcome o = Lockstep({"lint", email, name, "--format", "gcc"});
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.out.find(name +
                       "/ops.json:8:17: warning: operation \"index.user.name\": This "
                       "statement runs while the transaction still holds an ACCESS "
                       "EXCLUSIVE lock on \"public.user\", which blocks reads and writes "
                       "(taken on line 15 of " +
                       email +
                       "/ops.json, earlier in the same transaction), and it reads every "
                       "row of \"public.user\" [avoid-statements-after-access-exclusive]"),
            std::string::npos)
      << o.out;
  // The first package's BEGIN is committed by the last package, not left open.
  EXPECT_EQ(o.out.find("ban-uncommitted-transaction"), std::string::npos) << o.out;
  o = Lockstep({"plan", email, name});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find(name + "/ops.json\n  still held from earlier packages of this run, until "
                              "it commits:\n"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("AccessExclusiveLock on public.user — blocks reads and writes\n"),
            std::string::npos)
      << o.out;
  o = Lockstep({"plan", email, name, "--format", "json"});
  EXPECT_EQ(o.code, 0) << o.err;
  const nlohmann::json plan = nlohmann::json::parse(o.out);
  ASSERT_FALSE(plan.empty());
  EXPECT_FALSE(plan.front().contains("held_from_earlier_migrations"));
  EXPECT_EQ(plan.back()["file"], name + "/ops.json");
  ASSERT_TRUE(plan.back().contains("held_from_earlier_migrations")) << plan.back().dump();
  bool user = false;
  for (const auto& l : plan.back()["held_from_earlier_migrations"])
    user = user || (l["relation"] == "user" && l["mode"] == "AccessExclusiveLock");
  EXPECT_TRUE(user) << plan.back().dump();
}

TEST_F(Prisma8Cli, PlanPointsIntoOpsJson) {
  Outcome o = Lockstep({"plan", "app8"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out, Golden("prisma8.plan"));
}

TEST_F(Prisma8Cli, FixRefusesPackages) {
  Outcome o = Lockstep({"fix", "app8", "--dry-run"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("ops.json: error: a Prisma 8 migration package (ops.json): lockstep fix "
                       "rewrites migration.sql folders"),
            std::string::npos)
      << o.err;
}

TEST_F(Prisma8Cli, DeployRefusesUntilTheFormatIsFinal) {
  Outcome o = Lockstep({"deploy", "app8", "--dry-run"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.out, "");
  EXPECT_NE(o.err.find("app8/migrations/app/20260301T1000_init/ops.json: error: a Prisma 8 "
                       "migration package (ops.json): lockstep deploy waits for Prisma 8's "
                       "migration format to be final"),
            std::string::npos)
      << o.err;
}

// Prisma 7: prisma.config.ts names the migrations (no PATH given) and the datasource; a computed
// URL is one warning line naming where it is, and lint goes on without a database.
// With a PATH, plan does not need the config to find the migrations, but Prisma 7 takes the
// database from it: a config lockstep cannot read must be said (no estimates), not skipped for
// DATABASE_URL, another database than the one Prisma would use.
TEST_F(LintCli, PlanWithPathSaysWhenTheProjectsConfigCannotBeRead) {
  Write(dir_ / "prisma.config.ts", "export default makeConfig()\n");
  Write(dir_ / "prisma/migrations/001_a/migration.sql", "CREATE TABLE t (x int);\n");
  Outcome o =
      Lockstep({"plan", "prisma/migrations"},
               "DATABASE_URL=postgresql://u:secret@127.0.0.1:1/d LOCKSTEP_CONNECT_TIMEOUT=1");
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("note: no estimates: "), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("prisma.config.ts:1:1: error: no configuration object"), std::string::npos)
      << o.err;
  EXPECT_EQ((o.out + o.err).find("secret"), std::string::npos) << o.out << o.err;
}

TEST_F(LintCli, Prisma7ConfigNamesMigrationsAndDatasource) {
  Write(dir_ / "prisma.config.ts",
        "import { defineConfig } from 'prisma/config'\n"
        "export default defineConfig({\n"
        "  migrations: { path: 'db/migrations' },\n"
        "  datasource: { url: process.env.DATABASE_URL ?? '' },\n"
        "})\n");
  Write(dir_ / "db/migrations/001_a/migration.sql", "CREATE TABLE t (x int);\n");
  Write(dir_ / "db/migrations/002_b/migration.sql", "CREATE INDEX i ON t (x);\n");
  Write(dir_ / "prisma/migrations/001_other/migration.sql", "DROP TABLE nothing_here;\n");
  Outcome o = Lockstep({"lint", "--format", "gcc"});
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.out.find("db/migrations/002_b/migration.sql:1:1: error: CREATE INDEX"),
            std::string::npos)
      << o.out;
  EXPECT_EQ(o.out.find("nothing_here"), std::string::npos);
  EXPECT_NE(o.err.find("prisma.config.ts:4:22: warning: datasource.url is computed "
                       "(process.env.DATABASE_URL ?? ''), which lockstep cannot evaluate"),
            std::string::npos)
      << o.err;

  // --config names another project's config; deploy reads its datasource (a literal here).
  Write(dir_ / "other/prisma.config.ts",
        "export default {\n  schema: 'prisma/schema.prisma',\n"
        "  datasource: { url: 'postgresql://u:secret@127.0.0.1:1/d' },\n}\n");
  Write(dir_ / "other/prisma/migrations/001_x/migration.sql", "CREATE TABLE x (id int);\n");
  o = Lockstep({"plan", "--config", "other/prisma.config.ts"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("other/prisma/migrations/001_x/migration.sql"), std::string::npos) << o.out;
  // --schema, as Prisma's: the migrations beside the schema.
  Write(dir_ / "other/prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n");
  o = Lockstep({"plan", "--schema", "other/prisma/schema.prisma"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("other/prisma/migrations/001_x/migration.sql"), std::string::npos) << o.out;
  o = Lockstep({"deploy", "--config", "other/prisma.config.ts"}, "LOCKSTEP_CONNECT_TIMEOUT=1");
  EXPECT_NE(o.out.find("1 migration found in other/prisma/migrations"), std::string::npos)
      << o.out << o.err;
  EXPECT_EQ((o.out + o.err).find("secret"), std::string::npos) << o.out << o.err;
  EXPECT_NE((o.out + o.err).find("url of other/prisma.config.ts"), std::string::npos)
      << o.out << o.err;
}

// A column rename: fix writes an expand/contract sequence whose contract is held back.
class ExpandContractCli : public LintCli {
 protected:
  void RenameProject() {
    Write(dir_ / "prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
    Write(dir_ / "prisma/migrations/001_init/migration.sql",
          "CREATE TABLE \"Member\" (\"id\" INTEGER PRIMARY KEY, \"name\" TEXT NOT NULL);\n");
    Write(dir_ / "prisma/migrations/002_rename/migration.sql",
          "ALTER TABLE \"Member\" RENAME COLUMN \"name\" TO \"displayName\";\n");
  }
};

TEST_F(ExpandContractCli, FixNamesEachHeldMigrationsPurposeOnce) {
  RenameProject();
  Outcome o = Lockstep({"fix", "prisma/migrations/002_rename", "--dry-run"});
  ASSERT_EQ(o.code, 0) << o.out << o.err;
  const size_t held = o.out.find("held back for the contract phase");
  ASSERT_NE(held, std::string::npos) << o.out;
  const std::string line = o.out.substr(held, o.out.find("\n\n", held) - held);
  EXPECT_NE(line.find("drops name"), std::string::npos) << line;
  EXPECT_EQ(line.find("drops drops"), std::string::npos) << line;
}

TEST_F(ExpandContractCli, PlanExplainsTheRewriteAndWhereTheContractWaits) {
  RenameProject();
  Outcome o = Lockstep({"plan", "prisma/migrations", "--no-database"});
  ASSERT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("lockstep fix: expand/contract"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("lockstep-contract/"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("lockstep contract release"), std::string::npos) << o.out;
  const nlohmann::json doc = Json({"plan", "prisma/migrations", "--no-database"}, 0);
  ASSERT_TRUE(doc.is_array()) << doc.dump();
  const nlohmann::json& rename = doc.back();
  ASSERT_TRUE(rename.contains("fix")) << rename.dump(2);
  EXPECT_TRUE(rename["fix"]["fixable"].get<bool>()) << rename.dump(2);
  EXPECT_NE(rename["fix"]["how"].get<std::string>().find("trigger"), std::string::npos);
  ASSERT_FALSE(rename["fix"]["contract"].empty()) << rename.dump(2);
  // What it drops (the text says "drops …").
  EXPECT_EQ(rename["fix"]["contract"][0].get<std::string>().rfind("name with its sync trigger", 0),
            0u)
      << rename.dump(2);
}

// Where fix would leave a statement unchanged, plan says why on that statement, and only there.
TEST_F(ExpandContractCli, PlanSaysWhyFixLeavesAStatementUnchanged) {
  RenameProject();
  Write(dir_ / "prisma/migrations/002_rename/migration.sql",
        "ALTER TABLE \"Member\" ADD COLUMN \"note\" TEXT;\n"
        "ALTER TABLE \"Member\" ALTER COLUMN \"name\" TYPE VARCHAR(50), ADD COLUMN \"x\" INTEGER;\n"
        "ALTER TABLE \"Member\" RENAME COLUMN \"note\" TO \"remark\";\n");
  const nlohmann::json doc = Json({"plan", "prisma/migrations", "--no-database"}, 0);
  ASSERT_TRUE(doc.is_array() && doc.size() >= 3) << doc.dump();
  const nlohmann::json& type = doc[doc.size() - 2];
  ASSERT_TRUE(type.contains("fix")) << type.dump(2);
  EXPECT_FALSE(type["fix"]["fixable"].get<bool>()) << type.dump(2);
  EXPECT_NE(type["fix"]["how"].get<std::string>().find("does more than change the type"),
            std::string::npos)
      << type.dump(2);
  EXPECT_FALSE(doc[doc.size() - 3].contains("fix")) << doc.dump(2);  // a new column: nothing to do
}

TEST_F(ExpandContractCli, LintSaysWhereTheContractWaits) {
  RenameProject();
  const nlohmann::json doc = Json({"lint", "prisma/migrations"}, 0);  // a warning
  bool seen = false;
  for (const auto& d : doc["diagnostics"]) {
    if (d["rule"] != "ban-rename-column") continue;
    seen = true;
    EXPECT_TRUE(d["fixable"].get<bool>());
    EXPECT_NE(d["help"].get<std::string>().find("until you run lockstep contract release"),
              std::string::npos)
        << d.dump(2);
  }
  EXPECT_TRUE(seen) << doc.dump(2);
}

TEST_F(ExpandContractCli, FixOutSaysWhereItHoldsTheContract) {
  RenameProject();
  Outcome o = Lockstep({"fix", "prisma/migrations/002_rename", "--out", "copy/migrations"});
  ASSERT_EQ(o.code, 0) << o.out << o.err;
  const fs::path held = lockstep::migrations::HoldingDirectory(dir_ / "copy/migrations");
  ASSERT_TRUE(fs::is_directory(held)) << o.out;
  EXPECT_NE(o.out.find("held back for the contract phase (copy/lockstep-contract;"),
            std::string::npos)
      << o.out;
  EXPECT_FALSE(fs::exists(lockstep::migrations::HoldingDirectory(dir_ / "prisma/migrations")));
}

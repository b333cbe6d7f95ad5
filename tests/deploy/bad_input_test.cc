// Bad input: each case is one clear line on stderr, its own exit code, and the database is left
// exactly as it was.
#include <gtest/gtest.h>

#include <set>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

class BadInputTest : public testing::PgMajorTest {
 protected:
  void ExpectUntouched() {
    EXPECT_EQ(
        Scalar(conn(), "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"),
        "0");
  }
  static int Lines(const std::string& s) {
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
  }
  RunResult Deploy(const std::string& path, const std::string& url) {
    RunResult r = RunLockstep({"deploy", path, "--database", url});
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_EQ(r.all().find(server().password()), std::string::npos);
    return r;
  }
};

TEST_P(BadInputTest, EachCaseHasOneLineAndItsOwnExitCode) {
  TempDir tmp;
  std::set<int> codes;

  RunResult missing = Deploy((tmp.path() / "nope").string(), db().url());
  EXPECT_EQ(missing.exit_code, exit_code::kNotFound) << missing.all();
  EXPECT_NE(missing.err.find("no such migrations directory"), std::string::npos);
  codes.insert(missing.exit_code);
  ExpectUntouched();

  fs::create_directories(tmp.path() / "empty");
  RunResult empty = Deploy((tmp.path() / "empty").string(), db().url());
  EXPECT_EQ(empty.exit_code, exit_code::kNoMigrations) << empty.all();
  EXPECT_NE(empty.err.find("no migrations"), std::string::npos);
  codes.insert(empty.exit_code);
  ExpectUntouched();

  const fs::path no_sql = tmp.path() / "no_sql";
  CopyMigrations(SeedDir(), no_sql);
  fs::create_directories(no_sql / "20260201000000_lost_its_file");
  RunResult folder = Deploy(no_sql.string(), db().url());
  EXPECT_EQ(folder.exit_code, exit_code::kMissingMigrationFile) << folder.all();
  EXPECT_NE(folder.err.find("20260201000000_lost_its_file: error: migration folder without "
                            "migration.sql"),
            std::string::npos)
      << folder.err;
  codes.insert(folder.exit_code);
  ExpectUntouched();

  // Twelve migrations, the tenth with a syntax error: nothing at all is applied.
  const fs::path twelve = tmp.path() / "twelve";
  for (int i = 1; i <= 12; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "202601010000%02d_m%d", i, i);
    const std::string sql = i == 10
                                ? "CREATE TABLE t10 (id int);\nALTER TABEL t10 ADD COLUMN x int;\n"
                                : "CREATE TABLE t" + std::to_string(i) + " (id int);\n";
    WriteFile(twelve / name / "migration.sql", sql);
  }
  RunResult syntax = Deploy(twelve.string(), db().url());
  EXPECT_EQ(syntax.exit_code, exit_code::kUsage) << syntax.all();
  EXPECT_NE(syntax.err.find("20260101000010_m10/migration.sql:2:7: error: syntax error at or near "
                            "\"TABEL\""),
            std::string::npos)
      << syntax.err;
  codes.insert(syntax.exit_code);
  ExpectUntouched();

  db::ConnInfo wrong = db().conninfo();
  wrong.password = "not-the-password";
  RunResult auth = Deploy(SeedDir(), wrong.Url());
  EXPECT_EQ(auth.exit_code, exit_code::kAuth) << auth.all();
  EXPECT_NE(auth.err.find("authentication failed"), std::string::npos) << auth.err;
  EXPECT_EQ(auth.all().find("not-the-password"), std::string::npos);
  codes.insert(auth.exit_code);
  ExpectUntouched();

  db::ConnInfo closed = db().conninfo();
  closed.host = "127.0.0.1";
  closed.port = "1";
  RunResult refused = Deploy(SeedDir(), closed.Url());
  EXPECT_EQ(refused.exit_code, exit_code::kDatabase) << refused.all();
  EXPECT_NE(refused.err.find("cannot connect to 127.0.0.1:1"), std::string::npos) << refused.err;
  codes.insert(refused.exit_code);

  db::ConnInfo unroutable = db().conninfo();
  unroutable.host = "192.0.2.1";  // TEST-NET-1: never answers
  unroutable.params = {{"connect_timeout", "1"}};
  RunResult timeout = Deploy(SeedDir(), unroutable.Url());
  EXPECT_EQ(timeout.exit_code, exit_code::kDatabase) << timeout.all();
  EXPECT_NE(timeout.err.find("cannot connect to 192.0.2.1"), std::string::npos) << timeout.err;
  ExpectUntouched();

  EXPECT_EQ(codes.size(), 6u);
  EXPECT_EQ(codes.count(0), 0u);
}

TEST_P(BadInputTest, StatusAndResolveShareTheLoadingErrors) {
  TempDir tmp;
  RunResult status =
      RunLockstep({"status", (tmp.path() / "nope").string(), "--database", db().url()});
  EXPECT_EQ(status.exit_code, exit_code::kNotFound);
  RunResult resolve = RunLockstep(
      {"resolve", "--applied", "x", (tmp.path() / "nope").string(), "--database", db().url()});
  EXPECT_EQ(resolve.exit_code, exit_code::kNotFound);
  RunResult usage = RunLockstep({"resolve", SeedDir(), "--database", db().url()});
  EXPECT_EQ(usage.exit_code, exit_code::kUsage);
  RunResult no_db = RunLockstep({"deploy", SeedDir()}, {}, tmp.path().string());
  EXPECT_EQ(no_db.exit_code, exit_code::kUsage);
  EXPECT_NE(no_db.err.find("DATABASE_URL"), std::string::npos);
  ExpectUntouched();
}

LOCKSTEP_PG_MAJORS(BadInputTest, testing::kDefaultPgMajor, 15);

}  // namespace
}  // namespace lockstep::deploy_test

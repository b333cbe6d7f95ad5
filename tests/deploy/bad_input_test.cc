// Bad input: each case is one clear line on stderr, its own exit code, and the database is left
// exactly as it was.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

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

// issue 17.1: a NUL byte would end the text libpg_query and libpq see, so the rest of the file
// was silently dropped and the migration recorded as applied. Every command refuses it, pointing
// at it, before anything runs.
TEST_P(BadInputTest, NulByteIsRefusedByEveryCommandBeforeAnythingRuns) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteFile(dir / "20260101000000_nul" / "migration.sql",
            std::string("CREATE TABLE n1 (id int);\0\nCREATE TABLE n2 (id int);\n", 53));
  const std::string where = (dir / "20260101000000_nul" / "migration.sql").string() + ":1:26";
  RunResult deploy = Deploy(dir.string(), db().url());
  EXPECT_EQ(deploy.exit_code, exit_code::kUsage) << deploy.all();
  EXPECT_NE(deploy.err.find(where + ": error: NUL byte"), std::string::npos) << deploy.err;
  ExpectUntouched();
  for (const char* command : {"lint", "plan", "fix", "status"}) {
    std::vector<std::string> args = {command, dir.string()};
    if (std::string(command) == "status") args.insert(args.end(), {"--database", db().url()});
    RunResult r = RunLockstep(args);
    EXPECT_NE(r.exit_code, 0) << command << ": " << r.all();
    EXPECT_NE(r.err.find(where + ": error: NUL byte"), std::string::npos)
        << command << ": " << r.err;
  }
  ExpectUntouched();
}

// issue 17.2: invalid UTF-8 in a statement was sent raw, rejected (22021), and recording the
// failure failed on the same bytes: exit 4 on every run, nothing recorded. Prisma reads the file
// with U+FFFD replacements and applies that; lockstep does the same, with Prisma's checksum.
TEST_P(BadInputTest, InvalidUtf8IsAppliedAsPrismaAppliesIt) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  const std::string bytes = "CREATE TABLE l1 (v text);\nINSERT INTO l1 VALUES ('caf\xe9');\n";
  WriteFile(dir / "20260101000000_latin1" / "migration.sql", bytes);
  RunResult r = RunLockstep({"deploy", dir.string(), "--database", db().url()});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.err.find("migration.sql:2:28: warning: not valid UTF-8"), std::string::npos) << r.err;
  EXPECT_EQ(Scalar(conn(), "SELECT v FROM l1"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(Scalar(conn(), "SELECT checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL"),
            migrations::PrismaChecksum(bytes));
  RunResult again = RunLockstep({"deploy", dir.string(), "--database", db().url()});
  EXPECT_EQ(again.exit_code, 0) << again.all();
}

// issue 17.2: a UTF-16 file is named as such.
TEST_P(BadInputTest, Utf16FileIsNamed) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteFile(dir / "20260101000000_utf16" / "migration.sql", std::string("\xFF\xFES\0E\0L\0", 8));
  RunResult r = Deploy(dir.string(), db().url());
  EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.all();
  EXPECT_NE(r.err.find("UTF-16"), std::string::npos) << r.err;
  ExpectUntouched();
}

// issue 17.3: Prisma refuses a lock file of another provider (P3019).
TEST_P(BadInputTest, LockFileOfAnotherProviderIsRefused) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteFile(dir / "20260101000000_init" / "migration.sql", "CREATE TABLE m1 (id int);\n");
  WriteFile(dir / "migration_lock.toml", "provider = \"mysql\"\n");
  RunResult r = Deploy(dir.string(), db().url());
  EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.all();
  EXPECT_NE(r.err.find("migration_lock.toml: error: provider \"mysql\""), std::string::npos)
      << r.err;
  ExpectUntouched();
}

// issue 17.15: every folder a symbolic link: Prisma applies nothing and succeeds; lockstep too,
// and says why.
TEST_P(BadInputTest, EveryFolderASymbolicLinkAppliesNothing) {
  TempDir tmp;
  WriteFile(tmp.path() / "elsewhere" / "20260101000000_init" / "migration.sql",
            "CREATE TABLE s1 (id int);\n");
  const fs::path dir = tmp.path() / "migrations";
  fs::create_directories(dir);
  WriteFile(dir / "migration_lock.toml", "provider = \"postgresql\"\n");
  fs::create_directory_symlink(tmp.path() / "elsewhere" / "20260101000000_init",
                               dir / "20260101000000_init");
  RunResult r = RunLockstep({"deploy", dir.string(), "--database", db().url()});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.all().find("every migration folder here is a symbolic link"), std::string::npos)
      << r.all();
  EXPECT_FALSE(TableExists(conn(), "s1"));
}

// issue 17.15: a folder name's control characters are escaped before they reach the terminal.
TEST_P(BadInputTest, ControlCharactersInFolderNamesAreEscaped) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteFile(dir / "20260101000000_x\x1b[2J" / "migration.sql", "CREATE TABLE c1 (id int);\n");
  RunResult r = RunLockstep({"deploy", dir.string(), "--database", db().url()});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.all().find('\x1b'), std::string::npos) << r.all();
  EXPECT_NE(r.all().find("20260101000000_x\\x1b[2J"), std::string::npos) << r.all();
  // lint's reporters name the file of each finding.
  WriteFile(dir / "20260102000000_y\x1b[2J" / "migration.sql", "CREATE INDEX c1_id ON c1 (id);\n");
  for (const char* format : {"text", "gcc"}) {
    RunResult lint = RunLockstep({"lint", dir.string(), "--format", format});
    EXPECT_EQ(lint.exit_code, 1) << format << ": " << lint.all();
    EXPECT_EQ(lint.all().find('\x1b'), std::string::npos) << format << ": " << lint.all();
    EXPECT_NE(lint.all().find("20260102000000_y\\x1b[2J"), std::string::npos)
        << format << ": " << lint.all();
  }
}

// issue 17.14: a lost connection on a one-transaction migration claimed "committed steps are
// kept" when it has none; the server rolled the whole migration back.
TEST_P(BadInputTest, LostConnectionOnAOneTransactionMigrationSaysWhatHappened) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  WriteFile(dir / "20260101000000_lost" / "migration.sql",
            "CREATE TABLE lost1 (id int);\nSELECT pg_terminate_backend(pg_backend_pid());\n");
  RunResult r = RunLockstep({"deploy", dir.string(), "--database", db().url()});
  EXPECT_EQ(r.exit_code, exit_code::kDatabase) << r.all();
  EXPECT_NE(r.err.find("connection to the server was lost"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("committed steps are kept"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("one transaction"), std::string::npos) << r.err;
  EXPECT_FALSE(TableExists(conn(), "lost1"));
}

LOCKSTEP_PG_MAJORS(BadInputTest, testing::kDefaultPgMajor, 15);

}  // namespace
}  // namespace lockstep::deploy_test

namespace lockstep::deploy_test {
namespace {

// issue 17.9: a URL given where a PATH is expected was echoed, password included.
TEST(UrlAsPath, NoCommandPrintsItsPassword) {
  const std::string url = "postgresql://app2:p%40ss@127.0.0.1:1/app?schema=s";
  for (const char* command : {"deploy", "status", "lint", "plan", "fix", "trace", "verify"}) {
    RunResult r = RunLockstep({command, url});
    EXPECT_NE(r.exit_code, 0) << command << ": " << r.all();
    EXPECT_EQ(r.all().find("p%40ss"), std::string::npos) << command << ": " << r.all();
    EXPECT_EQ(r.all().find("p@ss"), std::string::npos) << command << ": " << r.all();
  }
}

// The same for a URL in a place the argument parser rejects (a second PATH, an option's value):
// its message quotes the argument.
TEST(UrlAsPath, NoUsageErrorPrintsItsPassword) {
  const std::string url = "postgresql://app2:p%40ss@127.0.0.1:1/app?schema=s";
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"fix", "a", url},
                                             {"lint", "a", "--format", url},
                                             {"plan", "a", "--format", url},
                                             {"trace", "a", "--format", url},
                                             {"verify", "a", "--format", url}}) {
    RunResult r = RunLockstep(args);
    EXPECT_EQ(r.exit_code, exit_code::kUsage) << args[0] << ": " << r.all();
    EXPECT_EQ(r.all().find("p%40ss"), std::string::npos) << args[0] << ": " << r.all();
    EXPECT_NE(r.all().find("postgresql://app2:****@"), std::string::npos)
        << args[0] << ": " << r.all();
  }
}

// issue 17.14: an unterminated quote in .env is named, not reported as a malformed URL.
TEST(DotEnv, UnterminatedQuoteSaysSo) {
  TempDir tmp;
  WriteFile(tmp.path() / "migrations" / "20260101000000_init" / "migration.sql", "SELECT 1;\n");
  WriteFile(tmp.path() / ".env", "# app\nDATABASE_URL=\"postgresql://u:secret@127.0.0.1:1/db\n");
  RunResult r = RunLockstep({"status", "migrations"}, {}, tmp.path().string());
  EXPECT_EQ(r.exit_code, exit_code::kUsage) << r.all();
  EXPECT_NE(
      r.err.find(".env:2: error: the value of DATABASE_URL opens a quote that is never closed"),
      std::string::npos)
      << r.err;
  EXPECT_EQ(r.all().find("secret"), std::string::npos) << r.all();
}

}  // namespace
}  // namespace lockstep::deploy_test

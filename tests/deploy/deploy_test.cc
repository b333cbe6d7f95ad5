// lockstep deploy / status / resolve against real PostgreSQL (the default major and 15), through
// the built CLI: Prisma-compatible rows, mixed histories, failures and P3009, resolve, schemas,
// .env, dry runs and concurrent-index recovery.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>

#include "base/exit_codes.h"
#include "deploy/fixed_seed.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

class DeployTest : public testing::PgMajorTest {
 protected:
  RunResult Deploy(const fs::path& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"deploy", dir.string(), "--database", db().url()};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunLockstep(args);
    EXPECT_EQ(r.all().find(server().password()), std::string::npos) << "password printed";
    return r;
  }
  RunResult Command(const std::string& command, const fs::path& dir,
                    std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {command, dir.string(), "--database", db().url()};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunLockstep(args);
    EXPECT_EQ(r.all().find(server().password()), std::string::npos) << "password printed";
    return r;
  }
  std::string Q(const std::string& sql) { return Scalar(conn(), sql); }
  // Another fresh database on the same server; null (with a failure) when it cannot be made.
  std::unique_ptr<testing::TestDatabase> NewDatabase(const std::string& label) {
    Result<std::unique_ptr<testing::TestDatabase>> d =
        testing::TestDatabase::Create(major(), label);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::move(d).value() : nullptr;
  }
  int CountRows(const std::string& where = "true") {
    return std::atoi(Q("SELECT count(*) FROM _prisma_migrations WHERE " + where).c_str());
  }
  int InvalidIndexes() {
    return std::atoi(Q("SELECT count(*) FROM pg_index WHERE NOT indisvalid").c_str());
  }
};

// Every row as Prisma writes it after a successful `migrate deploy` of the same directory.
void ExpectPrismaRows(db::Connection& conn, const fs::path& dir) {
  const std::vector<std::string> names = MigrationNames(dir);
  db::DbResult<db::Rows> rows = conn.Exec(
      "SELECT id, checksum, finished_at IS NOT NULL, migration_name, logs, rolled_back_at, "
      "started_at <= finished_at, applied_steps_count FROM _prisma_migrations ORDER BY "
      "migration_name");
  ASSERT_TRUE(rows.ok()) << rows.error().OneLine();
  ASSERT_EQ(rows->size(), names.size());
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& r = rows->rows[i];
    SCOPED_TRACE(names[i]);
    EXPECT_TRUE(std::regex_match(r[0].value_or(""), v4)) << *r[0];
    EXPECT_EQ(r[1], migrations::Sha256Hex(ReadFile(dir / names[i] / "migration.sql")));
    EXPECT_EQ(r[2], "t");
    EXPECT_EQ(r[3], names[i]);
    EXPECT_EQ(r[4], std::nullopt);  // logs
    EXPECT_EQ(r[5], std::nullopt);  // rolled_back_at
    EXPECT_EQ(r[6], "t");
    EXPECT_EQ(r[7], "1");
  }
}

TEST_P(DeployTest, SeedDeploysWithTheRowsAndTablePrismaWrites) {
  RunResult r = Deploy(SeedDir());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("All migrations have been successfully applied"), std::string::npos);
  ExpectPrismaRows(conn(), SeedDir());
  // The table's shape is Prisma's DDL (prisma-facts.md), column for column.
  db::DbResult<db::Rows> cols = conn().Exec(
      "SELECT column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', "
      "'') || ' ' || is_nullable || coalesce(' ' || column_default, '') FROM "
      "information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY "
      "ordinal_position");
  ASSERT_TRUE(cols.ok());
  std::vector<std::string> got;
  for (const auto& row : cols->rows) got.push_back(*row[0]);
  EXPECT_EQ(
      got,
      (std::vector<std::string>{
          "id character varying(36) NO", "checksum character varying(64) NO",
          "finished_at timestamp with time zone YES", "migration_name character varying(255) NO",
          "logs text YES", "rolled_back_at timestamp with time zone YES",
          "started_at timestamp with time zone NO now()", "applied_steps_count integer NO 0"}));
  EXPECT_EQ(Q("SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON "
              "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND "
              "i.indrelid = '_prisma_migrations'::regclass"),
            "id");
  EXPECT_TRUE(TableExists(conn(), "\"Member\""));
  EXPECT_TRUE(TableExists(conn(), "\"DiscordActivity\""));
  EXPECT_FALSE(TableExists(conn(), "_lockstep_progress"));

  RunResult again = Deploy(SeedDir());
  EXPECT_EQ(again.exit_code, 0) << again.all();
  EXPECT_NE(again.out.find("No pending migrations"), std::string::npos);
  EXPECT_EQ(CountRows(), 2);
  RunResult status = Command("status", SeedDir());
  EXPECT_EQ(status.exit_code, 0) << status.all();
  EXPECT_NE(status.out.find("up to date"), std::string::npos);
}

TEST_P(DeployTest, FixedSeedDeploysToTheSameSchemaAsTheOriginal) {
  TempDir tmp;
  const fs::path fixed = tmp.path() / "migrations";
  ASSERT_TRUE(WriteFixedSeed(fixed).ok());
  ASSERT_GE(MigrationNames(fixed).size(), 18u);
  RunResult r = Deploy(fixed);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  ExpectPrismaRows(conn(), fixed);
  EXPECT_EQ(InvalidIndexes(), 0);
  EXPECT_EQ(Q("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"), "0");
  EXPECT_FALSE(TableExists(conn(), "_lockstep_progress"));
  // Concurrent builds ran outside transactions: the output says so, statement by statement.
  EXPECT_NE(r.out.find("outside a transaction"), std::string::npos) << r.out;
  RunResult status = Command("status", fixed);
  EXPECT_EQ(status.exit_code, 0) << status.all();

  std::unique_ptr<testing::TestDatabase> original = NewDatabase("original");
  ASSERT_TRUE(original);
  RunResult o = RunLockstep({"deploy", SeedDir(), "--database", original->url()});
  ASSERT_EQ(o.exit_code, 0) << o.all();
  EXPECT_EQ(CatalogDump(conn()), CatalogDump(original->conn()));
}

// `lockstep deploy | head -1`: the reader goes away after the first line. The deployer must not
// die of SIGPIPE between a statement and its bookkeeping: it finishes, and says so in its exit
// code.
TEST_P(DeployTest, DeployWhoseOutputReaderWentAwayStillAppliesEverything) {
  TempDir tmp;
  const fs::path fixed = tmp.path() / "migrations";
  ASSERT_TRUE(WriteFixedSeed(fixed).ok());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);  // nobody will read: every write to stdout fails with EPIPE
  std::string bin = LOCKSTEP_BIN, cmd = "deploy", dir = fixed.string(), flag = "--database",
              url = db().url();
  char* argv[] = {bin.data(), cmd.data(), dir.data(), flag.data(), url.data(), nullptr};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  close(fds[1]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(Q("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL"),
            std::to_string(MigrationNames(fixed).size()));
  EXPECT_EQ(InvalidIndexes(), 0);
}

TEST_P(DeployTest, MixedHistoryHalfPrismaHalfLockstepIsClean) {
  TempDir tmp;
  const fs::path fixed = tmp.path() / "migrations";
  ASSERT_TRUE(WriteFixedSeed(fixed).ok());
  const std::vector<std::string> names = MigrationNames(fixed);
  const size_t half = names.size() / 2;
  for (size_t i = 0; i < half; ++i) {
    db::DbResult<bool> ok =
        PrismaApply(conn(), names[i], ReadFile(fixed / names[i] / "migration.sql"));
    ASSERT_TRUE(ok.ok() && *ok) << names[i];
  }
  RunResult pending = Command("status", fixed);
  EXPECT_EQ(pending.exit_code, exit_code::kFindings) << pending.all();
  RunResult r = Deploy(fixed);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find(std::to_string(names.size() - half) + " pending migrations"),
            std::string::npos)
      << r.out;
  ExpectPrismaRows(conn(), fixed);
  RunResult status = Command("status", fixed);
  EXPECT_EQ(status.exit_code, 0) << status.all();

  // And the other way round: lockstep's rows are applied migrations for the Prisma path.
  std::unique_ptr<testing::TestDatabase> other = NewDatabase("reverse");
  ASSERT_TRUE(other);
  TempDir first_half;
  CopyMigrations(fixed, first_half.path(),
                 std::vector<std::string>(names.begin(), names.begin() + half));
  ASSERT_EQ(
      RunLockstep({"deploy", first_half.path().string(), "--database", other->url()}).exit_code, 0);
  db::DbResult<db::Rows> applied = other->conn().Exec(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND "
      "rolled_back_at IS NULL");
  ASSERT_TRUE(applied.ok());
  std::set<std::string> done;
  for (const auto& row : applied->rows) done.insert(*row[0]);
  for (size_t i = 0; i < names.size(); ++i) {
    if (done.count(names[i])) continue;
    db::DbResult<bool> ok =
        PrismaApply(other->conn(), names[i], ReadFile(fixed / names[i] / "migration.sql"));
    ASSERT_TRUE(ok.ok() && *ok) << names[i];
  }
  RunResult s2 = RunLockstep({"status", fixed.string(), "--database", other->url()});
  EXPECT_EQ(s2.exit_code, 0) << s2.all();
  EXPECT_EQ(CatalogDump(other->conn()), CatalogDump(conn()));
}

TEST_P(DeployTest, FailedMigrationIsRecordedAsPrismaDoesAndBlocksUntilResolved) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir, {"0_init"});
  const std::string bad = "INSERT INTO \"Member\" (id) SELECT id FROM \"Nope\";";
  WriteFile(dir / "1_bad/migration.sql", "-- copies rows\n" + bad + "\n");
  WriteFile(dir / "2_after/migration.sql", "ALTER TABLE \"Member\" ADD COLUMN after int;\n");
  RunResult r = Deploy(dir);
  EXPECT_EQ(r.exit_code, exit_code::kMigrationFailed) << r.all();
  // The server's error position, mapped back to the file: line 2, the column of "Nope".
  const std::string where = "1_bad/migration.sql:2:" + std::to_string(bad.find("\"Nope\"") + 1);
  EXPECT_NE(r.err.find(where + ": error: relation \"Nope\" does not exist"), std::string::npos)
      << r.err;
  db::DbResult<db::Rows> row = conn().Exec(
      "SELECT finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations "
      "WHERE migration_name = '1_bad'");
  ASSERT_TRUE(row.ok() && row->size() == 1);
  EXPECT_EQ(row->rows[0][0], std::nullopt);
  EXPECT_EQ(row->rows[0][1], std::nullopt);
  EXPECT_EQ(row->rows[0][2], "0");
  EXPECT_NE(row->rows[0][3].value_or("").find("42P01"), std::string::npos);
  EXPECT_EQ(CountRows("migration_name = '2_after'"), 0);

  RunResult blocked = Deploy(dir);
  EXPECT_EQ(blocked.exit_code, exit_code::kBlocked) << blocked.all();
  EXPECT_NE(blocked.err.find("P3009"), std::string::npos);
  EXPECT_NE(blocked.err.find("1_bad"), std::string::npos);
  EXPECT_EQ(Command("status", dir).exit_code, exit_code::kBlocked);

  RunResult wrong = Command("resolve", dir, {"--rolled-back", "2_after"});
  EXPECT_EQ(wrong.exit_code, exit_code::kUsage) << wrong.all();
  RunResult resolved = Command("resolve", dir, {"--rolled-back", "1_bad"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.all();
  EXPECT_EQ(CountRows("migration_name = '1_bad' AND rolled_back_at IS NOT NULL"), 1);

  WriteFile(dir / "1_bad/migration.sql", "ALTER TABLE \"Member\" ADD COLUMN x int;\n");
  RunResult fixed = Deploy(dir);
  ASSERT_EQ(fixed.exit_code, 0) << fixed.all();
  EXPECT_EQ(CountRows("migration_name = '1_bad'"), 2);  // Prisma keeps the rolled-back attempt
  EXPECT_EQ(CountRows("finished_at IS NOT NULL"), 3);
  EXPECT_EQ(Command("status", dir).exit_code, 0);
}

TEST_P(DeployTest, ResolveAppliedBaselinesANonEmptySchema) {
  ASSERT_TRUE(conn().Exec(ReadFile(SeedDir() + "/0_init/migration.sql")).ok());
  RunResult refused = Deploy(SeedDir());
  EXPECT_EQ(refused.exit_code, exit_code::kBlocked) << refused.all();
  EXPECT_NE(refused.err.find("P3005"), std::string::npos) << refused.err;
  EXPECT_FALSE(TableExists(conn(), "_prisma_migrations"));

  RunResult baseline = Command("resolve", SeedDir(), {"--applied", "0_init"});
  ASSERT_EQ(baseline.exit_code, 0) << baseline.all();
  db::DbResult<db::Rows> row = conn().Exec(
      "SELECT logs, applied_steps_count, started_at = finished_at, checksum FROM "
      "_prisma_migrations");
  ASSERT_TRUE(row.ok() && row->size() == 1);
  EXPECT_EQ(row->rows[0][0], "");  // prisma-engines' mark_migration_applied writes logs ''
  EXPECT_EQ(row->rows[0][1], "0");
  EXPECT_EQ(row->rows[0][2], "t");
  EXPECT_EQ(row->rows[0][3], migrations::Sha256Hex(ReadFile(SeedDir() + "/0_init/migration.sql")));
  EXPECT_EQ(Command("resolve", SeedDir(), {"--applied", "0_init"}).exit_code, exit_code::kUsage);
  EXPECT_EQ(Command("resolve", SeedDir(), {"--applied", "no_such"}).exit_code, exit_code::kUsage);

  RunResult r = Deploy(SeedDir());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(CountRows(), 2);
}

TEST_P(DeployTest, SchemaParameterHoldsTablesAndHistory) {
  std::string url = db().url();
  url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("schema=app");
  RunResult r = RunLockstep({"deploy", SeedDir(), "--database", url});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(TableExists(conn(), "app._prisma_migrations"));
  EXPECT_TRUE(TableExists(conn(), "app.\"Member\""));
  EXPECT_FALSE(TableExists(conn(), "public._prisma_migrations"));
  EXPECT_FALSE(TableExists(conn(), "public.\"Member\""));
  EXPECT_NE(r.out.find("schema \"app\""), std::string::npos);
  EXPECT_EQ(RunLockstep({"status", SeedDir(), "--database", url}).exit_code, 0);
  // The same database without ?schema= has nothing deployed in public.
  EXPECT_EQ(Command("status", SeedDir()).exit_code, exit_code::kFindings);
}

TEST_P(DeployTest, DatabaseUrlFromDotEnvAndDefaultDirectory) {
  TempDir project;
  CopyMigrations(SeedDir(), project.path() / "prisma/migrations");
  WriteFile(project.path() / ".env", "# the app's settings\nDATABASE_URL=\"" + db().url() + "\"\n");
  RunResult r = RunLockstep({"deploy"}, {}, project.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("DATABASE_URL from"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("****"), std::string::npos) << r.out;
  EXPECT_EQ(r.all().find(server().password()), std::string::npos);
  EXPECT_EQ(CountRows(), 2);
  // The environment wins over .env, as in Prisma.
  RunResult env = RunLockstep({"status"}, {{"DATABASE_URL", "postgresql://nobody@127.0.0.1:1/x"}},
                              project.path().string());
  EXPECT_EQ(env.exit_code, exit_code::kDatabase) << env.all();
}

TEST_P(DeployTest, DryRunPrintsThePlanAndTouchesNothing) {
  TempDir tmp;
  const fs::path fixed = tmp.path() / "migrations";
  ASSERT_TRUE(WriteFixedSeed(fixed).ok());
  RunResult r =
      Deploy(fixed, {"--dry-run", "--lock-timeout", "250ms", "--statement-timeout", "5s"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find(
                "BEGIN; SET LOCAL lock_timeout = '250ms'; SET LOCAL statement_timeout = '5000ms';"),
            std::string::npos);
  EXPECT_NE(r.out.find("SET lock_timeout = '250ms'; SET statement_timeout = 0;\n"),
            std::string::npos);
  EXPECT_NE(r.out.find("CREATE INDEX CONCURRENTLY \"Member_totalPoints_idx\""), std::string::npos);
  EXPECT_NE(r.out.find("SET LOCAL statement_timeout = 0;\n-- "), std::string::npos) << "VALIDATE";
  EXPECT_FALSE(TableExists(conn(), "_prisma_migrations"));
  EXPECT_FALSE(TableExists(conn(), "\"Member\""));
  // No database needed at all.
  RunResult offline = RunLockstep({"deploy", fixed.string(), "--dry-run", "--lock-timeout", "250ms",
                                   "--statement-timeout", "5s"});
  EXPECT_EQ(offline.exit_code, 0) << offline.all();
  EXPECT_EQ(offline.out, r.out);
}

TEST_P(DeployTest, MigrationsOwnTransactionAndSessionSettingsWork) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir, {"0_init"});
  WriteFile(dir / "1_mixed/migration.sql",
            "CREATE SCHEMA extra;\n"
            "SET search_path TO extra, public;\n"
            "BEGIN;\nCREATE TABLE t (id int, v int);\nINSERT INTO t VALUES (1, 1);\nCOMMIT;\n"
            "CREATE INDEX CONCURRENTLY t_v ON t (v);\n"
            "ALTER TABLE t ADD COLUMN w int;\n");
  RunResult r = Deploy(dir);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(TableExists(conn(), "extra.t"));
  EXPECT_EQ(Q("SELECT indisvalid FROM pg_index WHERE indexrelid = 'extra.t_v'::regclass"), "t");
  EXPECT_EQ(
      Q("SELECT count(*) FROM pg_attribute WHERE attrelid = 'extra.t'::regclass AND attname = 'w'"),
      "1");
  EXPECT_FALSE(TableExists(conn(), "_lockstep_progress"));
  ExpectPrismaRows(conn(), dir);
}

TEST_P(DeployTest, InvalidIndexLeftByAnEarlierBuildIsDroppedAndRebuilt) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir, {"0_init"});
  ASSERT_EQ(Deploy(dir).exit_code, 0);
  // A unique concurrent build over duplicates fails and leaves its index INVALID.
  ASSERT_TRUE(conn()
                  .Exec("INSERT INTO \"Member\" (id, email, name, \"updatedAt\") VALUES "
                        "('a', 'a@x', 'same', now()), ('b', 'b@x', 'same', now())")
                  .ok());
  ASSERT_FALSE(
      conn()
          .Exec("CREATE UNIQUE INDEX CONCURRENTLY \"Member_name_key\" ON \"Member\" (name)")
          .ok());
  ASSERT_EQ(InvalidIndexes(), 1);
  ASSERT_TRUE(conn().Exec("UPDATE \"Member\" SET name = 'other' WHERE id = 'b'").ok());
  WriteFile(
      dir / "1_name_key/migration.sql",
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Member_name_key\" ON \"Member\" (name);\n");
  RunResult r = Deploy(dir);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("dropping INVALID index"), std::string::npos) << r.out;
  EXPECT_EQ(InvalidIndexes(), 0);
  EXPECT_EQ(Q("SELECT indisvalid FROM pg_index WHERE indexrelid = '\"Member_name_key\"'::regclass"),
            "t");
}

TEST_P(DeployTest, FailedConcurrentBuildLeavesNoInvalidIndexAndIsRecorded) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir, {"0_init"});
  ASSERT_EQ(Deploy(dir).exit_code, 0);
  ASSERT_TRUE(conn()
                  .Exec("INSERT INTO \"Member\" (id, email, name, \"updatedAt\") VALUES "
                        "('a', 'a@x', 'same', now()), ('b', 'b@x', 'same', now())")
                  .ok());
  WriteFile(dir / "1_name_key/migration.sql",
            "CREATE UNIQUE INDEX CONCURRENTLY \"Member_name_key\" ON \"Member\" (name);\n");
  RunResult r = Deploy(dir);
  EXPECT_EQ(r.exit_code, exit_code::kMigrationFailed) << r.all();
  EXPECT_NE(r.err.find("could not create unique index"), std::string::npos) << r.err;
  EXPECT_EQ(InvalidIndexes(), 0);
  EXPECT_EQ(CountRows("migration_name = '1_name_key' AND finished_at IS NULL"), 1);
  EXPECT_FALSE(TableExists(conn(), "_lockstep_progress"));
}

TEST_P(DeployTest, GivingUpOnLockTimeoutsRecordsNothingAndARerunSucceeds) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir, {"0_init"});
  ASSERT_EQ(Deploy(dir).exit_code, 0);
  WriteFile(dir / "1_col/migration.sql", "ALTER TABLE \"Member\" ADD COLUMN bio text;\n");
  db::DbResult<db::Connection> holder = db().Connect();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(holder->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  RunResult r = Deploy(dir, {"--max-attempts", "3", "--retry-delay", "20ms"});
  EXPECT_EQ(r.exit_code, exit_code::kTimedOut) << r.all();
  EXPECT_NE(r.err.find("gave up"), std::string::npos) << r.err;
  EXPECT_NE(r.all().find("pid " + std::to_string(holder->backend_pid())), std::string::npos)
      << r.all();
  EXPECT_EQ(CountRows("migration_name = '1_col'"), 0);  // nothing that would block Prisma
  ASSERT_TRUE(holder->Exec("COMMIT").ok());
  RunResult again = Deploy(dir);
  EXPECT_EQ(again.exit_code, 0) << again.all();
  EXPECT_EQ(CountRows("migration_name = '1_col' AND finished_at IS NOT NULL"), 1);
}

TEST_P(DeployTest, StatusReportsModifiedAndMissingMigrations) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir);
  ASSERT_EQ(Deploy(dir).exit_code, 0);
  // CRLF line endings alone are not a modification (Prisma compares CRLF-tolerantly).
  std::string init = ReadFile(dir / "0_init/migration.sql");
  std::string crlf;
  for (char c : init) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  WriteFile(dir / "0_init/migration.sql", crlf);
  EXPECT_EQ(Command("status", dir).exit_code, 0);
  WriteFile(dir / "0_init/migration.sql", init + "\n-- edited\n");
  RunResult modified = Command("status", dir);
  EXPECT_EQ(modified.exit_code, exit_code::kDrift) << modified.all();
  EXPECT_NE(modified.out.find("modified"), std::string::npos);
  WriteFile(dir / "0_init/migration.sql", init);
  fs::remove_all(dir / "20260123015816_add_v2_tables");
  RunResult missing = Command("status", dir);
  EXPECT_EQ(missing.exit_code, exit_code::kDrift) << missing.all();
  EXPECT_NE(missing.out.find("missing"), std::string::npos);
}

LOCKSTEP_PG_MAJORS(DeployTest, testing::kDefaultPgMajor, 15);

}  // namespace
}  // namespace lockstep::deploy_test

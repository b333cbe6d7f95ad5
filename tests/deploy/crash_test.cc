// Crash safety: the deployer SIGKILLed at every step boundary of the seed's fixed sequence and in
// the middle of concurrent index builds, its backend terminated by the server, two deployers
// started at once. After each, a re-run completes, the schema equals a clean run's, no INVALID
// index is left, and no `_prisma_migrations` row ever blocks Prisma (P3009).
#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "deploy/fixed_seed.h"
#include "deploy/helpers.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;

class CrashTest : public testing::PgMajorTest {
 protected:
  // A database on the shared server, dropped on destruction; `from` a template database.
  std::unique_ptr<testing::TestDatabase> NewScratch(const std::string& label,
                                                    const std::string& from = "template0") {
    return testing::ScratchDatabase(server(), label, from);
  }
  static int Int(db::Connection& c, const std::string& sql) {
    return std::atoi(Scalar(c, sql).c_str());
  }
  static int BlockingRows(db::Connection& c) {
    if (!TableExists(c, "_prisma_migrations")) return 0;
    return Int(c,
               "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL AND "
               "rolled_back_at IS NULL");
  }
  static int InvalidIndexes(db::Connection& c) {
    return Int(c, "SELECT count(*) FROM pg_index WHERE NOT indisvalid");
  }
  // Waits until no session of a lockstep deployer is left (a killed client's backend lives on
  // until the server notices).

  // The pid of the backend building an index on "Member" (not, e.g., the primary key of
  // lockstep's progress table), once the build has reached a phase that starts with `phase`
  // (0 when it never does within the timeout).
  static int WaitForBuildPhase(db::Connection& c, const std::string& datname,
                               const std::string& phase, Child& child) {
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (Clock::now() < deadline && child.Running()) {
      db::DbResult<db::Rows> r = c.Exec(
          "SELECT p.pid::text FROM pg_stat_progress_create_index p WHERE p.datname = $1 AND "
          "starts_with(p.phase, $2) AND p.relid = to_regclass('\"Member\"')",
          {datname, phase});
      if (r.ok() && !r->empty()) return std::atoi(r->rows[0][0]->c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return 0;
  }
};

TEST_P(CrashTest, KillAtEveryStepBoundaryOfTheFixedSeedThenRerun) {
  TempDir tmp;
  const fs::path fixed = tmp.path() / "migrations";
  ASSERT_TRUE(WriteFixedSeed(fixed).ok());
  const size_t migrations = MigrationNames(fixed).size();

  std::unique_ptr<testing::TestDatabase> clean = NewScratch("clean");
  ASSERT_TRUE(clean);
  RunResult c = RunLockstep({"deploy", fixed.string(), "--database", clean->url()});
  ASSERT_EQ(c.exit_code, 0) << c.all();
  const std::string expected = CatalogDump(clean->conn());
  const std::optional<std::string> expected_dump =
      PgDumpSchema(major(), server().socket_dir().string(), server().port(), clean->name());

  int kill_points = 0;
  for (int n = 1;; ++n) {
    SCOPED_TRACE("kill point " + std::to_string(n));
    std::unique_ptr<testing::TestDatabase> s = NewScratch("k" + std::to_string(n));
    ASSERT_TRUE(s);
    RunResult killed = RunLockstep({"deploy", fixed.string(), "--database", s->url()},
                                   {{"LOCKSTEP_TEST_KILL_AT", std::to_string(n)}});
    if (killed.signal == 0) {
      // Past the last boundary: the run completed untouched.
      ASSERT_EQ(killed.exit_code, 0) << killed.all();
      break;
    }
    ASSERT_EQ(killed.signal, SIGKILL) << killed.all();
    ++kill_points;
    ASSERT_TRUE(AwaitState(s->conn(), NoDeployerSession()))
        << "the killed deployer's session never ended";
    EXPECT_EQ(BlockingRows(s->conn()), 0) << "a row would block prisma migrate deploy (P3009)";
    RunResult rerun = RunLockstep({"deploy", fixed.string(), "--database", s->url()});
    ASSERT_EQ(rerun.exit_code, 0) << killed.all() << "\n--- re-run ---\n" << rerun.all();
    EXPECT_EQ(CatalogDump(s->conn()), expected);
    if (expected_dump) {
      EXPECT_EQ(PgDumpSchema(major(), server().socket_dir().string(), server().port(), s->name()),
                expected_dump);
    }
    EXPECT_EQ(InvalidIndexes(s->conn()), 0);
    EXPECT_EQ(BlockingRows(s->conn()), 0);
    EXPECT_EQ(Int(s->conn(),
                  "SELECT count(DISTINCT migration_name) FROM _prisma_migrations WHERE "
                  "finished_at IS NOT NULL"),
              static_cast<int>(migrations));
    EXPECT_EQ(Int(s->conn(), "SELECT count(*) FROM _prisma_migrations"),
              static_cast<int>(migrations))
        << "applied twice";
    EXPECT_FALSE(TableExists(s->conn(), "_lockstep_progress"));
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("[ deploy ] %d kill points, each followed by a successful re-run\n", kill_points);
  EXPECT_GE(kill_points, 20);
}

// A split migration (transaction, concurrent build, transaction) killed at each boundary resumes
// where it stopped: the statements before the kill are not run twice.
TEST_P(CrashTest, SplitMigrationResumesWithoutRerunningCommittedSteps) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir, {"0_init"});
  WriteFile(dir / "1_split/migration.sql",
            "CREATE TABLE audit (id serial PRIMARY KEY, note text);\n"
            "INSERT INTO audit (note) VALUES ('once');\n"
            "CREATE INDEX CONCURRENTLY audit_note ON audit (note);\n"
            "INSERT INTO audit (note) VALUES ('twice');\n"
            "CREATE INDEX CONCURRENTLY \"Member_name_idx\" ON \"Member\" (name);\n");
  int kill_points = 0;
  for (int n = 1;; ++n) {
    SCOPED_TRACE("kill point " + std::to_string(n));
    std::unique_ptr<testing::TestDatabase> s = NewScratch("s" + std::to_string(n));
    ASSERT_TRUE(s);
    RunResult killed = RunLockstep({"deploy", dir.string(), "--database", s->url()},
                                   {{"LOCKSTEP_TEST_KILL_AT", std::to_string(n)}});
    if (killed.signal == 0) {
      ASSERT_EQ(killed.exit_code, 0) << killed.all();
      break;
    }
    ++kill_points;
    ASSERT_TRUE(AwaitState(s->conn(), NoDeployerSession()))
        << "the killed deployer's session never ended";
    EXPECT_EQ(BlockingRows(s->conn()), 0);
    RunResult rerun = RunLockstep({"deploy", dir.string(), "--database", s->url()});
    ASSERT_EQ(rerun.exit_code, 0) << killed.all() << "\n--- re-run ---\n" << rerun.all();
    EXPECT_EQ(Scalar(s->conn(), "SELECT string_agg(note, ',' ORDER BY id) FROM audit"),
              "once,twice");
    EXPECT_EQ(InvalidIndexes(s->conn()), 0);
    EXPECT_EQ(Int(s->conn(),
                  "SELECT count(*) FROM pg_indexes WHERE indexname IN ('audit_note', "
                  "'Member_name_idx')"),
              2);
    EXPECT_EQ(Int(s->conn(), "SELECT count(*) FROM _prisma_migrations"), 2);
    EXPECT_FALSE(TableExists(s->conn(), "_lockstep_progress"));
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GE(kill_points, 8);
}

class BuildCrashTest : public CrashTest {
 protected:
  void SetUp() override {
    CrashTest::SetUp();
    if (HasFatalFailure()) return;
    // A template with the seed's first migration applied and a populated Member table, so that
    // a concurrent build takes long enough to be interrupted in each phase.
    template_ = NewScratch("tpl");
    ASSERT_TRUE(template_);
    dir_ = tmp_.path() / "migrations";
    CopyMigrations(SeedDir(), dir_, {"0_init"});
    RunResult r = RunLockstep({"deploy", dir_.string(), "--database", template_->url()});
    ASSERT_EQ(r.exit_code, 0) << r.all();
    ASSERT_TRUE(
        template_->conn()
            .Exec(
                "INSERT INTO \"Member\" (id, email, name, \"updatedAt\") SELECT 'm' || g, 'm' || g "
                "|| "
                "'@example.com', md5(g::text) || md5((g * 7)::text), now() FROM generate_series(1, "
                "600000) g")
            .ok());
    template_->Disconnect();
    WriteFile(dir_ / "1_idx/migration.sql",
              "CREATE INDEX CONCURRENTLY \"Member_name_idx\" ON \"Member\" (name, email);\n");
  }
  std::unique_ptr<testing::TestDatabase> FromTemplate(const std::string& name) {
    return NewScratch(name, template_->name());
  }
  std::unique_ptr<testing::TestDatabase> template_;
  TempDir tmp_;
  fs::path dir_;
};

TEST_P(BuildCrashTest, KillDuringEachPhaseOfAConcurrentBuildThenRerun) {
  for (const std::string phase : {"building index", "building index: sorting", "index validation",
                                  "waiting for old snapshots"}) {
    SCOPED_TRACE("killed in phase " + phase);
    std::unique_ptr<testing::TestDatabase> s = FromTemplate("p" + std::to_string(phase.size()));
    ASSERT_TRUE(s);
    // The server notices a dead client only every client_connection_check_interval (1 s), and
    // the rest of a phase (or the final wait, which ends at once when no older snapshot exists)
    // can finish sooner: the index would then be marked valid before the kill is noticed. A
    // repeatable-read transaction whose snapshot predates the build holds it in "waiting for old
    // snapshots" until the killed backend is gone, so the kill always interrupts the build.
    std::optional<db::Connection> snapshot;
    {
      // The application's kind of session (no idle_in_transaction bound): db::Connect's 5 s
      // default ends this one when a loaded machine takes longer to reach the phase and kill.
      db::DbResult<db::Connection> c = db::Connect(server().socket_conninfo(s->name()),
                                                   testing::TestDatabase::ApplicationSession());
      ASSERT_TRUE(c.ok());
      snapshot.emplace(std::move(*c));
      ASSERT_TRUE(snapshot->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ").ok());
      ASSERT_TRUE(snapshot->Exec("SELECT 1").ok());
    }
    Child child({"deploy", dir_.string(), "--database", s->url(), "--progress-interval", "100ms"});
    const int pid = WaitForBuildPhase(s->conn(), s->name(), phase, child);
    if (pid == 0) {
      // The build went through this phase between two polls: not a failure of lockstep.
      ASSERT_TRUE(snapshot->Exec("COMMIT").ok());
      RunResult done = child.Wait();
      ASSERT_EQ(done.exit_code, 0) << done.all();
      std::printf("[ deploy ] phase '%s' not caught; build finished\n", phase.c_str());
      continue;
    }
    child.Kill(SIGKILL);
    RunResult killed = child.Wait();
    ASSERT_EQ(killed.signal, SIGKILL);
    ASSERT_TRUE(AwaitState(s->conn(), NoDeployerSession()))
        << "the killed deployer's session never ended";
    ASSERT_TRUE(snapshot->Exec("COMMIT").ok());
    // The server noticed the dead client (client_connection_check_interval) and aborted the
    // build, leaving the INVALID index a crash leaves.
    EXPECT_EQ(Scalar(s->conn(),
                     "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                     "to_regclass('\"Member_name_idx\"')"),
              "f")
        << killed.all() << "\nbuild seen in backend " << pid << "\n"
        << Scalar(s->conn(),
                  "SELECT string_agg(indexrelid::regclass || ' ' || indisvalid, ', ') "
                  "FROM pg_index WHERE indrelid = '\"Member\"'::regclass");
    EXPECT_EQ(BlockingRows(s->conn()), 0);
    RunResult rerun = RunLockstep({"deploy", dir_.string(), "--database", s->url()});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
    EXPECT_NE(rerun.out.find("dropping INVALID index"), std::string::npos) << rerun.out;
    EXPECT_EQ(InvalidIndexes(s->conn()), 0);
    EXPECT_EQ(Scalar(s->conn(),
                     "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                     "'\"Member_name_idx\"'::regclass"),
              "t");
    EXPECT_EQ(Int(s->conn(), "SELECT count(*) FROM _prisma_migrations"), 2);
  }
}

// A REINDEX … CONCURRENTLY killed while it builds leaves an INVALID `<index>_ccnew` copy; the
// re-run must find it (from the index it names, or every index of the table it names) and drop
// it before reindexing again.
TEST_P(BuildCrashTest, KillDuringAConcurrentReindexThenRerunDropsTheCcnewLeftover) {
  for (const std::string form :
       {"INDEX CONCURRENTLY \"Member_email_key\"", "TABLE CONCURRENTLY \"Member\""}) {
    SCOPED_TRACE("REINDEX " + form);
    std::unique_ptr<testing::TestDatabase> s = FromTemplate("rx" + std::to_string(form.size()));
    ASSERT_TRUE(s);
    const fs::path dir = tmp_.path() / ("reindex" + std::to_string(form.size()));
    CopyMigrations(dir_, dir, {"0_init"});
    WriteFile(dir / "1_reindex/migration.sql", "REINDEX " + form + ";\n");
    // As in the build test: an older snapshot keeps the reindex from finishing before the
    // server notices that its client is gone.
    db::DbResult<db::Connection> snapshot = db::Connect(
        server().socket_conninfo(s->name()), testing::TestDatabase::ApplicationSession());
    ASSERT_TRUE(snapshot.ok());
    ASSERT_TRUE(snapshot->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ").ok());
    ASSERT_TRUE(snapshot->Exec("SELECT 1").ok());
    Child child({"deploy", dir.string(), "--database", s->url()});
    const int pid = WaitForBuildPhase(s->conn(), s->name(), "building index", child);
    ASSERT_NE(pid, 0) << child.Wait().all();
    child.Kill(SIGKILL);
    RunResult killed = child.Wait();
    ASSERT_EQ(killed.signal, SIGKILL);
    ASSERT_TRUE(AwaitState(s->conn(), NoDeployerSession()))
        << "the killed deployer's session never ended";
    ASSERT_TRUE(snapshot->Exec("COMMIT").ok());
    ASSERT_GE(Int(s->conn(),
                  "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                  "WHERE NOT i.indisvalid AND c.relname LIKE '%\\_ccnew%'"),
              1)
        << "the kill left no _ccnew index: the test did not interrupt the reindex";
    RunResult rerun = RunLockstep({"deploy", dir.string(), "--database", s->url()});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
    EXPECT_NE(rerun.out.find("_ccnew"), std::string::npos) << rerun.out;
    EXPECT_EQ(InvalidIndexes(s->conn()), 0)
        << Scalar(s->conn(),
                  "SELECT string_agg(indexrelid::regclass || ' ' || indisvalid, ', ') "
                  "FROM pg_index WHERE indrelid = '\"Member\"'::regclass");
    EXPECT_EQ(Int(s->conn(), "SELECT count(*) FROM _prisma_migrations"), 2);
  }
}

TEST_P(BuildCrashTest, ProgressIsReportedWhileTheBuildRuns) {
  std::unique_ptr<testing::TestDatabase> s = FromTemplate("progress");
  ASSERT_TRUE(s);
  RunResult r = RunLockstep(
      {"deploy", dir_.string(), "--database", s->url(), "--progress-interval", "100ms"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  // Plain periodic lines (not a terminal): the phase and blocks or tuples done of total.
  EXPECT_NE(r.out.find("building index"), std::string::npos) << r.out;
  EXPECT_TRUE(r.out.find("blocks ") != std::string::npos ||
              r.out.find("tuples ") != std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("\r"), std::string::npos);
}

TEST_P(BuildCrashTest, ServerTerminatingTheDeployersBackendThenRerun) {
  std::unique_ptr<testing::TestDatabase> s = FromTemplate("term");
  ASSERT_TRUE(s);
  Child child({"deploy", dir_.string(), "--database", s->url()});
  const int pid = WaitForBuildPhase(s->conn(), s->name(), "building index", child);
  ASSERT_NE(pid, 0) << child.Wait().all();
  ASSERT_EQ(Scalar(s->conn(), "SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), "t");
  RunResult r = child.Wait();
  EXPECT_EQ(r.exit_code, exit_code::kDatabase) << r.all();
  EXPECT_NE(r.err.find("connection to the server was lost"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1_idx/migration.sql:1:1"), std::string::npos) << r.err;
  EXPECT_EQ(BlockingRows(s->conn()), 0);
  RunResult rerun = RunLockstep({"deploy", dir_.string(), "--database", s->url()});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.all();
  EXPECT_EQ(InvalidIndexes(s->conn()), 0);
  EXPECT_EQ(Int(s->conn(), "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL"),
            2);
}

TEST_P(CrashTest, TwoDeployersAtOnceApplyEverythingExactlyOnce) {
  TempDir tmp;
  const fs::path fixed = tmp.path() / "migrations";
  ASSERT_TRUE(WriteFixedSeed(fixed).ok());
  const size_t n = MigrationNames(fixed).size();
  Child a({"deploy", fixed.string(), "--database", db().url(), "--lock-wait", "120s"});
  Child b({"deploy", fixed.string(), "--database", db().url(), "--lock-wait", "120s"});
  RunResult ra = a.Wait(), rb = b.Wait();
  ASSERT_EQ(ra.exit_code, 0) << ra.all();
  ASSERT_EQ(rb.exit_code, 0) << rb.all();
  const std::string applied_all = std::to_string(n) + " pending migrations";
  const int appliers = (ra.out.find(applied_all) != std::string::npos) +
                       (rb.out.find(applied_all) != std::string::npos);
  EXPECT_EQ(appliers, 1) << ra.out << "\n---\n" << rb.out;
  const RunResult& other = ra.out.find(applied_all) != std::string::npos ? rb : ra;
  EXPECT_NE(other.out.find("No pending migrations"), std::string::npos) << other.out;
  EXPECT_EQ(Int(conn(), "SELECT count(*) FROM _prisma_migrations"), static_cast<int>(n));
  EXPECT_EQ(Int(conn(), "SELECT count(DISTINCT migration_name) FROM _prisma_migrations"),
            static_cast<int>(n));
  EXPECT_EQ(InvalidIndexes(conn()), 0);
}

TEST_P(CrashTest, SecondDeployerGivesUpCleanlyWhileTheFirstHoldsTheLock) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "migrations";
  CopyMigrations(SeedDir(), dir, {"0_init"});
  ASSERT_EQ(RunLockstep({"deploy", dir.string(), "--database", db().url()}).exit_code, 0);
  WriteFile(dir / "1_col/migration.sql", "ALTER TABLE \"Member\" ADD COLUMN bio text;\n");
  // The first deployer keeps retrying behind a reader, holding the advisory lock meanwhile.
  db::DbResult<db::Connection> reader = db().Connect();
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader->Exec("BEGIN; SELECT count(*) FROM \"Member\"").ok());
  Child first({"deploy", dir.string(), "--database", db().url(), "--retry-delay", "50ms",
               "--max-retry-delay", "100ms"});
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline && first.OutputSoFar().find("lock_timeout (") == std::string::npos)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  RunResult second =
      RunLockstep({"deploy", dir.string(), "--database", db().url(), "--lock-wait", "300ms"});
  EXPECT_EQ(second.exit_code, exit_code::kLockHeld) << second.all();
  EXPECT_NE(second.err.find("another deployer holds the migration lock"), std::string::npos);
  EXPECT_NE(second.err.find("lockstep deploy"), std::string::npos) << "names the holder";
  ASSERT_TRUE(reader->Exec("COMMIT").ok());
  RunResult r = first.Wait();
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(Int(conn(), "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '1_col'"),
            1);
}

LOCKSTEP_PG_MAJORS(CrashTest, testing::kDefaultPgMajor, 15);
LOCKSTEP_PG_MAJORS(BuildCrashTest, testing::kDefaultPgMajor, 15);

}  // namespace
}  // namespace lockstep::deploy_test

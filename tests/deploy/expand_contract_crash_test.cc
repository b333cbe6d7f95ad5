// Crash safety of an expand/contract sequence (issue 13, acceptance "kill -9 ... across a backfill
// and an expand/contract sequence"). `lockstep fix` rewrites two migrations of a 3,000-row table,
// a type change (INTEGER -> BIGINT) and a column rename, into expand folders with sync triggers,
// batched backfills, VALIDATE, the type change's swap transaction, a concurrent index build, and
// held contract migrations (released with `lockstep contract release`); a later migration is a
// non-idempotent backfill (`"visits" = "visits" + 1`) running through the rename's sync trigger.
// The deployer SIGKILLs itself (a real SIGKILL of the process) at one named point per run:
// LOCKSTEP_TEST_KILL_AT=n@MIGRATION counts the step boundaries of that migration only (runner.cc:
// before a transaction, before each statement, before and after its COMMIT; per backfill batch:
// before it, after its range query, after BEGIN, after the UPDATE, after the COMMIT with its
// position; around a concurrent build: before, after its start is recorded, after the build, after
// it is recorded).
//
// Points covered (Points() below): before the type change's expand folder, inside it, after its
// commit; the `visits + 1` backfill mid-batch (first batch, then second batch with the first
// committed) and between two batches; the new column's backfill between batches; inside the
// VALIDATE folder; inside the swap transaction, after all its statements before the COMMIT that
// records it, after that COMMIT; the rename's expand, its backfill mid-batch, its concurrent
// index build (before and after the build); inside each contract migration and between the two.
// After each kill, before the re-run, the database is checked to be where the point says
// (e.g. the swap not visible before its commit), so the points cannot silently drift. Then a
// re-run of deploy finishes, the contract is released and deployed (the contract's points start
// from a copy of a clean run's database after its expand, the contract released), and:
// pg_dump --schema-only equals a clean run's, every value is right, every row's "visits" is
// exactly 1, nothing of the expand (trigger, function, old column, lockstep's progress) is left,
// and `_prisma_migrations` has one finished row per folder.
#include <gtest/gtest.h>

#include "deploy/helpers.h"
#include "sql/parser.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRows = 3000;

// The history before the fix: a table with rows, then the two migrations fix rewrites.
constexpr const char* kInit =
    "-- CreateTable\n"
    "CREATE TABLE \"Member\" (\n"
    "    \"id\" SERIAL NOT NULL,\n"
    "    \"name\" TEXT NOT NULL,\n"
    "    \"totalPoints\" INTEGER NOT NULL DEFAULT 0,\n"
    "    \"visits\" INTEGER NOT NULL DEFAULT 0,\n"
    "\n"
    "    CONSTRAINT \"Member_pkey\" PRIMARY KEY (\"id\")\n"
    ");\n"
    "\n"
    "-- CreateIndex\n"
    "CREATE INDEX \"Member_name_idx\" ON \"Member\"(\"name\");\n"
    "\n"
    "INSERT INTO \"Member\" (\"name\", \"totalPoints\") SELECT 'm' || g, 3 * g FROM "
    "generate_series(1, 3000) g;\n";
constexpr const char* kTypeChange =
    "-- AlterTable\n"
    "ALTER TABLE \"Member\" ALTER COLUMN \"totalPoints\" SET DATA TYPE BIGINT;\n";
constexpr const char* kRename =
    "-- AlterTable\n"
    "ALTER TABLE \"Member\" RENAME COLUMN \"name\" TO \"displayName\";\n";
// Written after the rename's fix, so it runs during the expand phase, through the sync trigger.
constexpr const char* kCountVisits =
    "-- Counts one more visit for every member: run twice on a row, it would count two.\n"
    "UPDATE \"Member\" SET \"visits\" = \"visits\" + 1;\n";

enum class Phase { kExpand, kContract };

struct KillPoint {
  std::string migration;  // the folder's name after its timestamp (fix names the folders)
  int n;                  // the n-th step boundary of that migration; 0 its last, -1 the one before
  Phase phase;
  std::string what;
  std::string state;  // SQL that is true right after the kill when it landed where `what` says
};

// The type of a column of "Member", NULL when there is none (a subquery).
std::string Type(const std::string& column) {
  return "(SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
         "'\"Member\"'::regclass AND attname = '" +
         column + "' AND NOT attisdropped)";
}

// Rows for which `condition` holds: none, some (not all), all.
std::string NoRow(const std::string& condition) {
  return "NOT EXISTS (SELECT 1 FROM \"Member\" WHERE " + condition + ")";
}
std::string SomeRows(const std::string& condition) {
  return "EXISTS (SELECT 1 FROM \"Member\" WHERE " + condition +
         ") AND EXISTS (SELECT 1 FROM "
         "\"Member\" WHERE NOT (" +
         condition + "))";
}

std::vector<KillPoint> Points() {
  const std::string bumped = "\"visits\" = 1";
  return {
      {"_member_points_bigint", 1, Phase::kExpand, "before the type change's expand folder",
       Type("totalPoints_new") + " IS NULL"},
      {"_member_points_bigint", 3, Phase::kExpand,
       "inside the expand transaction (new column added, trigger not yet)",
       Type("totalPoints_new") + " IS NULL"},
      {"_member_points_bigint", 0, Phase::kExpand, "after the expand folder's commit",
       Type("totalPoints_new") + " = 'bigint' AND (SELECT count(*) FROM pg_trigger WHERE NOT "
                                 "tgisinternal) = 1"},
      {"_backfill_member_total_points_new", 11, Phase::kExpand,
       "the new column's backfill, between batches (two committed)",
       SomeRows("\"totalPoints_new\" IS NOT NULL")},
      {"_validate_member_points_bigint_checks", 3, Phase::kExpand,
       "inside the VALIDATE folder (validated, not committed)",
       "NOT (SELECT convalidated FROM pg_constraint WHERE conname = "
       "'Member_totalPoints_new_not_null_check')"},
      {"_swap_member_total_points", 8, Phase::kExpand,
       "inside the swap transaction (old column renamed away, new one not yet in place)",
       Type("totalPoints") + " = 'integer' AND " + Type("totalPoints_old") + " IS NULL"},
      {"_swap_member_total_points", -1, Phase::kExpand,
       "after every statement of the swap, before the COMMIT that records it",
       Type("totalPoints") + " = 'integer' AND " + Type("totalPoints_old") + " IS NULL"},
      {"_swap_member_total_points", 0, Phase::kExpand, "after the swap's commit",
       Type("totalPoints") + " = 'bigint' AND " + Type("totalPoints_old") + " = 'integer'"},
      {"_rename_name", 3, Phase::kExpand, "inside the rename's expand transaction",
       Type("displayName") + " IS NULL"},
      {"_backfill_member_display_name", 9, Phase::kExpand,
       "the rename's backfill, mid-batch (second batch's UPDATE ran, the first committed)",
       SomeRows("\"displayName\" IS NOT NULL")},
      {"_member_name_idx_new", 2, Phase::kExpand,
       "the concurrent index build, after its start is recorded, before it runs",
       "to_regclass('\"Member_name_idx_new\"') IS NULL"},
      {"_member_name_idx_new", 3, Phase::kExpand,
       "after the concurrent build, before it is recorded",
       "to_regclass('\"Member_name_idx_new\"') IS NOT NULL"},
      {"_count_visits", 4, Phase::kExpand,
       "the `visits + 1` backfill mid-batch: the first batch's UPDATE ran, not committed",
       NoRow(bumped)},
      {"_count_visits", 6, Phase::kExpand,
       "the `visits + 1` backfill between its first two batches",
       SomeRows(bumped) + " AND " + NoRow("\"visits\" > 1")},
      {"_count_visits", 9, Phase::kExpand,
       "the `visits + 1` backfill mid-batch: the second batch's UPDATE ran, the first committed",
       SomeRows(bumped) + " AND " + NoRow("\"visits\" > 1")},
      {"_drop_member_total_points_old", 3, Phase::kContract,
       "inside the type change's contract transaction", Type("totalPoints_old") + " = 'integer'"},
      {"_drop_member_total_points_old", 0, Phase::kContract, "between the two contract migrations",
       Type("totalPoints_old") + " IS NULL AND " + Type("name") + " = 'text'"},
      {"_contract_member_display_name", 4, Phase::kContract,
       "inside the rename's contract transaction", Type("name") + " = 'text'"},
  };
}

class ExpandContractCrashTest : public testing::PgTest {
 protected:
  // Debian's PostgreSQL 15 has the pg_dump that compares the schemas (as the fix tests).
  int major() const override { return 15; }

  RunResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) {
    RunResult r = RunLockstep(args, env);
    EXPECT_EQ(r.all().find(server().password()), std::string::npos) << "password printed";
    return r;
  }
  // A database on the shared server, dropped on destruction; `from` a template database.
  std::unique_ptr<testing::TestDatabase> NewScratch(const std::string& label,
                                                    const std::string& from = "template0") {
    return testing::ScratchDatabase(server(), label, from);
  }
  // A copy of the project `from` (migrations and held contract), which release then changes.
  fs::path Copy(const std::string& label, const std::string& from = "fixed") {
    const fs::path to = tmp_.path() / label / "prisma";
    fs::create_directories(to);
    fs::copy(tmp_.path() / from / "prisma", to, fs::copy_options::recursive);
    return to / "migrations";
  }
  // The folder (migrations or held) whose name ends with `suffix`.
  static std::string Folder(const fs::path& migrations, const std::string& suffix) {
    for (const fs::path& dir : {migrations, migrations.parent_path() / "lockstep-contract"}) {
      if (!fs::exists(dir)) continue;
      for (const std::string& n : MigrationNames(dir)) {
        if (n.size() > suffix.size() &&
            n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
          return n;
      }
    }
    return "";
  }
  // The statements of a migration as deploy plans them (its own BEGIN and COMMIT are none).
  static int Statements(const fs::path& file) {
    const sql::ParsedFile parsed = sql::Parse(ReadFile(file));
    EXPECT_TRUE(parsed.ok()) << file;
    return static_cast<int>(
        std::count_if(parsed.statements.begin(), parsed.statements.end(),
                      [](const sql::Statement& s) { return s.kind != sql::Kind::kTransaction; }));
  }
  std::string Dump(const testing::TestDatabase& d) {
    const std::optional<std::string> dump =
        PgDumpSchema(major(), server().socket_dir().string(), server().port(), d.name());
    return dump.value_or("no pg_dump for PostgreSQL " + std::to_string(major()));
  }
  // Waits until the killed deployer's backend is gone: it holds the migration lock until the
  // server notices the closed socket.

  // The end state every run must reach, whatever was killed on the way.
  void ExpectFinalState(testing::TestDatabase& d, const fs::path& migrations,
                        const std::string& expected_dump) {
    db::Connection& c = d.conn();
    EXPECT_EQ(Dump(d), expected_dump);
    EXPECT_EQ(Scalar(c, "SELECT count(*) FROM \"Member\""), std::to_string(kRows));
    EXPECT_EQ(Scalar(c, "SELECT count(*) FROM \"Member\" WHERE \"visits\" <> 1"), "0")
        << "the `visits + 1` backfill did not run exactly once on every row";
    EXPECT_EQ(Scalar(c,
                     "SELECT count(*) FROM \"Member\" WHERE \"totalPoints\" IS DISTINCT FROM 3 * "
                     "id OR \"displayName\" IS DISTINCT FROM 'm' || id"),
              "0");
    EXPECT_EQ(Scalar(c, "SELECT " + Type("totalPoints")), "bigint");
    EXPECT_EQ(Scalar(c,
                     "SELECT count(*) FROM pg_attribute WHERE attrelid = '\"Member\"'::regclass "
                     "AND NOT attisdropped AND attname IN ('name', 'totalPoints_old', "
                     "'totalPoints_new')"),
              "0");
    EXPECT_EQ(Scalar(c, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "0");
    EXPECT_EQ(Scalar(c, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"),
              "0");
    EXPECT_EQ(Scalar(c, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"), "0");
    EXPECT_FALSE(TableExists(c, "_lockstep_progress"));
    const std::string folders = std::to_string(MigrationNames(migrations).size());
    EXPECT_EQ(Scalar(c, "SELECT count(*) FROM _prisma_migrations"), folders) << "applied twice?";
    EXPECT_EQ(Scalar(c,
                     "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND "
                     "rolled_back_at IS NULL AND logs IS NULL"),
              folders);
  }

  TempDir tmp_;
};

TEST_F(ExpandContractCrashTest, KillNineAtNamedPointsOfAFixedTypeChangeAndRenameThenRerun) {
  // The fixed project: each migration written, then rewritten by `lockstep fix` as a user would.
  const fs::path fixed = tmp_.path() / "fixed" / "prisma" / "migrations";
  WriteFile(fixed / "20240101000000_init" / "migration.sql", kInit);
  WriteFile(fixed / "20240102000000_member_points_bigint" / "migration.sql", kTypeChange);
  RunResult f = Run({"fix", fixed.string()});
  ASSERT_EQ(f.exit_code, 0) << f.all();
  WriteFile(fixed / "20240103000000_rename_name" / "migration.sql", kRename);
  f = Run({"fix", fixed.string()});
  ASSERT_EQ(f.exit_code, 0) << f.all();
  WriteFile(fixed / "20240104000000_count_visits" / "migration.sql", kCountVisits);
  for (const KillPoint& p : Points())
    ASSERT_NE(Folder(fixed, p.migration), "") << p.migration << " not written by fix";

  // A clean run: deploy, release the contract, deploy. The database and project between the
  // release and the last deploy are kept as the starting point of the contract's kill points.
  std::unique_ptr<testing::TestDatabase> expanded = NewScratch("expanded");
  ASSERT_TRUE(expanded);
  const fs::path released = Copy("released");
  RunResult r = Run({"deploy", released.string(), "--database", expanded->url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  r = Run({"contract", "release", released.string(), "--all", "--database", expanded->url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  expanded->Disconnect();  // a template has no session
  std::unique_ptr<testing::TestDatabase> clean = NewScratch("clean", expanded->name());
  ASSERT_TRUE(clean);
  r = Run({"deploy", released.string(), "--database", clean->url()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const std::string expected = Dump(*clean);
  ASSERT_NE(expected.find("CREATE TABLE public.\"Member\""), std::string::npos) << expected;
  ExpectFinalState(*clean, released, expected);
  if (HasFailure()) return;

  int kills = 0;
  for (const KillPoint& p : Points()) {
    SCOPED_TRACE(p.migration + " #" + std::to_string(p.n) + ": " + p.what);
    const std::string label = "kill" + std::to_string(kills);
    const bool contract = p.phase == Phase::kContract;
    std::unique_ptr<testing::TestDatabase> d =
        NewScratch(label, contract ? expanded->name() : "template0");
    ASSERT_TRUE(d);
    const fs::path dir = Copy(label, contract ? "released" : "fixed");
    const std::vector<std::string> deploy = {"deploy", dir.string(), "--database", d->url()};
    const std::string name = Folder(dir, p.migration);
    // 0: the last boundary (after the COMMIT that records the migration); -1: the one before.
    int n = p.n;
    if (n <= 0) n += Statements(dir / name / "migration.sql") + 3;
    RunResult killed = Run(deploy, {{"LOCKSTEP_TEST_KILL_AT", std::to_string(n) + "@" + name}});
    ASSERT_EQ(killed.signal, SIGKILL) << "not killed at boundary " << n << " of " << name << "\n"
                                      << killed.all();
    ++kills;
    ASSERT_TRUE(AwaitState(d->conn(), NoDeployerSession()))
        << "the killed deployer's session never ended";
    EXPECT_EQ(Scalar(d->conn(), "SELECT " + p.state), "t")
        << "the kill did not land where it says\n"
        << killed.all();
    EXPECT_EQ(Scalar(d->conn(),
                     "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NULL AND "
                     "rolled_back_at IS NULL"),
              "0")
        << "a row would block prisma migrate deploy (P3009)";
    RunResult rerun = Run(deploy);
    ASSERT_EQ(rerun.exit_code, 0) << killed.all() << "\n--- re-run ---\n" << rerun.all();
    if (!contract) {
      r = Run({"contract", "release", dir.string(), "--all", "--database", d->url()});
      ASSERT_EQ(r.exit_code, 0) << r.all();
      r = Run(deploy);
      ASSERT_EQ(r.exit_code, 0) << r.all();
    }
    ExpectFinalState(*d, dir, expected);
    if (HasFailure()) break;
  }
  std::printf("[ deploy ] %d kill points of the expand/contract sequence\n", kills);
  EXPECT_GE(kills, 10);
}

}  // namespace
}  // namespace lockstep::deploy_test

#include <gtest/gtest.h>

#include "ledger/ledger.h"
#include "ledger/status.h"
#include "support/pg_server.h"

namespace lockstep::ledger {
namespace {

class RowsServerTest : public testing::PgTest {
 protected:
  void Run(const std::string& sql) {
    db::DbResult<db::Rows> r = conn().Exec(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error().OneLine();
  }
  std::vector<MigrationRow> Read() {
    db::DbResult<std::optional<std::vector<MigrationRow>>> rows = ReadMigrationRows(conn(), t);
    EXPECT_TRUE(rows.ok() && rows->has_value());
    return rows.ok() ? rows->value_or(std::vector<MigrationRow>{}) : std::vector<MigrationRow>{};
  }
  std::string Now(const char* shift) {
    db::DbResult<db::Rows> r = conn().Exec(std::string("SELECT (now() ") + shift + ")::text");
    return r.ok() && !r->empty() ? r->rows[0][0].value_or("") : "";
  }
  Tables t;
};

// verify's naive run writes what `prisma migrate deploy` leaves: a failed row with the error as
// its logs, or a finished one with applied_steps_count 1.
TEST_F(RowsServerTest, PrismaLikeRowsAreFailedUntilFinished) {
  Run(CreateMigrationsTableSql(t));
  ASSERT_TRUE(InsertStartedRow(conn(), t, "id1", "1_a", "sum1").ok());
  ASSERT_TRUE(RecordRowError(conn(), t, "id1", "ERROR: boom").ok());
  ASSERT_TRUE(InsertStartedRow(conn(), t, "id2", "2_b", "sum2").ok());
  std::vector<MigrationRow> rows = Read();
  ASSERT_EQ(rows.size(), 2u);
  const Recorded b_started = RecordedFor("2_b", rows, {});
  ASSERT_NE(b_started.failed, nullptr);  // started, not finished: what blocks Prisma (P3009)
  EXPECT_EQ(b_started.failed->applied_steps_count, 0);

  ASSERT_TRUE(FinishRow(conn(), t, "id2").ok());
  rows = Read();
  const Recorded a = RecordedFor("1_a", rows, {});
  ASSERT_NE(a.failed, nullptr);
  EXPECT_EQ(a.failed->logs, std::optional<std::string>("ERROR: boom"));
  EXPECT_EQ(a.failed->checksum, "sum1");
  const Recorded b = RecordedFor("2_b", rows, {});
  ASSERT_NE(b.applied, nullptr);
  EXPECT_EQ(b.failed, nullptr);
  EXPECT_EQ(b.applied->applied_steps_count, 1);
  EXPECT_EQ(AppliedNames(rows), (std::vector<std::string>{"2_b"}));
}

// `lockstep resolve --applied` after a failure, with a name that needs quoting.
TEST_F(RowsServerTest, ResolvingAFailedMigrationAsApplied) {
  const std::string name = "1_it's";
  Run("CREATE SCHEMA app");
  t.schema = "app";
  Run(CreateMigrationsTableSql(t));
  ASSERT_TRUE(InsertStartedRow(conn(), t, "id1", name, "old").ok());
  Run("BEGIN; " + MarkFailedRolledBackSql(t, name) + "; " +
      InsertResolvedAppliedSql(t, NewUuidV4(), name, "new") + "; COMMIT");
  const std::vector<MigrationRow> rows = Read();
  ASSERT_EQ(rows.size(), 2u);
  const Recorded r = RecordedFor(name, rows, {});
  EXPECT_EQ(r.failed, nullptr);
  ASSERT_NE(r.applied, nullptr);
  EXPECT_EQ(r.applied->checksum, "new");
  EXPECT_EQ(r.applied->logs, std::optional<std::string>(""));
  EXPECT_EQ(r.applied->applied_steps_count, 0);
}

// deploy starts a partial migration over when it was resolved as rolled back after its progress.
TEST_F(RowsServerTest, RolledBackSinceComparesWithTheGivenTime) {
  Run(CreateMigrationsTableSql(t));
  ASSERT_TRUE(InsertStartedRow(conn(), t, "id1", "1_a", "sum").ok());
  const std::string before = Now("- interval '1 hour'");
  const std::string after = Now("+ interval '1 hour'");
  db::DbResult<bool> stale = RolledBackSince(conn(), t, "1_a", before);
  ASSERT_TRUE(stale.ok()) << stale.error().OneLine();
  EXPECT_FALSE(*stale);
  Run(MarkFailedRolledBackSql(t, "1_a"));
  EXPECT_TRUE(*RolledBackSince(conn(), t, "1_a", before));
  EXPECT_FALSE(*RolledBackSince(conn(), t, "1_a", after));
  EXPECT_FALSE(*RolledBackSince(conn(), t, "2_other", before));
}

// The progress table keeps only migrations not applied yet, and goes when it is empty.
TEST_F(RowsServerTest, PruneKeepsTheProgressOfUnfinishedMigrations) {
  Run(CreateMigrationsTableSql(t));
  Run(CreateProgressTableSql(t));
  Run(SaveProgressSql(t, "1_a", "sum", 1, std::nullopt));
  Run(SaveProgressSql(t, "2_b", "sum", 2, 2));
  Run(InsertFinishedSql(t, NewUuidV4(), "1_a", "sum", true));
  db::DbResult<db::Rows> left = conn().Exec(PruneProgressSql(t));
  ASSERT_TRUE(left.ok()) << left.error().OneLine();
  ASSERT_FALSE(left->empty());
  EXPECT_EQ(left->rows[0][0], std::optional<std::string>("1"));
  db::DbResult<std::optional<std::vector<ProgressRow>>> progress = ReadProgressRows(conn(), t);
  ASSERT_TRUE(progress.ok() && progress->has_value());
  ASSERT_EQ((*progress)->size(), 1u);
  EXPECT_EQ((**progress)[0].migration_name, "2_b");
  EXPECT_EQ((**progress)[0].in_flight, std::optional<int>(2));

  Run(DropProgressTableSql(t));
  progress = ReadProgressRows(conn(), t);
  ASSERT_TRUE(progress.ok());
  EXPECT_FALSE(progress->has_value());
}

}  // namespace
}  // namespace lockstep::ledger

#include "ledger/applied.h"

#include <gtest/gtest.h>

#include "support/pg_server.h"

namespace lockstep::ledger {
namespace {

class AppliedServerTest : public testing::PgTest {
 protected:
  void Run(const std::string& sql) { ASSERT_TRUE(conn().Exec(sql).ok()) << sql; }
  // The table as Prisma creates it, with one row per (name, finished, rolled back).
  void Rows() {
    Run("CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT "
        "NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, "
        "rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
        "applied_steps_count INTEGER NOT NULL DEFAULT 0)");
    Run("INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, "
        "rolled_back_at) VALUES ('1', 'c', '1_applied', now(), NULL), ('2', 'c', '2_failed', "
        "NULL, NULL), ('3', 'c', '3_rolled_back', NULL, now()), ('4', 'c', '4_undone', now(), "
        "now())");
  }
};

TEST_F(AppliedServerTest, NoTableIsNothingApplied) {
  db::DbResult<AppliedState> state = ReadAppliedState(conn());
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_TRUE(state->names.empty());
  EXPECT_FALSE(state->marker_hash.has_value());
  db::DbResult<bool> applied = IsApplied(conn(), "1_applied");
  ASSERT_TRUE(applied.ok()) << applied.error().OneLine();
  EXPECT_FALSE(*applied);
}

TEST_F(AppliedServerTest, OnlyFinishedRowsNotRolledBackAreApplied) {
  Rows();
  db::DbResult<AppliedState> state = ReadAppliedState(conn());
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_EQ(state->names, (std::set<std::string>{"1_applied"}));
  for (const char* name : {"1_applied", "2_failed", "3_rolled_back", "4_undone", "5_absent"}) {
    db::DbResult<bool> applied = IsApplied(conn(), name);
    ASSERT_TRUE(applied.ok()) << applied.error().OneLine();
    EXPECT_EQ(*applied, std::string(name) == "1_applied") << name;
  }
  // The read runs in a transaction of its own, ended: the session can go on.
  EXPECT_TRUE(conn().Exec("CREATE TABLE after_read (id int)").ok());
}

TEST_F(AppliedServerTest, Prisma8MarkerIsReadFromTheRowWithIdOne) {
  Run("CREATE SCHEMA prisma_contract");
  Run("CREATE TABLE prisma_contract.marker (id int PRIMARY KEY, core_hash text)");
  Run("INSERT INTO prisma_contract.marker VALUES (2, 'other'), (1, 'sha256:abc')");
  db::DbResult<AppliedState> state = ReadAppliedState(conn());
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_EQ(state->marker_hash, std::optional<std::string>("sha256:abc"));
  EXPECT_TRUE(state->names.empty());
}

}  // namespace
}  // namespace lockstep::ledger

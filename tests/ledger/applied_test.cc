#include "ledger/applied.h"

#include <gtest/gtest.h>

#include "support/pg_server.h"

namespace lockstep::ledger {
namespace {

const Tables kPublic;  // "public", as a URL without ?schema=

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
  db::DbResult<AppliedState> state = ReadAppliedState(conn(), kPublic);
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_TRUE(state->names.empty());
  EXPECT_FALSE(state->marker_hash.has_value());
  db::DbResult<bool> applied = IsApplied(conn(), kPublic, "1_applied");
  ASSERT_TRUE(applied.ok()) << applied.error().OneLine();
  EXPECT_FALSE(*applied);
}

TEST_F(AppliedServerTest, OnlyFinishedRowsNotRolledBackAreApplied) {
  Rows();
  db::DbResult<AppliedState> state = ReadAppliedState(conn(), kPublic);
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_EQ(state->names, (std::set<std::string>{"1_applied"}));
  for (const char* name : {"1_applied", "2_failed", "3_rolled_back", "4_undone", "5_absent"}) {
    db::DbResult<bool> applied = IsApplied(conn(), kPublic, name);
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
  db::DbResult<AppliedState> state = ReadAppliedState(conn(), kPublic);
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_EQ(state->marker_hash, std::optional<std::string>("sha256:abc"));
  EXPECT_TRUE(state->names.empty());
}

// The table deploy writes is read, whatever the search_path finds first: a role or database
// setting (here the session's) that puts another schema's _prisma_migrations first must not make
// lint and plan skip a migration that deploy, naming "public", is about to run.
TEST_F(AppliedServerTest, ReadsTheNamedSchemasTableNotTheSearchPaths) {
  Run("CREATE SCHEMA other");
  Run("SET search_path TO other, public");
  Rows();  // in "other": the first schema of the search_path
  Run("RESET search_path");
  Run("CREATE TABLE public._prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) "
      "NOT NULL, finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT, "
      "rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
      "applied_steps_count INTEGER NOT NULL DEFAULT 0)");
  Run("INSERT INTO public._prisma_migrations (id, checksum, migration_name, finished_at) VALUES "
      "('9', 'c', '9_public', now())");
  Run("SET search_path TO other, public");
  db::DbResult<AppliedState> state = ReadAppliedState(conn(), kPublic);
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_EQ(state->names, (std::set<std::string>{"9_public"}));
  for (const char* name : {"9_public", "1_applied"}) {
    db::DbResult<bool> applied = IsApplied(conn(), kPublic, name);
    ASSERT_TRUE(applied.ok()) << applied.error().OneLine();
    EXPECT_EQ(*applied, std::string(name) == "9_public") << name;
  }
  // And a ?schema= names its own table.
  state = ReadAppliedState(conn(), Tables{"other"});
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_EQ(state->names, (std::set<std::string>{"1_applied"}));
}

// A ?schema= that deploy has not created yet: nothing applied, not an error.
TEST_F(AppliedServerTest, AMissingSchemaIsNothingApplied) {
  const Tables absent{"not_created_yet"};
  db::DbResult<AppliedState> state = ReadAppliedState(conn(), absent);
  ASSERT_TRUE(state.ok()) << state.error().OneLine();
  EXPECT_TRUE(state->names.empty());
  db::DbResult<bool> applied = IsApplied(conn(), absent, "1_applied");
  ASSERT_TRUE(applied.ok()) << applied.error().OneLine();
  EXPECT_FALSE(*applied);
}

}  // namespace
}  // namespace lockstep::ledger

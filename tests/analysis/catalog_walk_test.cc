// CatalogWalk gives, for every statement, the catalog a per-statement snapshot
// (Options::keep_catalogs) gives, whatever order it is asked in: the walk's own position, ahead
// of it, behind it, and again after it moved on.
#include "analysis/catalog_walk.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/history.h"

namespace lockstep::analysis {
namespace {

// What fix's steps read of a catalog: tables with their columns and origins, indexes, enums.
std::string Describe(const schema::Catalog& c) {
  std::string out;
  for (const auto& [key, t] : c.tables()) {
    out += "table " + key + " " + std::string(schema::OriginName(t.origin)) + ":";
    for (const schema::Column& col : t.columns) out += " " + col.name + (col.not_null ? "!" : "");
    for (const schema::Constraint& k : t.constraints) out += " [" + k.name + "]";
    out += "\n";
  }
  for (const auto& [key, ix] : c.indexes())
    out += "index " + key + " on " + ix.table.ToString() + " " +
           std::string(schema::OriginName(ix.origin)) + "\n";
  if (c.FindEnum({"public", "mood"})) out += "enum mood\n";
  return out;
}

constexpr const char* kHistory =
    "CREATE TABLE a (id int PRIMARY KEY, v text);\n"
    "CREATE INDEX a_v ON a (v);\n";

// Every statement changes the catalog, so that a catalog off by one statement shows.
constexpr const char* kTarget =
    "CREATE TABLE b (id int PRIMARY KEY);\n"
    "ALTER TABLE a ADD COLUMN w int;\n"
    "CREATE INDEX b_id ON b (id);\n"
    "ALTER TABLE a ALTER COLUMN w SET NOT NULL;\n"
    "DROP INDEX a_v;\n"
    "CREATE TYPE mood AS ENUM ('ok');\n"
    "ALTER TABLE a RENAME COLUMN w TO x;\n"
    "ALTER TABLE b RENAME TO c;\n"
    "ALTER TABLE c ADD CONSTRAINT c_a FOREIGN KEY (id) REFERENCES a (id);\n";

struct Fixture {
  History snapshots;
  History starts;
};

Fixture Replays() {
  const std::vector<MigrationText> texts = {{"0_h", "h.sql", kHistory}, {"1_t", "t.sql", kTarget}};
  Options every;
  every.keep_catalogs = true;
  Options start;
  start.keep_start_catalogs = true;
  return {Replay(texts, 1, every), Replay(texts, 1, start)};
}

TEST(CatalogWalkTest, GivesEachStatementsCatalogInAnyOrder) {
  const Fixture f = Replays();
  const AnalyzedMigration& want = f.snapshots.migrations[1];
  const AnalyzedMigration& got = f.starts.migrations[1];
  ASSERT_EQ(want.statements.size(), 9u);
  ASSERT_TRUE(got.start);
  EXPECT_EQ(Describe(*got.start), Describe(*want.statements[0].before));
  // keep_start_catalogs alone snapshots no statement.
  for (const AnalyzedStatement& s : got.statements) EXPECT_FALSE(s.before);

  CatalogWalk walk(got.parsed.statements, got.start);
  auto expect_at = [&](size_t i) {
    SCOPED_TRACE("before statement " + std::to_string(i) + ", walk at " +
                 std::to_string(walk.position()));
    EXPECT_EQ(Describe(walk.Before(i)), Describe(*want.statements[i].before));
  };
  expect_at(0);
  expect_at(5);  // ahead of the walk
  expect_at(3);  // between the walk and a snapshot
  walk.MoveTo(2);
  expect_at(2);
  expect_at(1);  // behind the walk
  expect_at(8);
  walk.MoveTo(6);
  expect_at(6);
  expect_at(5);  // a snapshot taken earlier is still right
  expect_at(7);
  walk.MoveTo(4);  // backward moves are ignored
  EXPECT_EQ(walk.position(), 6u);
  for (size_t i = 0; i < want.statements.size(); ++i) expect_at(i);
  walk.MoveTo(9);
  for (size_t i = 0; i < want.statements.size(); ++i) expect_at(i);
  EXPECT_EQ(Describe(walk.Before(9)), Describe(f.snapshots.final_catalog));
}

TEST(CatalogWalkTest, ASnapshotStaysValidWhileTheWalkMovesOn) {
  const Fixture f = Replays();
  const AnalyzedMigration& got = f.starts.migrations[1];
  CatalogWalk walk(got.parsed.statements, got.start);
  walk.MoveTo(1);
  const schema::Catalog& ahead = walk.Before(7);
  const std::string seen = Describe(ahead);
  walk.MoveTo(8);
  walk.Before(2);
  EXPECT_EQ(Describe(ahead), seen);
  EXPECT_NE(seen.find("x!"), std::string::npos) << seen;  // renamed, NOT NULL
}

}  // namespace
}  // namespace lockstep::analysis

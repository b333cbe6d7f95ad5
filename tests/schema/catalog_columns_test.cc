// Table::FindColumn reads a name -> position index that AddColumn, RemoveColumn and RenameColumn
// keep in step. These tests replay statements that add, drop, rename and duplicate columns and
// compare FindColumn with a scan of Table::columns (what FindColumn used to be) after each one.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "schema/catalog.h"
#include "sql/parser.h"

namespace lockstep::schema {
namespace {

// For every table, every name that is or was a column (and one that never was): FindColumn
// gives the first column of that name in table order, or null.
void ExpectConsistent(const Catalog& c, const std::set<std::string>& names,
                      const std::string& after) {
  for (const auto& [k, t] : c.tables()) {
    for (const std::string& n : names) {
      const Column* scan = nullptr;
      for (const Column& col : t.columns)
        if (col.name == n) {
          scan = &col;
          break;
        }
      EXPECT_EQ(t.FindColumn(n), scan) << "column " << n << " of " << k << " after: " << after;
    }
  }
}

void Replay(const std::string& sql) {
  Catalog c;
  c.BeginMigration("m");
  const sql::ParsedFile f = sql::Parse(sql);
  ASSERT_TRUE(f.ok()) << (f.errors.empty() ? "" : f.errors[0].message);
  std::set<std::string> names = {"never"};
  for (const sql::Statement& s : f.statements) {
    c.Apply(s);
    for (const auto& [k, t] : c.tables())
      for (const Column& col : t.columns) names.insert(col.name);
    ExpectConsistent(c, names, std::string(sql::StatementText(sql, s)));
  }
}

TEST(CatalogColumns, FollowEveryChange) {
  Replay(R"(
    CREATE TABLE t (a int, b int, c int);
    ALTER TABLE t ADD COLUMN d int, ADD COLUMN e int;
    ALTER TABLE t ADD COLUMN a text;
    ALTER TABLE t DROP COLUMN b;
    ALTER TABLE t RENAME COLUMN c TO b;
    ALTER TABLE t RENAME COLUMN d TO x;
    ALTER TABLE t ADD COLUMN d int;
    ALTER TABLE t DROP COLUMN a;
    ALTER TABLE t RENAME COLUMN missing TO y;
    ALTER TABLE t RENAME TO u;
    ALTER TABLE u ADD COLUMN f int;
    ALTER TABLE u RENAME COLUMN f TO a;
  )");
}

// PostgreSQL refuses a column named twice, but the catalog replays what it is given: the first
// of the two is the one found, before and after renames and drops.
TEST(CatalogColumns, TwoColumnsOfOneName) {
  Replay(R"(
    CREATE TABLE t (a int, b int, a text, c int);
    ALTER TABLE t RENAME COLUMN a TO z;
    ALTER TABLE t RENAME COLUMN c TO z;
    ALTER TABLE t RENAME COLUMN z TO a;
    ALTER TABLE t DROP COLUMN a;
    ALTER TABLE t ADD COLUMN a int;
  )");
}

TEST(CatalogColumns, DropTypeCascadeDropsItsColumns) {
  Replay(R"(
    CREATE TYPE mood AS ENUM ('a', 'b');
    CREATE TABLE t (a int, m mood, b int);
    DROP TYPE mood CASCADE;
    ALTER TABLE t ADD COLUMN m int;
  )");
}

}  // namespace
}  // namespace lockstep::schema

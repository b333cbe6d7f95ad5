// Catalog::IndexesOn reads a per-table index map that every change to the catalog's indexes must
// keep in step. These tests replay statements that move, rename and drop indexes and compare
// IndexesOn with a scan of Catalog::indexes() (what IndexesOn used to be) after each statement.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "schema/catalog.h"
#include "sql/parser.h"

namespace lockstep::schema {
namespace {

std::vector<std::string> Names(const std::vector<const Index*>& ixs) {
  std::vector<std::string> out;
  for (const Index* ix : ixs) out.push_back(ix->name.ToString());
  return out;
}

// IndexesOn(t) for every table any index names or the catalog holds, against the scan.
void ExpectConsistent(const Catalog& c, const std::string& after) {
  std::set<std::pair<std::string, std::string>> tables;
  for (const auto& [k, ix] : c.indexes()) tables.insert({ix.table.schema, ix.table.name});
  for (const auto& [k, t] : c.tables()) tables.insert({t.name.schema, t.name.name});
  for (const auto& [schema, name] : tables) {
    const sql::QName t{schema, name};
    std::vector<std::string> scan;
    for (const auto& [k, ix] : c.indexes())
      if (ix.table == t) scan.push_back(ix.name.ToString());
    EXPECT_EQ(Names(c.IndexesOn(t)), scan) << "table " << t.ToString() << " after: " << after;
  }
  // FirstIndexWithSignature(sig, unique_only) for every index's signature, against the scan.
  for (const auto& [k, ix] : c.indexes()) {
    const std::string sig = ix.Signature();
    for (const bool unique_only : {false, true}) {
      std::string first;
      for (const auto& [k2, other] : c.indexes())
        if (other.Signature() == sig && (!unique_only || other.unique)) {
          first = other.name.ToString();
          break;
        }
      const Index* found = c.FirstIndexWithSignature(sig, unique_only);
      EXPECT_EQ(found ? found->name.ToString() : "", first)
          << "signature " << sig << (unique_only ? " (unique)" : "") << " after: " << after;
    }
  }
}

// Applies each statement of `sql` and checks the catalog after each one.
Catalog Replay(const std::string& sql) {
  Catalog c;
  c.BeginMigration("m");
  sql::ParsedFile f = sql::Parse(sql);
  EXPECT_TRUE(f.ok()) << (f.errors.empty() ? "" : f.errors[0].message);
  for (const sql::Statement& s : f.statements) {
    c.Apply(s);
    ExpectConsistent(c, std::string(sql::StatementText(sql, s)));
  }
  return c;
}

TEST(CatalogIndexes, FollowEveryChange) {
  const Catalog c = Replay(R"sql(
    CREATE TABLE a (id bigint PRIMARY KEY, x int, y int, CONSTRAINT a_x_key UNIQUE (x));
    CREATE TABLE b (id bigint, x int);
    CREATE INDEX a_y_idx ON a (y);
    CREATE INDEX a_xy_idx ON a (x, y);
    CREATE INDEX ON b (x);
    CREATE UNIQUE INDEX b_id_idx ON b (id);
    ALTER TABLE b ADD CONSTRAINT b_pkey PRIMARY KEY USING INDEX b_id_idx;
    ALTER TABLE a DROP COLUMN y;
    ALTER TABLE a RENAME COLUMN x TO z;
    ALTER INDEX a_x_key RENAME TO a_z_key;
    ALTER TABLE a RENAME TO c;
    CREATE INDEX a_y_idx ON b (x);
    ALTER TABLE c DROP CONSTRAINT a_x_key;
    CREATE TABLE d (id int PRIMARY KEY);
    ALTER TABLE d SET SCHEMA other;
    DROP INDEX b_x_idx;
    DROP TABLE c;
  )sql");
  // What is left, by name: b's primary key (moved from b_id_idx), a_y_idx (re-created on b) and
  // d's primary key (the index keeps the schema it was created in; its table moved).
  EXPECT_EQ(Names(c.IndexesOn(sql::QName{"", "b"})),
            (std::vector<std::string>{"public.a_y_idx", "public.b_pkey"}));
  EXPECT_EQ(Names(c.IndexesOn(sql::QName{"other", "d"})),
            (std::vector<std::string>{"public.d_pkey"}));
  EXPECT_TRUE(c.IndexesOn(sql::QName{"", "c"}).empty());
  EXPECT_TRUE(c.IndexesOn(sql::QName{"", "a"}).empty());
}

TEST(CatalogIndexes, RenamedTableTakesItsIndexes) {
  const Catalog c = Replay(R"sql(
    CREATE TABLE t (id int PRIMARY KEY, n int);
    CREATE INDEX t_n_idx ON t (n);
    ALTER TABLE t RENAME TO u;
  )sql");
  EXPECT_EQ(Names(c.IndexesOn(sql::QName{"public", "u"})),
            (std::vector<std::string>{"public.t_n_idx", "public.t_pkey"}));
  for (const Index* ix : c.IndexesOn(sql::QName{"", "u"})) EXPECT_EQ(ix->table.name, "u");
  EXPECT_TRUE(c.IndexesOn(sql::QName{"", "t"}).empty());
}

TEST(CatalogIndexes, IndexRecreatedUnderTheSameNameMovesTable) {
  // Not valid in PostgreSQL without a drop in between, but the model overwrites: the index must
  // then be listed for its new table only.
  const Catalog c = Replay(R"sql(
    CREATE TABLE p (id int);
    CREATE TABLE q (id int);
    CREATE INDEX same_idx ON p (id);
    CREATE INDEX same_idx ON q (id);
  )sql");
  EXPECT_TRUE(c.IndexesOn(sql::QName{"", "p"}).empty());
  EXPECT_EQ(Names(c.IndexesOn(sql::QName{"", "q"})), (std::vector<std::string>{"public.same_idx"}));
}

}  // namespace
}  // namespace lockstep::schema

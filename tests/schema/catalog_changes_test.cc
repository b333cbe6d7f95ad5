// Catalog::Changes: the lock model copies the catalog for a routine's statements only when one of
// them may change it, so a "false" must be true to Apply; "true" may be cautious.
#include <gtest/gtest.h>

#include "schema/catalog.h"
#include "sql/parser.h"

namespace lockstep::schema {
namespace {

Catalog History(const std::string& history) {
  Catalog c;
  c.BeginMigration("0_history");
  for (const sql::Statement& s : sql::Parse(history).statements) c.Apply(s);
  c.BeginMigration("1_m");
  return c;
}

sql::Statement One(const std::string& text) {
  sql::ParsedFile p = sql::Parse(text);
  EXPECT_TRUE(p.ok()) << text;
  EXPECT_EQ(p.statements.size(), 1u) << text;
  return p.statements.empty() ? sql::Statement{} : p.statements.front();
}

const char* const kRoutines =
    "CREATE TABLE t (id int);\n"
    "CREATE FUNCTION count_t() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM count(*) FROM t; "
    "END $$;\n"
    "CREATE FUNCTION make_n() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE n (id int); "
    "END $$;\n"
    "CREATE FUNCTION count_then_make() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM "
    "count_t(); PERFORM make_n(); END $$;";

TEST(CatalogChanges, QueriesCallingNoRoutineOfTheHistoryChangeNothing) {
  const Catalog c = History(kRoutines);
  EXPECT_FALSE(c.Changes(One("SELECT 1 FROM t WHERE id > 0;")));
  EXPECT_FALSE(c.Changes(One("SELECT now(), count_t();")));
  EXPECT_FALSE(c.Changes(One("UPDATE t SET id = 2 WHERE id = 1;")));
  EXPECT_FALSE(
      c.Changes(One("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM t) THEN PERFORM count_t(); "
                    "END IF; END $$;")));
}

TEST(CatalogChanges, ARoutineThatChangesTheSchemaIsFollowedThroughCalls) {
  const Catalog c = History(kRoutines);
  EXPECT_TRUE(c.Changes(One("SELECT make_n();")));
  EXPECT_TRUE(c.Changes(One("SELECT count_then_make();")));
  EXPECT_TRUE(c.Changes(One("DO $$ BEGIN PERFORM count_then_make(); END $$;")));
  EXPECT_TRUE(c.Changes(One("ALTER TABLE t ADD COLUMN a int;")));
  // What Changes says "false" for, Apply indeed leaves alone; "true" is borne out here.
  Catalog applied = c;
  applied.Apply(One("SELECT count_then_make();"));
  EXPECT_NE(applied.FindTable({"", "n"}), nullptr);
  EXPECT_EQ(c.FindTable({"", "n"}), nullptr);
}

}  // namespace
}  // namespace lockstep::schema

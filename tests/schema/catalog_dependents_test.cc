// What the catalog forgets or follows when objects are renamed or dropped (issue 12 item 9): no
// phantom tables, columns or names left behind for the lock model to lock.
#include <gtest/gtest.h>

#include "schema/catalog.h"
#include "sql/parser.h"

namespace lockstep::schema {
namespace {

Catalog Replay(const std::string& history, const std::string& migration = "") {
  Catalog c;
  c.BeginMigration("0_history");
  for (const sql::Statement& s : sql::Parse(history).statements) c.Apply(s);
  c.BeginMigration("1_m");
  for (const sql::Statement& s : sql::Parse(migration).statements) c.Apply(s);
  return c;
}

TEST(CatalogDependents, EnumSwapIsFollowedIntoColumnTypes) {
  Catalog c = Replay(
      "CREATE TYPE \"Role\" AS ENUM ('A');\nCREATE TABLE u (id int, role \"Role\");",
      "CREATE TYPE \"Role_new\" AS ENUM ('A', 'B');\n"
      "ALTER TABLE u ALTER COLUMN role TYPE \"Role_new\" USING (role::text::\"Role_new\");\n"
      "ALTER TYPE \"Role\" RENAME TO \"Role_old\";\nALTER TYPE \"Role_new\" RENAME TO \"Role\";\n"
      "DROP TYPE \"Role_old\";");
  const Table* u = c.FindTable({"", "u"});
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->FindColumn("role")->type.base(), "Role");
  ASSERT_NE(c.FindEnum({"", "Role"}), nullptr);
  EXPECT_EQ(c.FindEnum({"", "Role"})->values.size(), 2u);
  EXPECT_EQ(c.FindEnum({"", "Role_old"}), nullptr);
}

TEST(CatalogDependents, DropTypeCascadeDropsItsColumnsAndDefaults) {
  Catalog c = Replay(
      "CREATE TYPE \"Role\" AS ENUM ('A');\nCREATE TABLE u (id int, role \"Role\");\n"
      "CREATE INDEX u_role_idx ON u (role);\n"
      "CREATE TABLE w (id int, label text DEFAULT 'A'::\"Role\"::text);",
      "DROP TYPE \"Role\" CASCADE;");
  EXPECT_EQ(c.FindTable({"", "u"})->FindColumn("role"), nullptr);
  EXPECT_EQ(c.FindIndex({"", "u_role_idx"}), nullptr);
  ASSERT_NE(c.FindTable({"", "w"})->FindColumn("label"), nullptr);
  EXPECT_FALSE(c.FindTable({"", "w"})->FindColumn("label")->default_expr.has_value());
}

TEST(CatalogDependents, RenameConstraintRenamesItsIndex) {
  Catalog c = Replay("CREATE TABLE t (id int, a int, CONSTRAINT t_a_key UNIQUE (a));",
                     "ALTER TABLE t RENAME CONSTRAINT t_a_key TO t_a_uniq;");
  EXPECT_EQ(c.FindIndex({"", "t_a_key"}), nullptr);
  ASSERT_NE(c.FindIndex({"", "t_a_uniq"}), nullptr);
  EXPECT_EQ(c.FindTable({"", "t"})->FindConstraint("t_a_uniq")->index_name, "t_a_uniq");
}

TEST(CatalogDependents, DropTableCascadeForgetsForeignKeysAndViews) {
  Catalog c = Replay(
      "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int, p_id int REFERENCES p (id));\n"
      "CREATE VIEW pv AS SELECT id FROM p;\nCREATE VIEW pvv AS SELECT id FROM pv;",
      "DROP TABLE p CASCADE;");
  EXPECT_TRUE(c.ReferencesTo({"", "p"}).empty());
  EXPECT_TRUE(c.FindTable({"", "t"})->constraints.empty());
  EXPECT_EQ(c.FindTable({"", "pv"}), nullptr);
  EXPECT_EQ(c.FindTable({"", "pvv"}), nullptr);
}

TEST(CatalogDependents, SerialAndIdentitySequencesAreKnown) {
  Catalog c = Replay("CREATE TABLE t (id serial PRIMARY KEY);\nCREATE SEQUENCE s;",
                     "ALTER TABLE t ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;");
  EXPECT_EQ(c.OriginOf({"", "t_id_seq"}), Origin::kExisting);
  EXPECT_EQ(c.OriginOf({"", "s"}), Origin::kExisting);
  EXPECT_EQ(c.OriginOf({"", "t_n_seq"}), Origin::kThisMigration);
  EXPECT_EQ(c.OriginOf({"", "nope_seq"}), Origin::kUnknown);
}

TEST(CatalogDependents, FunctionBodiesRunWhereTheyAreCalled) {
  Catalog c = Replay("CREATE TABLE t (id int);",
                     "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE t ADD COLUMN b "
                     "int; END $$;\nDO $$ BEGIN CREATE TABLE d (id int); END $$;\nCALL p();");
  EXPECT_NE(c.FindTable({"", "t"})->FindColumn("b"), nullptr);
  EXPECT_NE(c.FindTable({"", "d"}), nullptr);
}

}  // namespace
}  // namespace lockstep::schema

#include "locks/lock_model.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "analysis/history.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

namespace lockstep::locks {
namespace {

// Analyses `migration` with `history` replayed before it; returns one Effect per statement.
std::vector<Effect> AnalyzeAfter(const std::string& history, const std::string& migration,
                                 int pg = 15) {
  analysis::Options o;
  o.locks.pg_version = pg;
  analysis::History h =
      analysis::Replay({{"0_history", "h.sql", history}, {"1_m", "m.sql", migration}}, 1, o);
  std::vector<Effect> out;
  for (const auto& s : h.migrations[1].statements) out.push_back(s.effect);
  return out;
}

const RelationLock* LockOn(const Effect& e, const std::string& name) {
  for (const RelationLock& l : e.locks)
    if (l.relation.name == name) return &l;
  return nullptr;
}

TEST(LockModel, ConflictTableMatchesPostgres) {
  EXPECT_TRUE(Conflicts(LockMode::kAccessShare, LockMode::kAccessExclusive));
  EXPECT_FALSE(Conflicts(LockMode::kAccessShare, LockMode::kExclusive));
  EXPECT_TRUE(Conflicts(LockMode::kRowExclusive, LockMode::kShare));
  EXPECT_FALSE(Conflicts(LockMode::kRowExclusive, LockMode::kShareUpdateExclusive));
  EXPECT_FALSE(Conflicts(LockMode::kShare, LockMode::kShare));
  EXPECT_TRUE(Conflicts(LockMode::kShareUpdateExclusive, LockMode::kShareUpdateExclusive));
  // Symmetric, as PostgreSQL's table is.
  for (int a = 1; a <= 8; ++a)
    for (int b = 1; b <= 8; ++b)
      EXPECT_EQ(Conflicts(LockMode(a), LockMode(b)), Conflicts(LockMode(b), LockMode(a)))
          << a << "," << b;
  EXPECT_EQ(BlocksTraffic(LockMode::kShare), "writes");
  EXPECT_EQ(BlocksTraffic(LockMode::kAccessExclusive), "reads and writes");
  EXPECT_EQ(BlocksTraffic(LockMode::kShareUpdateExclusive), "");
}

TEST(LockModel, NewTableVersusExisting) {
  auto e = AnalyzeAfter("CREATE TABLE a (id int primary key);",
                        "CREATE TABLE b (id int primary key, a_id int REFERENCES a(id));\n"
                        "CREATE INDEX b_a ON b (a_id);\nCREATE INDEX a_x ON a (id);");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_TRUE(e[0].new_table);
  EXPECT_EQ(LockOn(e[0], "a")->mode, LockMode::kShareRowExclusive);
  EXPECT_EQ(LockOn(e[0], "a")->origin, schema::Origin::kExisting);
  EXPECT_TRUE(e[1].new_table);
  EXPECT_EQ(LockOn(e[1], "b")->origin, schema::Origin::kThisMigration);
  EXPECT_FALSE(e[2].new_table);
  EXPECT_EQ(LockOn(e[2], "a")->mode, LockMode::kShare);
}

TEST(LockModel, DefaultsVolatileVersusConstant) {
  auto e = AnalyzeAfter("CREATE TABLE t (id int);",
                        "ALTER TABLE t ADD COLUMN a int DEFAULT 0;\n"
                        "ALTER TABLE t ADD COLUMN b timestamptz DEFAULT now();\n"
                        "ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();\n"
                        "ALTER TABLE t ADD COLUMN d bigserial;\n"
                        "ALTER TABLE t ADD COLUMN e int NOT NULL;");
  EXPECT_TRUE(e[0].rewrites.empty());
  EXPECT_TRUE(e[1].rewrites.empty());
  EXPECT_EQ(e[2].rewrites.size(), 1u);
  EXPECT_EQ(e[3].rewrites.size(), 1u);
  EXPECT_TRUE(e[4].fails_if_rows);
  auto e10 =
      AnalyzeAfter("CREATE TABLE t (id int);", "ALTER TABLE t ADD COLUMN a int DEFAULT 0;", 10);
  EXPECT_EQ(e10[0].rewrites.size(), 1u);
}

// The column of `ALTER TABLE t ADD COLUMN <def>`.
sql::ColumnDef column(const std::string& def) {
  const sql::ParsedFile p = sql::Parse("ALTER TABLE t ADD COLUMN " + def + ";");
  EXPECT_TRUE(p.ok()) << def;
  return p.ok() ? *p.statements.at(0).cmds.at(0).column : sql::ColumnDef{};
}

// The serial columns fix rewrites (and lint marks fixable): nothing beside them but NOT NULL.
TEST(LockModel, BackfillableSerialColumns) {
  EXPECT_TRUE(IsBackfillableSerialColumn(column("a serial"), 15));
  EXPECT_TRUE(IsBackfillableSerialColumn(column("a BIGSERIAL NOT NULL"), 15));
  EXPECT_TRUE(IsBackfillableSerialColumn(column("a smallserial"), 18));
  EXPECT_EQ(SerialIntegerType(column("a serial8").type), "bigint");
  EXPECT_EQ(SerialIntegerType(column("a serial2").type), "smallint");
  EXPECT_EQ(SerialIntegerType(column("a serial4").type), "integer");
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a serial"), 11));  // no scan-free NOT NULL
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a serial PRIMARY KEY"), 15));
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a serial UNIQUE"), 15));
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a serial REFERENCES p (id)"), 15));
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a serial CHECK (a > 0)"), 15));
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a int GENERATED ALWAYS AS IDENTITY"), 15));
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a int"), 15));
  EXPECT_FALSE(IsBackfillableSerialColumn(column("a myschema.serial"), 15));
}

// The identity columns fix rewrites (and lint marks fixable): an integer type, nothing beside
// them but NOT NULL, no SEQUENCE NAME.
TEST(LockModel, BackfillableIdentityColumns) {
  EXPECT_TRUE(IsBackfillableIdentityColumn(column("a int GENERATED ALWAYS AS IDENTITY"), 15));
  EXPECT_TRUE(IsBackfillableIdentityColumn(
      column("a bigint NOT NULL GENERATED BY DEFAULT AS IDENTITY (START WITH 10)"), 18));
  EXPECT_TRUE(IsBackfillableIdentityColumn(column("a int2 GENERATED ALWAYS AS IDENTITY"), 12));
  EXPECT_EQ(IdentityIntegerType(column("a int8").type), "bigint");
  EXPECT_EQ(IdentityIntegerType(column("a smallint").type), "smallint");
  EXPECT_EQ(IdentityIntegerType(column("a integer").type), "integer");
  EXPECT_EQ(IdentityIntegerType(column("a numeric").type), "");
  EXPECT_FALSE(IsBackfillableIdentityColumn(column("a int GENERATED ALWAYS AS IDENTITY"), 11));
  EXPECT_FALSE(IsBackfillableIdentityColumn(column("a int"), 15));
  EXPECT_FALSE(
      IsBackfillableIdentityColumn(column("a int GENERATED ALWAYS AS IDENTITY PRIMARY KEY"), 15));
  EXPECT_FALSE(
      IsBackfillableIdentityColumn(column("a int GENERATED ALWAYS AS IDENTITY UNIQUE"), 15));
  EXPECT_FALSE(IsBackfillableIdentityColumn(
      column("a int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s START 5)"), 15));
  EXPECT_FALSE(
      IsBackfillableIdentityColumn(column("a int GENERATED ALWAYS AS IDENTITY CHECK (a > 0)"), 15));
}

TEST(LockModel, TypeChanges) {
  auto e = AnalyzeAfter("CREATE TABLE t (a varchar(10), b int, c numeric(10,2), d timestamp);",
                        "ALTER TABLE t ALTER COLUMN a TYPE varchar(20);\n"
                        "ALTER TABLE t ALTER COLUMN a TYPE text;\n"
                        "ALTER TABLE t ALTER COLUMN b TYPE bigint;\n"
                        "ALTER TABLE t ALTER COLUMN c TYPE numeric(12,2);\n"
                        "ALTER TABLE t ALTER COLUMN d TYPE timestamptz;");
  EXPECT_TRUE(e[0].rewrites.empty());
  EXPECT_TRUE(e[1].rewrites.empty());
  EXPECT_FALSE(e[2].rewrites.empty());
  EXPECT_TRUE(e[3].rewrites.empty());
  EXPECT_TRUE(e[4].rewrites.empty());
  auto shrink = AnalyzeAfter("CREATE TABLE t (a varchar(10));",
                             "ALTER TABLE t ALTER COLUMN a TYPE varchar(5);");
  EXPECT_FALSE(shrink[0].rewrites.empty());
}

TEST(LockModel, SetNotNullSkipsScanWithValidCheckOnPg12) {
  const std::string hist =
      "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;";
  auto unvalidated = AnalyzeAfter(hist, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;");
  EXPECT_EQ(unvalidated[0].scans.size(), 1u);
  auto validated = AnalyzeAfter(hist + "\nALTER TABLE t VALIDATE CONSTRAINT a_nn;",
                                "ALTER TABLE t ALTER COLUMN a SET NOT NULL;");
  EXPECT_TRUE(validated[0].scans.empty());
  auto pg11 = AnalyzeAfter(hist + "\nALTER TABLE t VALIDATE CONSTRAINT a_nn;",
                           "ALTER TABLE t ALTER COLUMN a SET NOT NULL;", 11);
  EXPECT_EQ(pg11[0].scans.size(), 1u);
}

// A constraint names its columns by number: renamed, the column keeps the CHECK that proves it
// NOT NULL (the catalog once renamed it in the constraint's columns but not in its proof).
TEST(LockModel, SetNotNullKeepsItsCheckAcrossARenameOfTheColumn) {
  auto renamed = AnalyzeAfter(
      "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL);\n"
      "ALTER TABLE t RENAME COLUMN a TO b;",
      "ALTER TABLE t ALTER COLUMN b SET NOT NULL;");
  EXPECT_TRUE(renamed[0].scans.empty());
}

TEST(LockModel, ForeignKeysAndValidation) {
  auto e = AnalyzeAfter(
      "CREATE TABLE p (id int primary key);\nCREATE TABLE c (id int, p_id int);",
      "ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES p(id) NOT VALID;\n"
      "ALTER TABLE c VALIDATE CONSTRAINT fk;\n"
      "ALTER TABLE c ADD CONSTRAINT fk2 FOREIGN KEY (p_id) REFERENCES p(id);");
  EXPECT_EQ(LockOn(e[0], "c")->mode, LockMode::kShareRowExclusive);
  EXPECT_EQ(LockOn(e[0], "p")->mode, LockMode::kShareRowExclusive);
  EXPECT_TRUE(e[0].scans.empty());
  EXPECT_EQ(LockOn(e[1], "c")->mode, LockMode::kShareUpdateExclusive);
  EXPECT_EQ(LockOn(e[1], "p")->mode, LockMode::kRowShare);
  EXPECT_EQ(e[2].scans.size(), 1u);
}

TEST(LockModel, ConcurrentStatementsAreNotTransactional) {
  auto e = AnalyzeAfter(
      "CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);",
      "CREATE INDEX CONCURRENTLY j ON t (a);\nDROP INDEX CONCURRENTLY i;\nDROP INDEX j;");
  EXPECT_FALSE(e[0].transactional);
  EXPECT_EQ(LockOn(e[0], "t")->mode, LockMode::kShareUpdateExclusive);
  EXPECT_FALSE(e[1].transactional);
  EXPECT_EQ(LockOn(e[1], "t")->mode, LockMode::kShareUpdateExclusive);
  EXPECT_TRUE(e[2].transactional);
  EXPECT_EQ(LockOn(e[2], "t")->mode, LockMode::kAccessExclusive);
  EXPECT_EQ(LockOn(e[2], "j")->mode, LockMode::kAccessExclusive);
}

std::string ReadFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The seed: the only index on a pre-existing table is Member_totalPoints_idx (ShareLock on
// Member); every FK takes ShareRowExclusiveLock on the referenced Member/Resource.
TEST(LockModel, SeedExample) {
  const std::string dir =
      std::string(LOCKSTEP_SOURCE_DIR) + "/examples/community/prisma/migrations/";
  analysis::History h = analysis::Replay(
      {{"0_init", dir + "0_init/migration.sql", ReadFile(dir + "0_init/migration.sql")},
       {"20260123015816_add_v2_tables", "m.sql",
        ReadFile(dir + "20260123015816_add_v2_tables/migration.sql")}},
      1);
  int indexes_on_existing = 0, indexes_on_new = 0, fks = 0;
  for (const auto& as : h.migrations[1].statements) {
    const sql::Statement& s = *as.statement;
    if (s.kind == sql::Kind::kCreateIndex && !s.index->unique) {
      const RelationLock& l = as.effect.locks.at(0);
      EXPECT_EQ(l.mode, LockMode::kShare);
      if (l.origin == schema::Origin::kExisting) {
        ++indexes_on_existing;
        EXPECT_EQ(s.index->name, "Member_totalPoints_idx");
      } else {
        ++indexes_on_new;
      }
    }
    if (s.kind == sql::Kind::kAlterTable && s.cmds[0].constraint &&
        s.cmds[0].constraint->type == sql::Constraint::Type::kForeignKey) {
      ++fks;
      const RelationLock* ref = LockOn(as.effect, s.cmds[0].constraint->ref_table.name);
      ASSERT_NE(ref, nullptr);
      EXPECT_EQ(ref->mode, LockMode::kShareRowExclusive);
    }
  }
  EXPECT_EQ(indexes_on_existing, 1);
  EXPECT_EQ(indexes_on_new, 15);
  EXPECT_EQ(fks, 5);
}

}  // namespace
}  // namespace lockstep::locks

// Locks, scans and rewrites of PostgreSQL 16-18 statements on live tables (the lock modes were
// read from pg_locks on a PostgreSQL 18 server; the catalogue in tests/trace/ checks them against
// a real one). With bookworm's libpg_query 15 (the build's fallback) these statements do not
// parse, and the tests check that instead.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "analysis/history.h"
#include "locks/lock_model.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "sql/parser.h"

namespace lockstep::locks {
namespace {

bool Grammar18() { return sql::GrammarVersionNum() >= 180000; }

struct Analyzed {
  std::vector<Effect> effects;
  size_t parse_errors = 0;
};

// `migration` analysed after `history`, for PostgreSQL `pg`.
Analyzed After(const std::string& history, const std::string& migration, int pg = 18) {
  analysis::Options o;
  o.locks.pg_version = pg;
  analysis::History h =
      analysis::Replay({{"0_history", "h.sql", history}, {"1_m", "m.sql", migration}}, 1, o);
  Analyzed out;
  out.parse_errors = h.migrations[1].parsed.errors.size();
  for (const auto& s : h.migrations[1].statements) out.effects.push_back(s.effect);
  return out;
}

// The effect of the one statement `migration`, or nullptr (and the check that the 15 grammar
// rejects it) without the 18 grammar.
const Effect* Only(const Analyzed& a) {
  if (!Grammar18()) {
    EXPECT_GT(a.parse_errors, 0u);
    return nullptr;
  }
  EXPECT_EQ(a.parse_errors, 0u);
  EXPECT_EQ(a.effects.size(), 1u);
  return a.effects.empty() ? nullptr : &a.effects[0];
}

bool Rewrites(const Effect& e, const std::string& name) {
  for (const sql::QName& q : e.rewrites)
    if (q.name == name) return true;
  return false;
}

LockMode ModeOn(const Effect& e, const std::string& name) {
  for (const RelationLock& l : e.locks)
    if (l.relation.name == name && !l.is_index) return l.mode;
  return LockMode::kNone;
}

const char* kHistory =
    "CREATE TABLE p (id int PRIMARY KEY);\n"
    "CREATE TABLE t (id int PRIMARY KEY, n int, p_id int,"
    " g int GENERATED ALWAYS AS (n * 2) STORED);\n"
    "CREATE TABLE s (id int PRIMARY KEY, n int);";

TEST(NewerGrammarLocks, VirtualGeneratedColumnAddsWithoutRewriteStoredRewrites) {
  Analyzed v =
      After(kHistory, "ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL;");
  if (const Effect* e = Only(v)) {
    EXPECT_EQ(ModeOn(*e, "t"), LockMode::kAccessExclusive);
    EXPECT_TRUE(e->rewrites.empty());
    EXPECT_TRUE(e->scans.empty());
  }
  // No kind: VIRTUAL, PostgreSQL 18's default.
  Analyzed d = After(kHistory, "ALTER TABLE t ADD COLUMN e int GENERATED ALWAYS AS (n * 2);");
  if (const Effect* e = Only(d)) {
    EXPECT_TRUE(e->rewrites.empty());
  }
  // STORED rewrites, with any grammar.
  Analyzed s =
      After(kHistory, "ALTER TABLE t ADD COLUMN f int GENERATED ALWAYS AS (n * 2) STORED;");
  ASSERT_EQ(s.effects.size(), 1u);
  EXPECT_TRUE(Rewrites(s.effects[0], "t"));
}

TEST(NewerGrammarLocks, NotEnforcedConstraintsReadNoRow) {
  Analyzed c = After(kHistory, "ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0) NOT ENFORCED;");
  if (const Effect* e = Only(c)) {
    EXPECT_EQ(ModeOn(*e, "t"), LockMode::kAccessExclusive);
    EXPECT_TRUE(e->scans.empty());
  }
  Analyzed fk = After(
      kHistory,
      "ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT ENFORCED;");
  if (const Effect* e = Only(fk)) {
    EXPECT_EQ(ModeOn(*e, "t"), LockMode::kShareRowExclusive);
    EXPECT_EQ(ModeOn(*e, "p"), LockMode::kShareRowExclusive);
    EXPECT_TRUE(e->scans.empty());
  }
  // The enforced CHECK still scans.
  Analyzed enforced = After(kHistory, "ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0);");
  ASSERT_EQ(enforced.effects.size(), 1u);
  EXPECT_EQ(enforced.effects[0].scans.size(), 1u);
}

TEST(NewerGrammarLocks, NotEnforcedCheckProvesNothingForSetNotNull) {
  // A valid CHECK (n IS NOT NULL) lets SET NOT NULL skip its scan; a NOT ENFORCED one must not.
  Analyzed a = After(std::string(kHistory) +
                         "\nALTER TABLE t ADD CONSTRAINT n_nn CHECK (n IS NOT NULL) NOT ENFORCED;",
                     "ALTER TABLE t ALTER COLUMN n SET NOT NULL;");
  if (!Grammar18()) return;  // the history does not parse; nothing to compare
  ASSERT_EQ(a.effects.size(), 1u);
  EXPECT_EQ(a.effects[0].scans.size(), 1u);
}

TEST(NewerGrammarLocks, NotNullNotValidThenValidateScansUnderShareUpdateExclusive) {
  Analyzed a = After(kHistory,
                     "ALTER TABLE t ADD CONSTRAINT nn NOT NULL n NOT VALID;\n"
                     "ALTER TABLE t VALIDATE CONSTRAINT nn;");
  if (!Grammar18()) {
    EXPECT_GT(a.parse_errors, 0u);
    return;
  }
  ASSERT_EQ(a.effects.size(), 2u);
  EXPECT_EQ(ModeOn(a.effects[0], "t"), LockMode::kAccessExclusive);
  EXPECT_TRUE(a.effects[0].scans.empty());
  EXPECT_EQ(ModeOn(a.effects[1], "t"), LockMode::kShareUpdateExclusive);
  EXPECT_EQ(a.effects[1].scans.size(), 1u);
  // Validated, the column is NOT NULL: SET NOT NULL then needs no scan.
  Analyzed after = After(std::string(kHistory) +
                             "\nALTER TABLE t ADD CONSTRAINT nn NOT NULL n NOT VALID;"
                             "\nALTER TABLE t VALIDATE CONSTRAINT nn;",
                         "ALTER TABLE t ALTER COLUMN n SET NOT NULL;");
  ASSERT_EQ(after.effects.size(), 1u);
  EXPECT_TRUE(after.effects[0].scans.empty());
  // Without NOT VALID it checks the rows at once, under ACCESS EXCLUSIVE.
  Analyzed valid = After(kHistory, "ALTER TABLE t ADD CONSTRAINT nn NOT NULL n;");
  ASSERT_EQ(valid.effects.size(), 1u);
  EXPECT_EQ(ModeOn(valid.effects[0], "t"), LockMode::kAccessExclusive);
  EXPECT_EQ(valid.effects[0].scans.size(), 1u);
}

TEST(NewerGrammarLocks, AlterConstraintEnforcedChecksTheRows) {
  Analyzed a =
      After(std::string(kHistory) +
                "\nALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT "
                "ENFORCED;",
            "ALTER TABLE t ALTER CONSTRAINT t_p_fkey ENFORCED;");
  if (const Effect* e = Only(a)) {
    EXPECT_EQ(ModeOn(*e, "t"), LockMode::kAccessExclusive);
    EXPECT_EQ(ModeOn(*e, "p"), LockMode::kShareRowExclusive);
    EXPECT_EQ(e->scans.size(), 1u);
  }
}

TEST(NewerGrammarLocks, AlterConstraintNotEnforcedLocksTheReferencedTableToo) {
  // It drops the foreign key's triggers, those on the referenced table too (the catalogue's
  // trace on PostgreSQL 18: AccessExclusiveLock on both).
  Analyzed a = After(std::string(kHistory) +
                         "\nALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p "
                         "(id);",
                     "ALTER TABLE t ALTER CONSTRAINT t_p_fkey NOT ENFORCED;");
  if (const Effect* e = Only(a)) {
    EXPECT_EQ(ModeOn(*e, "t"), LockMode::kAccessExclusive);
    EXPECT_EQ(ModeOn(*e, "p"), LockMode::kAccessExclusive);
    EXPECT_TRUE(e->scans.empty());
  }
}

TEST(NewerGrammarLocks, VirtualGeneratedColumnNotNullChecksEveryRow) {
  Analyzed a = After(
      kHistory, "ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL NOT NULL;");
  if (const Effect* e = Only(a)) {
    EXPECT_TRUE(e->rewrites.empty());
    EXPECT_EQ(e->scans.size(), 1u);
  }
}

TEST(NewerGrammarLocks, SetExpressionRewritesAStoredColumn) {
  Analyzed a = After(kHistory, "ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (n * 3);");
  if (const Effect* e = Only(a)) {
    EXPECT_EQ(ModeOn(*e, "t"), LockMode::kAccessExclusive);
    EXPECT_TRUE(Rewrites(*e, "t"));
  }
  Analyzed v = After(
      std::string(kHistory) + "\nALTER TABLE t ADD COLUMN v int GENERATED ALWAYS AS (n) VIRTUAL;",
      "ALTER TABLE t ALTER COLUMN v SET EXPRESSION AS (n * 3);");
  if (!Grammar18()) return;
  ASSERT_EQ(v.effects.size(), 1u);
  EXPECT_TRUE(v.effects[0].rewrites.empty());
}

TEST(NewerGrammarLocks, MergeWritesItsTargetAndReadsItsSource) {
  Analyzed a = After(kHistory,
                     "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET n = s.n "
                     "WHEN NOT MATCHED BY SOURCE THEN DELETE RETURNING merge_action(), t.id;");
  if (const Effect* e = Only(a)) {
    EXPECT_EQ(ModeOn(*e, "t"), LockMode::kRowExclusive);
    EXPECT_EQ(ModeOn(*e, "s"), LockMode::kAccessShare);
  }
}

// Every statement of the fixture of PostgreSQL 16-18 statements parses and gets the locks
// PostgreSQL takes on the tables it names.
TEST(NewerGrammarLocks, TheFixtureGetsLocks) {
  std::ifstream in(std::string(LOCKSTEP_SOURCE_DIR) + "/tests/sql/fixtures/pg16_to_18.sql");
  std::stringstream ss;
  ss << in.rdbuf();
  Analyzed a = After("", ss.str());
  if (!Grammar18()) {
    EXPECT_GT(a.parse_errors, 0u);
    return;
  }
  ASSERT_EQ(a.parse_errors, 0u);
  ASSERT_EQ(a.effects.size(), 25u);
  const std::vector<std::pair<std::string, LockMode>> want = {
      {"p", LockMode::kAccessExclusive},        // CREATE TABLE p
      {"t", LockMode::kAccessExclusive},        // CREATE TABLE t
      {"s", LockMode::kAccessExclusive},        // CREATE TABLE s
      {"docs", LockMode::kAccessExclusive},     // CREATE TABLE docs
      {"", LockMode::kNone},                    // CREATE ROLE
      {"", LockMode::kNone},                    // CREATE ROLE
      {"t", LockMode::kAccessShare},            // 0x1F … FROM t
      {"t", LockMode::kAccessShare},            // FROM (SELECT …) without alias
      {"t", LockMode::kAccessShare},            // JSON_OBJECT
      {"docs", LockMode::kAccessShare},         // IS JSON
      {"", LockMode::kNone},                    // GRANT role WITH INHERIT
      {"t", LockMode::kRowExclusive},           // MERGE … RETURNING
      {"docs", LockMode::kAccessShare},         // JSON_TABLE
      {"docs", LockMode::kAccessShare},         // JSON_VALUE
      {"t", LockMode::kAccessExclusive},        // SET EXPRESSION
      {"t", LockMode::kAccessExclusive},        // ADD COLUMN … VIRTUAL
      {"t", LockMode::kAccessExclusive},        // ADD COLUMN … GENERATED (virtual)
      {"t", LockMode::kAccessExclusive},        // CHECK … NOT ENFORCED
      {"t", LockMode::kAccessExclusive},        // NOT NULL … NOT VALID
      {"t", LockMode::kShareUpdateExclusive},   // VALIDATE CONSTRAINT
      {"t", LockMode::kShareRowExclusive},      // FOREIGN KEY … NOT ENFORCED
      {"t", LockMode::kAccessExclusive},        // ADD COLUMN … REFERENCES … NOT ENFORCED
      {"t", LockMode::kRowExclusive},           // UPDATE … RETURNING WITH (OLD …)
      {"booking", LockMode::kAccessExclusive},  // WITHOUT OVERLAPS
      {"t", LockMode::kAccessExclusive},        // ALTER CONSTRAINT … ENFORCED
  };
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].first.empty()) {
      EXPECT_TRUE(a.effects[i].locks.empty()) << "statement " << i;
    } else {
      EXPECT_EQ(ModeOn(a.effects[i], want[i].first), want[i].second) << "statement " << i;
    }
  }
  EXPECT_EQ(ModeOn(a.effects[11], "s"), LockMode::kAccessShare);  // MERGE's source
  EXPECT_EQ(ModeOn(a.effects[20], "p"), LockMode::kShareRowExclusive);
}

}  // namespace
}  // namespace lockstep::locks

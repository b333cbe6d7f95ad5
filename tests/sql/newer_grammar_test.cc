// PostgreSQL 16, 17 and 18 syntax: the grammar lockstep parses with (libpg_query 18) accepts what
// these servers run, and the typed view carries what the lock model needs from it. Built against
// bookworm's libpg_query 15 (the fallback when libpg_query 18 cannot be fetched), the same
// statements are syntax errors, and these tests say so instead of passing silently.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "sql/parser.h"

namespace lockstep::sql {
namespace {

bool Grammar18() { return GrammarVersionNum() >= 180000; }

std::string ReadFixture() {
  std::ifstream in(std::string(LOCKSTEP_SOURCE_DIR) + "/tests/sql/fixtures/pg16_to_18.sql");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The one statement of `sql`, which must parse with the 18 grammar and fail with 15's.
Statement One(const std::string& sql) {
  ParsedFile f = Parse(sql);
  if (!Grammar18()) {
    EXPECT_FALSE(f.ok()) << "PostgreSQL " << GrammarVersion() << "'s grammar accepted: " << sql;
    return {};
  }
  EXPECT_TRUE(f.ok()) << sql << ": " << (f.errors.empty() ? "" : f.errors[0].message);
  EXPECT_EQ(f.statements.size(), 1u) << sql;
  return f.statements.empty() ? Statement{} : f.statements[0];
}

TEST(NewerGrammar, TheFixtureOfPostgres16To18StatementsParses) {
  const std::string text = ReadFixture();
  ASSERT_FALSE(text.empty());
  ParsedFile f = Parse(text);
  if (!Grammar18()) {
    EXPECT_FALSE(f.ok());
    return;
  }
  ASSERT_TRUE(f.ok()) << f.errors[0].message << " at byte " << f.errors[0].offset;
  EXPECT_EQ(f.statements.size(), 25u);
  // Tokens come from libpg_query 18's scanner without protobuf: same names as before.
  ASSERT_FALSE(f.tokens.empty());
  EXPECT_EQ(f.tokens[0].kind, "SQL_COMMENT");
  int virtual_tokens = 0;
  for (const Token& t : f.tokens) virtual_tokens += t.kind == "VIRTUAL" && t.is_keyword;
  EXPECT_EQ(virtual_tokens, 1);
  EXPECT_EQ(f.comments.size(), 6u);
}

TEST(NewerGrammar, VirtualGeneratedColumnIsNotStored) {
  Statement v = One("ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (n * 2) VIRTUAL");
  if (!Grammar18()) return;
  ASSERT_EQ(v.cmds.size(), 1u);
  ASSERT_TRUE(v.cmds[0].column);
  EXPECT_TRUE(v.cmds[0].column->generated_virtual);
  EXPECT_FALSE(v.cmds[0].column->generated_stored);
  ASSERT_TRUE(v.cmds[0].column->generated_expr);
  // Without a kind, PostgreSQL 18 makes it VIRTUAL.
  Statement d = One("ALTER TABLE t ADD COLUMN e int GENERATED ALWAYS AS (n * 2)");
  ASSERT_TRUE(d.cmds.at(0).column);
  EXPECT_TRUE(d.cmds[0].column->generated_virtual);
  EXPECT_FALSE(d.cmds[0].column->generated_stored);
  ParsedFile stored = Parse("ALTER TABLE t ADD COLUMN s int GENERATED ALWAYS AS (n * 2) STORED");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored.statements.at(0).cmds.at(0).column);
  EXPECT_TRUE(stored.statements[0].cmds[0].column->generated_stored);
  EXPECT_FALSE(stored.statements[0].cmds[0].column->generated_virtual);
}

TEST(NewerGrammar, NotEnforcedCheckAndForeignKeys) {
  Statement c = One("ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0) NOT ENFORCED");
  if (!Grammar18()) return;
  ASSERT_TRUE(c.cmds.at(0).constraint);
  EXPECT_EQ(c.cmds[0].constraint->type, Constraint::Type::kCheck);
  EXPECT_TRUE(c.cmds[0].constraint->not_enforced);
  EXPECT_FALSE(c.cmds[0].constraint->not_valid);
  Statement fk = One(
      "ALTER TABLE t ADD CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT ENFORCED");
  ASSERT_TRUE(fk.cmds.at(0).constraint);
  EXPECT_EQ(fk.cmds[0].constraint->type, Constraint::Type::kForeignKey);
  EXPECT_TRUE(fk.cmds[0].constraint->not_enforced);
  // A column constraint's NOT ENFORCED follows it as an attribute item: folded into it.
  Statement col = One("ALTER TABLE t ADD COLUMN q int REFERENCES p (id) NOT ENFORCED");
  ASSERT_TRUE(col.cmds.at(0).column);
  const std::vector<Constraint>& ks = col.cmds[0].column->constraints;
  ASSERT_EQ(ks.size(), 2u);
  EXPECT_EQ(ks[0].type, Constraint::Type::kForeignKey);
  EXPECT_TRUE(ks[0].not_enforced);
  EXPECT_FALSE(ks[1].not_enforced);
  // Enforced ones, and the other kinds, are not.
  ParsedFile plain = Parse(
      "ALTER TABLE t ADD CONSTRAINT c CHECK (n > 0);"
      "ALTER TABLE t ADD CONSTRAINT u UNIQUE (n);"
      "ALTER TABLE t ADD COLUMN r int NOT NULL DEFAULT 0 REFERENCES p (id)");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain.statements.at(0).cmds.at(0).constraint->not_enforced);
  EXPECT_FALSE(plain.statements.at(1).cmds.at(0).constraint->not_enforced);
  for (const Constraint& k : plain.statements.at(2).cmds.at(0).column->constraints)
    EXPECT_FALSE(k.not_enforced);
  Statement enforce = One("ALTER TABLE t ALTER CONSTRAINT t_p_fkey ENFORCED");
  ASSERT_EQ(enforce.cmds.size(), 1u);
  EXPECT_EQ(enforce.cmds[0].type, AlterType::kAlterConstraint);
  EXPECT_EQ(enforce.cmds[0].name, "t_p_fkey");
  EXPECT_TRUE(enforce.cmds[0].to_enforced);
  ParsedFile deferrable = Parse("ALTER TABLE t ALTER CONSTRAINT t_p_fkey DEFERRABLE");
  ASSERT_TRUE(deferrable.ok());
  EXPECT_EQ(deferrable.statements.at(0).cmds.at(0).name, "t_p_fkey");
  EXPECT_FALSE(deferrable.statements[0].cmds[0].to_enforced);
}

TEST(NewerGrammar, NamedNotNullConstraintNotValid) {
  Statement s = One("ALTER TABLE t ADD CONSTRAINT nn NOT NULL n NOT VALID");
  if (!Grammar18()) return;
  ASSERT_TRUE(s.cmds.at(0).constraint);
  const Constraint& k = *s.cmds[0].constraint;
  EXPECT_EQ(k.type, Constraint::Type::kNotNull);
  EXPECT_EQ(k.name, "nn");
  EXPECT_EQ(k.columns, std::vector<std::string>{"n"});
  EXPECT_TRUE(k.not_valid);
}

TEST(NewerGrammar, MergeReturningAndJsonTableReadWhatTheyName) {
  Statement m =
      One("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET n = s.n "
          "WHEN NOT MATCHED BY SOURCE THEN DELETE "
          "RETURNING merge_action(), (SELECT max(id) FROM audit)");
  if (!Grammar18()) return;
  EXPECT_EQ(m.kind, Kind::kMerge);
  EXPECT_EQ(m.table.name, "t");
  auto reads = [](const Statement& s, const std::string& name) {
    for (const QName& q : s.reads)
      if (q.name == name) return true;
    return false;
  };
  EXPECT_TRUE(reads(m, "s"));
  EXPECT_TRUE(reads(m, "audit"));  // only inside RETURNING
  Statement j =
      One("SELECT jt.a FROM docs, JSON_TABLE((SELECT doc FROM latest), '$[*]' "
          "COLUMNS (a int PATH '$.a')) AS jt");
  EXPECT_TRUE(reads(j, "docs"));
  EXPECT_TRUE(reads(j, "latest"));  // only inside JSON_TABLE's context item
  Statement u = One("UPDATE t SET n = n + 1 RETURNING WITH (OLD AS o) o.n");
  ASSERT_TRUE(u.update);
  EXPECT_TRUE(u.update->has_returning);
}

TEST(NewerGrammar, SetExpression) {
  Statement s = One("ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (n * 3)");
  if (!Grammar18()) return;
  ASSERT_EQ(s.cmds.size(), 1u);
  EXPECT_EQ(s.cmds[0].type, AlterType::kSetExpression);
  EXPECT_EQ(s.cmds[0].name, "g");
}

TEST(NewerGrammar, GrammarVersionIsLibpgQuerys) {
  const std::string v = GrammarVersion();
  EXPECT_EQ(std::stoi(v.substr(0, v.find('.'))), GrammarVersionNum() / 10000);
}

}  // namespace
}  // namespace lockstep::sql

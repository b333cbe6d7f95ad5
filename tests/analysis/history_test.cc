// Replay with Options::drop_history_parse: a long history is parsed, replayed and freed one batch
// at a time, and the analysis of the migrations after it is what a replay keeping everything
// gives, on one thread, on several, and with parses taken from a ParseAhead pool.
#include "analysis/history.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/parse_ahead.h"

namespace lockstep::analysis {
namespace {

// Tables, indexes on them, a function and a trigger in the history; the analysed migrations
// use each (an index on a history table, a trigger calling a history function).
std::string Migration(int i) {
  const std::string n = std::to_string(i);
  std::string s = "CREATE TABLE t" + n + " (id int PRIMARY KEY, v text);\n";
  if (i > 0) s += "CREATE INDEX i" + n + " ON t" + std::to_string(i - 1) + " (v);\n";
  if (i % 5 == 0)
    s += "CREATE FUNCTION f" + n +
         "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE t0 ADD COLUMN c" + n +
         " int; RETURN NEW; END $$;\n";
  if (i % 7 == 3) s += "CREATE TABEL broken (x int);\n";  // a syntax error in the history
  if (i >= 15) {
    s += "ALTER TABLE t0 ADD COLUMN d" + n + " float8 DEFAULT random();\n";
    s += "CREATE INDEX j" + n + " ON t" + std::to_string(i - 10) + " (v);\n";
    s += "CREATE TRIGGER g" + n + " BEFORE INSERT ON t1 FOR EACH ROW EXECUTE FUNCTION f10();\n";
  }
  return s;
}

// What plan and lint read of a replay: every analysed statement's locks, rewrites and scans,
// each migration's errors, and the final catalog's tables and indexes.
std::string Analysis(const History& h) {
  std::string out;
  for (const AnalyzedMigration& m : h.migrations) {
    out += m.name + " errors " + std::to_string(m.parsed.errors.size()) + "\n";
    for (const AnalyzedStatement& s : m.statements) {
      out += "  " + std::string(s.statement->node_name) + " @" +
             std::to_string(s.statement->begin) + ":";
      for (const locks::RelationLock& l : s.effect.locks)
        out += " " + l.relation.ToString() + "/" + std::string(locks::LockModeName(l.mode)) + "/" +
               std::string(schema::OriginName(l.origin));
      for (const sql::QName& q : s.effect.rewrites) out += " rewrites " + q.ToString();
      for (const sql::QName& q : s.effect.scans) out += " scans " + q.ToString();
      out += "\n";
    }
  }
  for (const auto& [key, table] : h.final_catalog.tables())
    out += "table " + key + " " + std::to_string(table.columns.size()) + "\n";
  for (const auto& [key, index] : h.final_catalog.indexes()) out += "index " + key + "\n";
  return out;
}

std::vector<MigrationText> Texts() {
  std::vector<MigrationText> texts;
  for (int i = 0; i < 20; ++i)
    texts.push_back({"m" + std::to_string(i), "p" + std::to_string(i), Migration(i)});
  return texts;
}

TEST(Replay, DroppingTheHistoryParseKeepsTheAnalysisAndFreesTheHistory) {
  constexpr size_t kHistory = 15;
  Options keep;
  keep.parse.tokens = true;
  const History kept = Replay(Texts(), kHistory, keep);
  const std::string expected = Analysis(kept);
  ASSERT_NE(expected.find("rewrites"), std::string::npos) << expected;  // the test sees effects

  for (unsigned threads : {1u, 4u}) {
    SCOPED_TRACE(threads);
    Options drop = keep;
    drop.threads = threads;
    drop.drop_history_parse = true;
    const History dropped = Replay(Texts(), kHistory, drop);
    EXPECT_EQ(Analysis(dropped), expected);
    for (size_t i = 0; i < kHistory; ++i) {  // freed, not only cleared
      EXPECT_EQ(dropped.migrations[i].parsed.statements.capacity(), 0u) << i;
      EXPECT_EQ(dropped.migrations[i].parsed.tokens.capacity(), 0u) << i;
      EXPECT_EQ(dropped.migrations[i].parsed.errors.size(),
                kept.migrations[i].parsed.errors.size());
    }
    EXPECT_FALSE(dropped.migrations[kHistory].parsed.statements.empty());
    // The catalog the analysed migrations start from: the history's tables, not theirs.
    ASSERT_TRUE(dropped.after_history.has_value());
    EXPECT_NE(dropped.after_history->FindTable({"", "t14"}), nullptr);
    EXPECT_EQ(dropped.after_history->FindTable({"", "t15"}), nullptr);
    EXPECT_NE(dropped.after_history->FindFunction({"", "f10"}), nullptr);
  }

  ParseAhead ahead(keep.parse, 2);
  for (const MigrationText& t : Texts()) ahead.Submit(t.path, t.text);
  ahead.Flush();
  Options drop = keep;
  drop.ahead = &ahead;
  drop.drop_history_parse = true;
  EXPECT_EQ(Analysis(Replay(Texts(), kHistory, drop)), expected);
  EXPECT_FALSE(kept.after_history.has_value());
}

}  // namespace
}  // namespace lockstep::analysis

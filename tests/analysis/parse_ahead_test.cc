// ParseAhead hands out exactly what sql::ParseString would have produced, once per file, whether
// a background thread finished it, is still on it, or never started it.
#include "analysis/parse_ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "analysis/history.h"

namespace lockstep::analysis {
namespace {

std::string Migration(int i) {
  std::string s = "-- m" + std::to_string(i) + "\nCREATE TABLE t" + std::to_string(i) +
                  " (id int PRIMARY KEY, v text);\n";
  for (int k = 0; k < i % 7; ++k)
    s += "CREATE INDEX i" + std::to_string(i) + "_" + std::to_string(k) + " ON t" +
         std::to_string(i) + " (v); /* c */\n";
  if (i % 11 == 0) s += "CREATE TABEL broken (x int);\n";  // a syntax error survives too
  return s;
}

// The parts of a parse that lint reads.
std::string Summary(const sql::ParsedFile& f) {
  std::string out = std::to_string(f.statements.size()) + "/" + std::to_string(f.tokens.size()) +
                    "/" + std::to_string(f.comments.size()) + "/" + std::to_string(f.errors.size());
  for (const sql::Statement& s : f.statements)
    out += " " + std::string(s.node_name) + "[" + std::to_string(s.begin) + "," +
           std::to_string(s.end) + ")" + std::to_string(s.first_token) + "-" +
           std::to_string(s.last_token);
  return out;
}

sql::ParseOptions WithTokens() {
  sql::ParseOptions o;
  o.tokens = true;
  return o;
}

TEST(ParseAhead, TakeGivesWhatParseStringGivesOnceAndOnlyForTheSubmittedText) {
  ParseAhead ahead(WithTokens(), 2);
  for (int i = 0; i < 40; ++i) ahead.Submit("m" + std::to_string(i), Migration(i));
  ahead.Flush();
  for (int i = 39; i >= 0; --i) {  // the last ones may not have started: taken on this thread
    const std::string key = "m" + std::to_string(i);
    std::optional<sql::ParsedFile> p = ahead.Take(key, Migration(i));
    ASSERT_TRUE(p.has_value()) << key;
    EXPECT_EQ(Summary(*p), Summary(sql::ParseString(Migration(i), WithTokens()))) << key;
    EXPECT_FALSE(ahead.Take(key, Migration(i)).has_value()) << "taken twice: " << key;
  }
  ahead.Submit("changed", "SELECT 1;");
  EXPECT_FALSE(ahead.Take("changed", "SELECT 2;").has_value());
  EXPECT_FALSE(ahead.Take("never submitted", "SELECT 1;").has_value());
}

TEST(ParseAhead, ConsumersOnSeveralThreadsEachGetEveryFileOnce) {
  ParseAhead ahead(WithTokens(), 3);
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; ++i) ahead.Submit("f" + std::to_string(i), Migration(i));
  std::atomic<int> next{0}, got{0}, wrong{0};
  std::vector<std::thread> consumers;
  for (int t = 0; t < 4; ++t) {
    consumers.emplace_back([&] {
      for (int i; (i = next++) < kFiles;) {
        std::optional<sql::ParsedFile> p = ahead.Take("f" + std::to_string(i), Migration(i));
        if (!p) continue;
        ++got;
        if (Summary(*p) != Summary(sql::ParseString(Migration(i), WithTokens()))) ++wrong;
      }
    });
  }
  for (std::thread& t : consumers) t.join();
  EXPECT_EQ(got, kFiles);
  EXPECT_EQ(wrong, 0);
}

TEST(ParseAhead, ReplayTakesItsParsesOnlyWithTheSameParseOptions) {
  std::vector<MigrationText> texts;
  for (int i = 0; i < 20; ++i)
    texts.push_back({"m" + std::to_string(i), "p" + std::to_string(i), Migration(i)});
  Options with;
  with.parse = WithTokens();
  const History plain = Replay(texts, 0, with);

  ParseAhead ahead(WithTokens(), 2);
  for (const MigrationText& t : texts) ahead.Submit(t.path, t.text);
  with.ahead = &ahead;
  const History taken = Replay(texts, 0, with);
  ASSERT_EQ(taken.migrations.size(), plain.migrations.size());
  for (size_t i = 0; i < plain.migrations.size(); ++i)
    EXPECT_EQ(Summary(taken.migrations[i].parsed), Summary(plain.migrations[i].parsed));
  for (const MigrationText& t : texts)  // all taken by the replay
    EXPECT_FALSE(ahead.Take(t.path, t.text).has_value()) << t.path;

  // Other options (no tokens): the pool is not used, and its parses stay untaken.
  ParseAhead other(WithTokens(), 1);
  for (const MigrationText& t : texts) other.Submit(t.path, t.text);
  Options without;
  without.parse.tokens = false;
  without.ahead = &other;
  const History untouched = Replay(texts, 0, without);
  EXPECT_TRUE(untouched.migrations[1].parsed.tokens.empty());
  EXPECT_TRUE(other.Take(texts[1].path, texts[1].text).has_value());
}

}  // namespace
}  // namespace lockstep::analysis

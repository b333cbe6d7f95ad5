// Parse takes a file's tokens from its own parse instead of lexing the text again (the lexer hands
// them to lockstep as it hands them to the grammar): the tokens and comments must be exactly what
// libpg_query's scanner alone gives, over every kind of text and every way of parsing.
#include <gtest/gtest.h>

#include <string>

#include "sql/parser.h"
#include "support/corpus.h"

namespace lockstep::sql {
namespace {

std::string Describe(const std::vector<Token>& tokens, size_t i) {
  if (i >= tokens.size()) return "(none)";
  const Token& t = tokens[i];
  return std::string(t.kind.name()) + " [" + std::to_string(t.begin) + ", " +
         std::to_string(t.end) + ")" + (t.is_keyword ? " keyword" : "");
}

// The first difference between `parsed`'s tokens and comments and the scanner's; "" when none.
std::string FirstDifference(const std::string& text, const ParsedFile& parsed) {
  const ParsedFile scanned = ScanOnly(text);
  const size_t n = std::max(parsed.tokens.size(), scanned.tokens.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string p = Describe(parsed.tokens, i), s = Describe(scanned.tokens, i);
    if (p != s) return "token " + std::to_string(i) + ": parse " + p + ", scanner " + s;
  }
  if (parsed.comments.size() != scanned.comments.size())
    return std::to_string(parsed.comments.size()) + " comments, the scanner " +
           std::to_string(scanned.comments.size());
  for (size_t i = 0; i < parsed.comments.size(); ++i)
    if (parsed.comments[i].begin != scanned.comments[i].begin ||
        parsed.comments[i].end != scanned.comments[i].end)
      return "comment " + std::to_string(i) + " differs";
  return "";
}

TEST(Tokens, ComeFromTheParseWithLibpgQuery18) {
  if (GrammarVersionNum() < 180000) GTEST_SKIP() << "libpg_query 15 scans tokens separately";
  EXPECT_TRUE(TokensFromParse());
}

TEST(Tokens, AreTheScannersForEveryKindOfTokenAndComment) {
  const std::string text =
      "-- first\r\n/* a /* nested */ one */CREATE TABLE \"T\" (id int/*x*/,n text);--tail\n"
      "SELECT U&\"d\\0061\" UESCAPE '!', 'it''s', E'\\'', B'01', X'ff', $$a$$, $q$b$q$, 1.5e-3,\n"
      "  0x1F, 0o17, 1_000, .5, $1::int[], a[1:2], f(x => 1) FROM t WHERE a<>b AND c!=d\n"
      "  AND e>=f AND g<=h AND i @> j AND k ~~* 'x' AND l IS NOT NULL;\n"
      "DO $$ BEGIN PERFORM 1; END $$; -- after\n/* end */";
  const ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok()) << f.errors.front().message;
  EXPECT_EQ(f.comments.size(), 6u);
  EXPECT_EQ(FirstDifference(text, f), "");
}

TEST(Tokens, AreTheScannersWhenAStatementDoesNotParse) {
  const std::string text = "CREATE TABLE a (id int); -- c\nCREATE TABL b (id int);\nSELECT 1;";
  const ParsedFile f = Parse(text);
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(FirstDifference(text, f), "");
}

// Over 1 MiB a file is parsed in pieces, and ParseEach hands it over in batches.
TEST(Tokens, AreTheScannersInALargeFileParsedInPieces) {
  std::string text;
  for (int n = 0; text.size() < 2'300'000; ++n) {
    const std::string i = std::to_string(n);
    text += "-- step " + i + "\nCREATE TABLE t" + i + " (id int, name text DEFAULT 'n" + i +
            "'); /* after */\nCREATE INDEX CONCURRENTLY i" + i + " ON t" + i + " (name);\n";
  }
  const ParsedFile f = Parse(text);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FirstDifference(text, f), "");
}

TEST(Tokens, AreTheScannersOverTheWholePrismaCorpus) {
  LOCKSTEP_REQUIRE_CORPUS();
  const auto files = testing::FilesUnder(testing::CorpusRoot() / "prisma", "migration.sql");
  ASSERT_GT(files.size(), 1000u);
  size_t tokens = 0;
  for (const auto& file : files) {
    const std::string text = testing::ReadFileOrDie(file);
    const ParsedFile f = Parse(text);
    ASSERT_TRUE(f.notes.empty()) << file;  // no psql parts: the scanner sees the same text
    ASSERT_EQ(FirstDifference(text, f), "") << file;
    tokens += f.tokens.size();
  }
  std::printf("%zu tokens in %zu files, the same as the scanner's\n", tokens, files.size());
}

}  // namespace
}  // namespace lockstep::sql

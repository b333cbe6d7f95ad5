// The quoting every module uses for SQL it sends or writes (the server round trip of tricky names
// and values is in tests/db/connection_test.cc).
#include "base/quote.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace lockstep {
namespace {

TEST(QuoteIdentTest, AlwaysQuotesAndDoublesDoubleQuotes) {
  EXPECT_EQ(QuoteIdent("user"), "\"user\"");
  EXPECT_EQ(QuoteIdent("Member"), "\"Member\"");
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteIdent(""), "\"\"");
  EXPECT_EQ(QuoteIdent("it's"), "\"it's\"");
}

TEST(QuoteLiteralTest, DoublesSingleQuotesOnly) {
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(QuoteLiteral("\"Member_seq\""), "'\"Member_seq\"'");
  EXPECT_EQ(QuoteLiteral("a\\b"), "'a\\b'");
  EXPECT_EQ(QuoteLiteral(""), "''");
}

TEST(QuoteQualifiedTest, QuotesEachPartAndJoinsThemWithADot) {
  EXPECT_EQ(QuoteQualified("public", "user"), "\"public\".\"user\"");
  EXPECT_EQ(QuoteQualified("My Schema", "a\"b"), "\"My Schema\".\"a\"\"b\"");
  // A dot inside a name stays inside its quotes: it does not qualify anything.
  EXPECT_EQ(QuoteQualified("s", "a.b"), "\"s\".\"a.b\"");
}

TEST(QuoteQualifiedTest, AnEmptySchemaLeavesTheNameUnqualified) {
  EXPECT_EQ(QuoteQualified("", "Member"), "\"Member\"");
  EXPECT_EQ(QuoteQualified("", "x\"y"), "\"x\"\"y\"");
}

TEST(QuoteQualifiedTest, QuotesEachPartWithTheQuoterGiven) {
  auto bracket = [](std::string_view part) { return "[" + std::string(part) + "]"; };
  EXPECT_EQ(QuoteQualified("s", "t", +bracket), "[s].[t]");
  EXPECT_EQ(QuoteQualified("", "t", +bracket), "[t]");
}

}  // namespace
}  // namespace lockstep

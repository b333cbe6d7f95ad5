// The quoting every module uses for SQL it sends or writes (the server round trip of tricky names
// and values is in tests/db/connection_test.cc).
#include "base/quote.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lockstep

// QuoteIdent against the server's own quote_ident() on PostgreSQL 15 (libpg_query's grammar):
// every keyword of the server, and names Prisma and hand-written migrations use.
#include "sql/quote.h"

#include <gtest/gtest.h>

#include "support/pg_server.h"

namespace lockstep::sql {
namespace {

class QuoteIdentTest : public testing::PgTest {
 protected:
  int major() const override { return 15; }
};

TEST_F(QuoteIdentTest, MatchesTheServersQuoteIdent) {
  db::DbResult<db::Rows> words = conn().Exec("SELECT word FROM pg_get_keywords()");
  ASSERT_TRUE(words.ok()) << words.error().message;
  std::vector<std::string> names = {"User",     "user", "post",  "Post_authorId_idx",
                                    "authorId", "a\"b", "1abc",  "_x",
                                    "x1",       "name", "order", "Order",
                                    "select",   "é",    "a b",   "",
                                    "value",    "type", "table", "zone"};
  ASSERT_GT(words->size(), 400u);
  for (size_t i = 0; i < words->size(); ++i) names.push_back(*words->Value(i, "word"));
  size_t quoted = 0;
  for (const std::string& n : names) {
    db::DbResult<db::Rows> r = conn().Exec("SELECT quote_ident($1) AS q", {n});
    ASSERT_TRUE(r.ok()) << r.error().message;
    const std::string expected = *r->Value(0, "q");
    EXPECT_EQ(QuoteIdent(n), expected) << "name: " << n;
    quoted += expected != n;
  }
  EXPECT_GT(quoted, 50u);  // reserved keywords and mixed case are quoted
}

TEST(QuoteQName, QuotesEachPart) {
  EXPECT_EQ(QuoteQName({"", "User"}), "\"User\"");
  EXPECT_EQ(QuoteQName({"public", "post"}), "public.post");
  EXPECT_EQ(QuoteQName({"My Schema", "user"}), "\"My Schema\".\"user\"");
}

}  // namespace
}  // namespace lockstep::sql

// The identity column rewritten into a sequence-numbered column and a late identity
// (src/fix/steps/identity_column.cc) on a real server: under the old application inserting rows
// all along without naming the new columns, every insert succeeds, every row ends with a value,
// values are unique, the identity's sequence continues after the numbered rows (a BY DEFAULT and
// an ALWAYS identity, the latter with START and INCREMENT), the swap reads no row of the table,
// and no helper sequence is left. PostgreSQL 15 (CHECK route to NOT NULL) and 18 (NOT NULL …
// NOT VALID).
#include <gtest/gtest.h>

#include <string>

#include "fix/golden.h"
#include "fix/server.h"
#include "fix/writers.h"

namespace lockstep::fixtest {
namespace {

using deploy_test::Scalar;

class IdentityServerTest : public testing::PgTest {};

class IdentityServer18Test : public testing::PgTest {
 protected:
  int major() const override { return 18; }
};

void OldApplicationKeepsInserting(testing::TestDatabase& database, const fix::Options& o) {
  db::Connection& conn = database.conn();
  Result<Fixed> fixed = RunFix(SourceDir() / "tests/fix/golden/identity_column/input", o);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  for (size_t i = 0; i < fixed->input.target; ++i)
    ASSERT_EQ(ApplyWhole(conn, fixed->input.migrations[i].sql), "");
  ASSERT_EQ(ApplyWhole(conn,
                       "INSERT INTO \"Member\" (\"id\", \"name\") SELECT 'm' || g, 'm' FROM "
                       "generate_series(1, 5000) g"),
            "");

  // The old application: it knows neither column.
  Writers writer(database.conninfo(), {[](db::Connection& c, int k) {
                   return Try(c, "INSERT INTO \"Member\" (\"id\", \"name\") VALUES ('w" +
                                     std::to_string(k) + "', 'w')");
                 }});
  writer.Wait(20);
  int swaps = 0;
  for (const fix::OutputFile& f : fixed->files) {
    if (f.relative.generic_string().find("_identity_") != std::string::npos) {
      // One transaction: nothing scanned under its ACCESS EXCLUSIVE lock.
      EXPECT_EQ(SwapScans(conn, f.after, "\"Member\""), "0") << f.after;
      ++swaps;
    } else {
      ASSERT_EQ(ApplyWhole(conn, f.after), "") << f.relative << ":\n" << f.after;
    }
    writer.Wait(20);
  }
  EXPECT_EQ(swaps, 2);
  writer.Stop();
  EXPECT_EQ(writer.failure(), "");
  EXPECT_GT(writer.done(0), 100);

  EXPECT_EQ(
      Scalar(
          conn,
          "SELECT string_agg(attname || ' ' || attidentity::text || ' ' || attnotnull::text || ' ' "
          "|| format_type(atttypid, atttypmod), ', ' ORDER BY attname) FROM pg_attribute "
          "WHERE attrelid = '\"Member\"'::regclass AND attname IN ('number', 'ticket')"),
      "number d true integer, ticket a true bigint");
  const std::string rows = Scalar(conn, "SELECT count(*) FROM \"Member\"");
  EXPECT_EQ(Scalar(conn, "SELECT count(DISTINCT \"number\") FROM \"Member\""), rows);
  EXPECT_EQ(Scalar(conn, "SELECT count(DISTINCT \"ticket\") FROM \"Member\""), rows);
  // The ALWAYS identity's START WITH 100 INCREMENT BY 10 numbered the existing rows too.
  EXPECT_EQ(
      Scalar(conn,
             "SELECT count(*) FROM \"Member\" WHERE \"ticket\" < 100 OR \"ticket\" % 10 <> 0"),
      "0");
  // A new row continues after every value so far: setval() moved the identity's sequence.
  ASSERT_EQ(ApplyWhole(conn, "INSERT INTO \"Member\" (\"id\", \"name\") VALUES ('last', 'x')"), "");
  EXPECT_EQ(
      Scalar(conn,
             "SELECT (n > (SELECT max(\"number\") FROM \"Member\" WHERE id <> 'last'))::text "
             "|| ' ' || (t > (SELECT max(\"ticket\") FROM \"Member\" WHERE id <> 'last'))::text "
             "FROM (SELECT \"number\" AS n, \"ticket\" AS t FROM \"Member\" WHERE id = 'last') s"),
      "true true");
  EXPECT_EQ(
      Scalar(conn, "SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relname LIKE '%fill%'"),
      "0");
  EXPECT_EQ(
      Scalar(conn,
             "SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class WHERE relkind = "
             "'S'"),
      "Member_number_seq, Member_ticket_seq");
}

TEST_F(IdentityServerTest, OldApplicationKeepsInsertingAndTheIdentityContinues) {
  OldApplicationKeepsInserting(db(), {});
}

TEST_F(IdentityServer18Test, OldApplicationKeepsInsertingAndTheIdentityContinues) {
  fix::Options o;
  o.pg_version = 18;
  OldApplicationKeepsInserting(db(), o);
}

}  // namespace
}  // namespace lockstep::fixtest

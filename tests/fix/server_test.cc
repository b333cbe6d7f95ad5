// Equivalence on a real server: for every golden case (the seed example included), the original
// history and the fixed history (expand, then the contract phase) give the same schema (pg_dump
// --schema-only) and the same rows, nothing is left
// NOT VALID or INVALID, and the fixed migrations apply under both Prisma engine behaviours: each
// file as one simple query (native engine) and statement by statement (newer engines). And no
// folder of the fix opens a window (issue 12 item 5): after each one, every primary key, unique
// index and index that the original migration keeps (or replaces by one covering it) is there
// and valid, and the running application can still write every existing row.
#include "fix/server.h"

#include <gtest/gtest.h>

#include "fix/diff.h"
#include "fix/golden.h"

namespace lockstep::fixtest {
namespace {

class FixServerTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(FixServerTest, FixedHistoryBuildsTheSameSchema) {
  const GoldenCase& c = GetParam();
  Result<Fixed> fixed = RunFix(c.input, c.options);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();

  auto original = testing::TestDatabase::Create(FixPgMajorFor(c.options.pg_version), "fix_orig");
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  for (const migrations::Migration& m : fixed->input.migrations) {
    // An original that mixes CONCURRENTLY with other statements only applies statement by
    // statement (the failed simple query rolled back, so the database is unchanged).
    std::string err = ApplyWhole((*original)->conn(), m.sql);
    if (err.find("25001") != std::string::npos) err = ApplyEach((*original)->conn(), m.sql);
    ASSERT_EQ(err, "") << c.name << ": the original " << m.name << " does not apply";
  }
  if (!c.amend_original.empty())
    ASSERT_EQ(ApplyWhole((*original)->conn(), c.amend_original), "") << c.name;
  // A rename's expand/contract may leave columns in another order (WithoutColumnOrder).
  const bool contract = !fixed->plan.contract.empty();
  const std::string want =
      contract ? WithoutColumnOrder(SchemaDump(**original)) : SchemaDump(**original);
  const std::string want_invalid = Invalid((*original)->conn());
  const std::string want_data = TableData((*original)->conn());
  ASSERT_TRUE(want.find("CREATE TABLE") != std::string::npos ||
              want.find(" kind r\n") != std::string::npos)
      << want;

  for (const bool whole : {true, false}) {
    SCOPED_TRACE(whole ? "each file as one simple query (native engine)"
                       : "statement by statement (newer engines)");
    auto db = testing::TestDatabase::Create(FixPgMajorFor(c.options.pg_version),
                                            whole ? "fix_whole" : "fix_each");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    for (size_t i = 0; i < fixed->input.target; ++i)
      ASSERT_EQ(ApplyWhole((*db)->conn(), fixed->input.migrations[i].sql), "");
    for (const fix::OutputFile& f : fixed->files) {
      if (f.held) continue;  // the contract phase, applied below once the rollout is done
      const std::string err =
          whole ? ApplyWhole((*db)->conn(), f.after) : ApplyEach((*db)->conn(), f.after);
      ASSERT_EQ(err, "") << c.name << ": " << f.relative << " fails:\n" << f.after;
    }
    // The contract phase, in order, once the rollout is done (the fix's writer holds it back).
    for (const fix::NewMigration& m : fixed->plan.contract) {
      const std::string err =
          whole ? ApplyWhole((*db)->conn(), m.sql) : ApplyEach((*db)->conn(), m.sql);
      ASSERT_EQ(err, "") << c.name << ": contract " << m.slug << " fails:\n" << m.sql;
    }
    const std::string got = contract ? WithoutColumnOrder(SchemaDump(**db)) : SchemaDump(**db);
    EXPECT_EQ(got, want) << c.name << ": schemas differ:\n"
                         << fix::UnifiedDiff("schema.sql", want, got);
    EXPECT_EQ(Invalid((*db)->conn()), want_invalid) << c.name;
    EXPECT_EQ(TableData((*db)->conn()), want_data) << c.name << ": data differ";
  }
}

// Applies the history and, when `with_target`, the original target the way the first test does.
void ApplyOriginals(db::Connection& conn, const Fixed& fixed, bool with_target) {
  const size_t n = fixed.input.target + (with_target ? 1 : 0);
  for (size_t i = 0; i < n; ++i) {
    const migrations::Migration& m = fixed.input.migrations[i];
    std::string err = ApplyWhole(conn, m.sql);
    if (err.find("25001") != std::string::npos) err = ApplyEach(conn, m.sql);
    ASSERT_EQ(err, "") << "the original " << m.name << " does not apply";
  }
}

TEST_P(FixServerTest, FixedFoldersNeverOpenAWindow) {
  const GoldenCase& c = GetParam();
  Result<Fixed> fixed = RunFix(c.input, c.options);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  auto original =
      testing::TestDatabase::Create(FixPgMajorFor(c.options.pg_version), "fix_win_orig");
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  ASSERT_NO_FATAL_FAILURE(ApplyOriginals((*original)->conn(), *fixed, true));
  const std::vector<IndexShape> after = Indexes((*original)->conn());
  auto db = testing::TestDatabase::Create(FixPgMajorFor(c.options.pg_version), "fix_win");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_NO_FATAL_FAILURE(ApplyOriginals((*db)->conn(), *fixed, false));
  const std::vector<IndexShape> before = Indexes((*db)->conn());
  for (const fix::OutputFile& f : fixed->files) {
    // Windows matter while the old application runs: the contract phase comes after its rollout,
    // and an index it keeps is on the new column (another attnum), so shapes differ by design.
    if (f.held) continue;
    ASSERT_EQ(ApplyWhole((*db)->conn(), f.after), "") << c.name << ": " << f.relative;
    EXPECT_EQ(OpenWindows(before, after,
                          SwappedColumnsAsOriginal(Indexes((*db)->conn()), (*db)->conn(),
                                                   (*original)->conn())),
              "")
        << c.name << ": after " << f.relative << ":\n"
        << f.after;
    EXPECT_EQ(OldApplicationWrites((*db)->conn()), "")
        << c.name << ": the running application cannot write its rows after " << f.relative << ":\n"
        << f.after;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, FixServerTest, ::testing::ValuesIn(GoldenCases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& i) {
                           std::string n;
                           for (char ch : i.param.name)
                             n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return n;
                         });

}  // namespace
}  // namespace lockstep::fixtest

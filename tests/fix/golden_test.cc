// Golden tests: every case of tests/fix/golden/ fixed byte for byte as checked in, each written
// migration safe under both Prisma engines (one non-transactional statement, or only statements
// that may share a transaction), and fix on its own output changing nothing.
#include "fix/golden.h"

#include <gtest/gtest.h>

#include "fix/diff.h"
#include "migrations/contract.h"
#include "sql/parser.h"

namespace lockstep::fixtest {
namespace {

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesExpectedFolders) {
  const GoldenCase& c = GetParam();
  Result<Fixed> fixed = RunFix(c.input, c.options);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  std::map<std::string, std::string> got;
  // A held contract migration is compared under expected/lockstep-contract/ (where fix writes
  // it, beside the migrations directory).
  for (const fix::OutputFile& f : fixed->files)
    got[(f.held ? fs::path(migrations::kHoldingDirectoryName) / f.relative : f.relative)
            .generic_string()] = f.after;
  const std::map<std::string, std::string> want = ReadTree(c.dir / "expected");
  for (const auto& [path, text] : want) {
    auto it = got.find(path);
    if (it == got.end()) {
      ADD_FAILURE() << c.name << ": fix did not write expected " << path;
      continue;
    }
    EXPECT_EQ(it->second, text) << c.name << ": " << path << " differs:\n"
                                << fix::UnifiedDiff(path, text, it->second);
  }
  for (const auto& [path, text] : got)
    if (!want.count(path))
      ADD_FAILURE() << c.name << ": unexpected output " << path << ":\n" << text;
}

TEST_P(GoldenTest, EveryMigrationIsSafeUnderBothPrismaEngines) {
  const GoldenCase& c = GetParam();
  Result<Fixed> fixed = RunFix(c.input, c.options);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  for (const fix::OutputFile& f : fixed->files) {
    const sql::ParsedFile p = sql::Parse(f.after);
    ASSERT_TRUE(p.ok()) << f.relative;
    size_t outside = 0;
    for (const sql::Statement& s : p.statements)
      outside += sql::MustRunOutsideTransaction(s) ? 1 : 0;
    if (outside > 0)
      EXPECT_EQ(p.statements.size(), 1u)
          << c.name << ": " << f.relative << " mixes a non-transactional statement with others";
  }
}

TEST_P(GoldenTest, FixingTheOutputChangesNothing) {
  const GoldenCase& c = GetParam();
  Result<Fixed> fixed = RunFix(c.input, c.options);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  const fs::path out = tmp.path() / "migrations";
  ASSERT_TRUE(fix::WriteCopy(fixed->input, out, fixed->files).ok());
  for (const fix::OutputFile& f : fixed->files) {
    if (f.held) continue;  // not in the migrations directory until it is released
    Result<Fixed> again = RunFix(out / f.relative, c.options);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_FALSE(again->plan.changed())
        << c.name << ": fix changes its own output " << f.relative << ":\n"
        << fix::UnifiedDiff(f.relative.generic_string(), again->plan.original,
                            again->plan.rewritten)
        << again->plan.after.size() << " new migration(s)";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(GoldenCases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& i) {
                           std::string n;
                           for (char ch : i.param.name)
                             n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return n;
                         });

}  // namespace
}  // namespace lockstep::fixtest

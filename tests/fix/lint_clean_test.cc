// The output of fix lints clean for every rule that fix claims to fix (Rule::fixable()): the
// rewritten migration and every new one, replayed after the original history.
#include <gtest/gtest.h>

#include "fix/golden.h"
#include "lint/runner.h"
#include "rules/rule.h"

namespace lockstep::fixtest {
namespace {

class FixLintTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(FixLintTest, OutputLintsCleanForEveryFixableRule) {
  const GoldenCase& c = GetParam();
  Result<Fixed> fixed = RunFix(c.input, c.options);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  std::vector<analysis::MigrationText> texts;
  for (size_t i = 0; i < fixed->input.target; ++i) {
    const migrations::Migration& m = fixed->input.migrations[i];
    texts.push_back({m.name, m.sql_path.string(), m.sql});
  }
  for (const fix::OutputFile& f : fixed->files)
    texts.push_back({f.migration, f.relative.string(), f.after});
  lint::Options o;
  o.settings.pg_version = c.options.pg_version;
  for (const auto& r : rules::AllRules())
    if (r->fixable()) o.only_rules.insert(std::string(r->id()));
  ASSERT_GE(o.only_rules.size(), 8u);
  const analysis::History h = lint::ReplayForLint(texts, fixed->input.target, o.settings);
  for (const Diagnostic& d : lint::Run(h, o)) {
    if (d.rule == lint::kUnusedIgnore) continue;
    ADD_FAILURE() << c.name << ": " << d.path << ": " << d.rule << ": " << d.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, FixLintTest, ::testing::ValuesIn(GoldenCases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& i) {
                           std::string n;
                           for (char ch : i.param.name)
                             n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return n;
                         });

}  // namespace
}  // namespace lockstep::fixtest

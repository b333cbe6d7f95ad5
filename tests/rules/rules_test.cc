// One test per tests/rules/<rule-id>/*.sql case file (format: tests/rules/README.md): every
// diagnostic must be expected inline and every expectation met. Plus the registry's invariants:
// each rule has its source file, doc page and test folder with positive and negative cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/edit.h"
#include "rule_case.h"
#include "rules/rule.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "sql/parser.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() { return fs::path(LOCKSTEP_SOURCE_DIR); }
fs::path CasesDir() { return SourceDir() / "tests" / "rules"; }

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CaseFile {
  std::string rule;
  fs::path path;
};

std::vector<CaseFile> AllCaseFiles() {
  std::vector<CaseFile> out;
  if (!fs::is_directory(CasesDir())) return out;
  for (const auto& dir : fs::directory_iterator(CasesDir())) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".sql") out.push_back({dir.path().filename().string(), f.path()});
  }
  std::sort(out.begin(), out.end(),
            [](const CaseFile& a, const CaseFile& b) { return a.path < b.path; });
  return out;
}

void PrintTo(const CaseFile& c, std::ostream* os) { *os << c.path.string(); }

// A case marked `-- needs: grammar 18` is in PostgreSQL 18 syntax; built with bookworm's
// libpg_query 15 (README, "Dependencies"), lockstep must report it as a syntax error instead.
bool NeedsNewerGrammar(const std::string& text) {
  return text.find("-- needs: grammar 18\n") != std::string::npos &&
         sql::GrammarVersionNum() < 180000;
}

class RuleCaseTest : public ::testing::TestWithParam<CaseFile> {};

TEST_P(RuleCaseTest, DiagnosticsMatchExpectations) {
  const CaseFile& cf = GetParam();
  const std::string rel = fs::relative(cf.path, SourceDir()).string();
  const std::string text_of_file = Slurp(cf.path);
  const RuleCase c = ParseRuleCase(rel, text_of_file, cf.rule);
  for (const std::string& e : c.errors) ADD_FAILURE() << rel << ": " << e;
  if (!c.errors.empty()) return;
  ASSERT_NE(rules::FindRule(cf.rule), nullptr) << "folder names no rule: " << cf.rule;

  const std::vector<Diagnostic> ds = LintCase(c);
  if (NeedsNewerGrammar(text_of_file)) {
    EXPECT_TRUE(std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) {
      return d.rule == lint::kSyntaxError;
    })) << rel;
    return;
  }
  std::vector<Placed> placed = Place(c, ds);
  std::vector<bool> met(c.expectations.size(), false);
  for (const Placed& p : placed) {
    const Diagnostic& d = *p.d;
    std::string text = c.migrations.back().text;
    for (const analysis::MigrationText& m : c.migrations)
      if (m.path == d.path) text = m.text;
    const std::string where = rel + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    bool matched = false;
    for (size_t i = 0; i < c.expectations.size() && !matched; ++i) {
      const Expectation& x = c.expectations[i];
      if (met[i] || x.line != p.line || x.rule != d.rule) continue;
      if (x.column != 0 && x.column != p.column) continue;
      met[i] = matched = true;
    }
    EXPECT_TRUE(matched) << where << ": unexpected " << d.rule << ": " << d.message;
    // Every finding is actionable data: a message, a help line, a range on real text.
    EXPECT_FALSE(d.message.empty()) << where;
    if (d.rule != lint::kSyntaxError) {
      EXPECT_FALSE(d.help.empty()) << where << " " << d.rule;
    }
    EXPECT_LE(0, d.begin) << where;
    EXPECT_LT(d.begin, d.end) << where << " " << d.rule << " has an empty range";
    EXPECT_LE(d.end, static_cast<int>(text.size())) << where;
    if (const rules::Rule* r = rules::FindRule(d.rule)) {
      EXPECT_TRUE(!d.fixable || r->fixable()) << where << ": fixable finding of a rule that is not";
    }
  }
  for (size_t i = 0; i < c.expectations.size(); ++i) {
    const Expectation& x = c.expectations[i];
    EXPECT_TRUE(met[i]) << rel << ":" << x.line
                        << (x.column ? ":" + std::to_string(x.column) : std::string())
                        << ": expected " << x.rule << ", not reported";
  }
}

// lint streams a large file (the open transaction's statements kept, not the whole parse): on
// every case, streamed a statement at a time, it must report exactly what a whole parse does.
TEST_P(RuleCaseTest, StreamedLintReportsTheSame) {
  const CaseFile& cf = GetParam();
  const std::string rel = fs::relative(cf.path, SourceDir()).string();
  const RuleCase c = ParseRuleCase(rel, Slurp(cf.path), cf.rule);
  if (!c.errors.empty()) return;  // DiagnosticsMatchExpectations reports a malformed case
  EXPECT_EQ(Everything(LintCase(c, true)), Everything(LintCase(c))) << rel;
  RuleCase all = c;  // every rule, not only the case's
  all.rules.clear();
  EXPECT_EQ(Everything(LintCase(all, true)), Everything(LintCase(all))) << rel << " (all rules)";
}

// The quick-fix invariant (squawk's and clang-tidy's CHECK-FIXES): applying every quick fix that
// the rule under test attaches gives a migration that still parses and on which that rule is
// silent. A fix that leaves its own finding behind, or breaks the file, fails here.
TEST_P(RuleCaseTest, QuickFixesSilenceTheirRule) {
  const CaseFile& cf = GetParam();
  const std::string rel = fs::relative(cf.path, SourceDir()).string();
  const std::string text_of_file = Slurp(cf.path);
  RuleCase c = ParseRuleCase(rel, text_of_file, cf.rule);
  if (!c.errors.empty()) return;  // DiagnosticsMatchExpectations reports a malformed case
  if (NeedsNewerGrammar(text_of_file)) return;  // a syntax error: nothing to fix
  std::vector<Edit> edits;
  for (const Diagnostic& d : LintCase(c))
    if (d.rule == cf.rule && d.path == c.migrations.back().path)
      edits.insert(edits.end(), d.edits.begin(), d.edits.end());
  if (edits.empty()) return;  // nothing to apply: this case has no quick fix of the rule
  Result<std::string> fixed = ApplyEdits(c.migrations.back().text, edits);
  ASSERT_TRUE(fixed.ok()) << rel << ": the quick fixes conflict: " << fixed.status().message();
  c.migrations.back().text = *fixed;
  for (const Diagnostic& d : LintCase(c)) {
    EXPECT_NE(d.rule, lint::kSyntaxError)
        << rel << ": the fixed migration does not parse: " << d.message << "\n"
        << *fixed;
    EXPECT_NE(d.rule, cf.rule) << rel << ": still reported after its quick fix: " << d.message
                               << "\n"
                               << *fixed;
  }
}

std::string CaseName(const ::testing::TestParamInfo<CaseFile>& info) {
  std::string n = info.param.rule + "__" + info.param.path.stem().string();
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleCaseTest, ::testing::ValuesIn(AllCaseFiles()), CaseName);

TEST(RuleRegistry, SortedUniqueKebabCaseIds) {
  const auto& all = rules::AllRules();
  ASSERT_FALSE(all.empty());
  const std::regex kebab("[a-z][a-z0-9]*(-[a-z0-9]+)+");
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string id(all[i]->id());
    EXPECT_TRUE(std::regex_match(id, kebab)) << id;
    if (i > 0) {
      EXPECT_LT(all[i - 1]->id(), all[i]->id());
    }
    EXPECT_EQ(rules::FindRule(id), all[i].get());
    EXPECT_FALSE(all[i]->summary().empty()) << id;
  }
}

TEST(RuleRegistry, EveryRuleHasSourceDocAndPositiveAndNegativeCases) {
  std::map<std::string, std::pair<int, int>> cases;  // rule -> (positive files, negative files)
  for (const CaseFile& cf : AllCaseFiles()) {
    const RuleCase c = ParseRuleCase(cf.path.string(), Slurp(cf.path), cf.rule);
    auto& [pos, neg] = cases[cf.rule];
    (c.expectations.empty() ? neg : pos) += 1;
  }
  for (const auto& r : rules::AllRules()) {
    const std::string id(r->id());
    EXPECT_TRUE(fs::exists(SourceDir() / "src" / "rules" / (id + ".cc"))) << id;
    const fs::path doc = SourceDir() / "docs" / "rules" / (id + ".md");
    ASSERT_TRUE(fs::exists(doc)) << id << ": no docs/rules/" << id << ".md";
    const std::string page = Slurp(doc);
    EXPECT_EQ(page.rfind("# " + id, 0), 0u) << doc << " must start with '# " << id << "'";
    EXPECT_NE(page.find("lockstep fix"), std::string::npos)
        << doc << " must say whether `lockstep fix` rewrites it";
    EXPECT_GE(cases[id].first, 1) << id << ": no positive case file";
    EXPECT_GE(cases[id].second, 1) << id << ": no negative case file (one without expectations)";
  }
  for (const auto& [rule, counts] : cases)
    EXPECT_NE(rules::FindRule(rule), nullptr) << "tests/rules/" << rule << "/ names no rule";
}

}  // namespace
}  // namespace lockstep::testing

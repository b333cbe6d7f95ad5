// Conformance with squawk's own test cases (../shared/corpus/squawk-cases/<rule>.cases) for its
// lock, rewrite and transaction rules: lockstep must report a finding of the mapped rule(s)
// (squawk_map.tsv) exactly when squawk's test expects a violation. Deliberate disagreements — where
// lockstep knows better (PostgreSQL version facts, tables created in the same file, …) — are listed
// with their reason in squawk_disagreements.tsv; any other disagreement, or a listed case that now
// agrees, fails the test.
//
// squawk's settings map to lockstep's: pg_version and assume_in_transaction. squawk assumes the
// migrations are deployed by some other tool, so deployed_by_lockstep is false here (otherwise the
// timeout rules would be off).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "rule_case.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "support/corpus.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

// The squawk rules about locks, table rewrites and transactions: the ones whose verdicts lockstep
// must match. (The others are about naming, types and breaking clients; their squawk cases are
// not a conformance target, though lockstep has a rule for each: see squawk_map.tsv.)
const std::vector<std::string> kConformanceRules = {
    "adding-field-with-default",
    "adding-foreign-key-constraint",
    "adding-not-nullable-field",
    "adding-required-field",
    "adding-serial-primary-key-field",
    "ban-concurrent-index-creation-in-transaction",
    "ban-uncommitted-transaction",
    "changing-column-type",
    "constraint-missing-not-valid",
    "disallowed-unique-constraint",
    "prefer-repack",
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "require-concurrent-partition-detach",
    "require-concurrent-reindex",
    "require-lock-timeout",
    "require-statement-timeout",
    "require-timeout-settings",
    "transaction-nesting",
};

struct SquawkCase {
  std::string name;
  bool violation = false;
  std::string settings;  // "pg_version=11 assume_in_transaction=true"
  std::string sql;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::vector<SquawkCase> ReadCases(const fs::path& file) {
  std::vector<SquawkCase> out;
  SquawkCase* cur = nullptr;
  bool in_header = false;
  for (const std::string& line : Lines(ReadFileOrDie(file))) {
    if (StartsWith(line, "-- case: ")) {
      out.push_back({line.substr(9), false, "", ""});
      cur = &out.back();
      in_header = true;
      continue;
    }
    if (!cur || StartsWith(line, "--|")) continue;
    if (in_header) {
      if (StartsWith(line, "-- expect: ")) {
        cur->violation = line.substr(11) == "violation";
        continue;
      }
      if (StartsWith(line, "-- settings: ")) {
        cur->settings = line.substr(13);
        continue;
      }
      if (StartsWith(line, "-- fix-test:") || StartsWith(line, "-- note:")) continue;
      in_header = false;
    }
    cur->sql += line + "\n";
  }
  return out;
}

std::map<std::string, std::set<std::string>> ReadMap(const fs::path& file) {
  std::map<std::string, std::set<std::string>> out;
  for (const std::string& line : Lines(ReadFileOrDie(file))) {
    if (line.empty() || line[0] == '#' || StartsWith(line, "squawk_rule\t")) continue;
    const size_t tab = line.find('\t');
    std::set<std::string>& ids = out[line.substr(0, tab)];
    std::stringstream ss(line.substr(tab + 1));
    std::string id;
    while (std::getline(ss, id, ',')) ids.insert(id);
  }
  return out;
}

// "rule\tcase" -> reason
std::map<std::string, std::string> ReadDisagreements(const fs::path& file) {
  std::map<std::string, std::string> out;
  for (const std::string& line : Lines(ReadFileOrDie(file))) {
    if (line.empty() || line[0] == '#' || StartsWith(line, "squawk_rule\t")) continue;
    const size_t a = line.find('\t');
    const size_t b = line.find('\t', a + 1);
    out[line.substr(0, b)] = line.substr(b + 1);
  }
  return out;
}

// Runs one squawk case through lockstep with only the mapped rules; true when any of them reports.
// Syntax errors fail the test when `strict` (squawk's parser accepts a few things PostgreSQL's
// grammar does not, e.g. `int array[]`).
bool LockstepReports(const std::string& rule, const SquawkCase& sc,
                     const std::set<std::string>& mapped, bool strict = true) {
  RuleCase c;
  c.path = rule + "/" + sc.name;
  c.settings.deployed_by_lockstep = false;
  std::stringstream ss(sc.settings);
  std::string kv;
  while (ss >> kv) {
    const size_t eq = kv.find('=');
    EXPECT_TRUE(ApplySetting(c.settings, kv.substr(0, eq), kv.substr(eq + 1)))
        << c.path << ": squawk setting " << kv;
  }
  c.rules = mapped;
  c.migrations.push_back({sc.name, c.path, sc.sql});
  c.first_line.push_back(1);
  bool found = false;
  for (const Diagnostic& d : LintCase(c)) {
    if (strict) EXPECT_NE(d.rule, lint::kSyntaxError) << c.path << ": " << d.message;
    found = found || mapped.count(d.rule);
  }
  return found;
}

TEST(SquawkConformance, LockRewriteAndTransactionRulesAgree) {
  LOCKSTEP_REQUIRE_CORPUS();
  const fs::path here = fs::path(LOCKSTEP_SOURCE_DIR) / "tests" / "rules";
  const auto map = ReadMap(here / "squawk_map.tsv");
  auto disagreements = ReadDisagreements(here / "squawk_disagreements.tsv");
  std::set<std::string> listed_used;
  int total = 0, agree = 0;
  for (const std::string& rule : kConformanceRules) {
    ASSERT_TRUE(map.count(rule)) << rule << " is not in squawk_map.tsv";
    const std::set<std::string>& mapped = map.at(rule);
    for (const std::string& id : mapped) ASSERT_NE(rules::FindRule(id), nullptr) << id;
    const fs::path file = CorpusRoot() / "squawk-cases" / (rule + ".cases");
    const std::vector<SquawkCase> cases = ReadCases(file);
    ASSERT_FALSE(cases.empty()) << file;
    for (const SquawkCase& sc : cases) {
      const bool found = LockstepReports(rule, sc, mapped);
      const std::string path = rule + "/" + sc.name;
      ++total;
      const std::string key = rule + "\t" + sc.name;
      const bool listed = disagreements.count(key) > 0;
      if (found == sc.violation) {
        ++agree;
        EXPECT_FALSE(listed) << path << " agrees with squawk now: remove it from "
                             << "squawk_disagreements.tsv";
      } else {
        EXPECT_TRUE(listed) << path << ": squawk expects "
                            << (sc.violation ? "a violation" : "no violation") << ", lockstep "
                            << (found ? "reports one" : "reports none")
                            << "; fix the rule or list the case with its reason";
        listed_used.insert(key);
      }
    }
  }
  for (const auto& [key, reason] : disagreements)
    EXPECT_TRUE(listed_used.count(key) || key.empty())
        << "squawk_disagreements.tsv lists an unknown case: " << key;
  const double pct = 100.0 * agree / total;
  std::printf(
      "squawk conformance: %d of %d cases agree (%.1f%%) over %zu rules; %zu listed "
      "disagreements\n",
      agree, total, pct, kConformanceRules.size(), disagreements.size());
  EXPECT_GE(pct, 95.0);
}

// The squawk rules outside the conformance target: their agreement is printed, not enforced
// (lockstep's rules for them are deliberately narrower or broader; each has its own case files).
TEST(SquawkConformance, OtherRulesAgreementIsReported) {
  LOCKSTEP_REQUIRE_CORPUS();
  const fs::path here = fs::path(LOCKSTEP_SOURCE_DIR) / "tests" / "rules";
  const auto map = ReadMap(here / "squawk_map.tsv");
  EXPECT_EQ(map.size(), 39u) << "squawk has 39 rules; squawk_map.tsv must map each";
  int total = 0, agree = 0;
  std::string differing;
  for (const auto& [rule, mapped] : map) {
    if (std::find(kConformanceRules.begin(), kConformanceRules.end(), rule) !=
        kConformanceRules.end())
      continue;
    for (const std::string& id : mapped) EXPECT_NE(rules::FindRule(id), nullptr) << id;
    const fs::path file = CorpusRoot() / "squawk-cases" / (rule + ".cases");
    for (const SquawkCase& sc : ReadCases(file)) {
      ++total;
      if (LockstepReports(rule, sc, mapped, /*strict=*/false) == sc.violation)
        ++agree;
      else
        differing += " " + rule + "/" + sc.name;
    }
  }
  std::printf("squawk's other rules (not a conformance target): %d of %d cases agree;%s\n", agree,
              total, differing.empty() ? " all agree" : (" differing:" + differing).c_str());
}

}  // namespace
}  // namespace lockstep::testing

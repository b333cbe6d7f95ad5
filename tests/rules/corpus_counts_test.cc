// Lints whole Prisma histories from ../shared/corpus/prisma (each migration analysed with every
// earlier one as history) and pins the per-rule counts of two apps in corpus_counts.tsv, so that a
// change in any rule's behaviour on real migrations shows up as a diff. LOCKSTEP_UPDATE_COUNTS=1
// rewrites the file (and says so) instead of comparing. A second test lints all seven apps, prints
// the per-rule totals (docs/lint-corpus.md) and checks the lock rules' central promise on real
// data: no finding on a table created earlier in the same migration.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "lint/runner.h"
#include "migrations/layout.h"
#include "rule_case.h"
#include "rules/rule.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "support/corpus.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPinnedApps = {"documenso", "umami"};
const std::vector<std::string> kAllApps = {"civitai",    "documenso", "formbricks", "hoppscotch",
                                           "inbox-zero", "papermark", "umami"};

// Rules whose findings are about locks on live tables: never on a table this migration created.
const std::set<std::string> kLockRules = {
    "avoid-inheritance-change",
    "avoid-rewrite-on-add-column",
    "avoid-rewriting-type-change",
    "avoid-table-rewrite",
    "ban-add-exclusion-constraint",
    "combine-alter-table-statements",
    "require-check-before-attach-partition",
    "require-check-before-set-not-null",
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "require-concurrent-partition-detach",
    "require-concurrent-refresh",
    "require-concurrent-reindex",
    "require-default-for-not-null-column",
    "require-not-null-before-primary-key",
    "require-not-valid-check",
    "require-not-valid-foreign-key",
    "require-primary-key-using-index",
    "require-unique-using-index",
    "validate-in-separate-transaction",
    "ban-truncate",
};

struct Linted {
  analysis::History history;
  std::vector<Diagnostic> diagnostics;
};

// `streamed`: every migration streamed a statement at a time, as lint streams a large file.
Linted LintApp(const std::string& app, const rules::Settings& settings = {},
               bool streamed = false) {
  const fs::path dir = CorpusRoot() / "prisma" / app / "migrations";
  Result<migrations::MigrationSet> set = migrations::Discover(dir.string());
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  std::vector<analysis::MigrationText> texts;
  if (set.ok())
    for (const migrations::Migration& m : set->migrations)
      texts.push_back({m.name, app + "/" + m.name + "/migration.sql", m.sql});
  Linted out;
  out.history =
      lint::ReplayForLint(std::move(texts), 0, settings, nullptr, streamed ? 0 : SIZE_MAX);
  lint::Options o;
  o.settings = settings;
  if (streamed) o.stream_batch_bytes = 1;
  out.diagnostics = lint::Run(out.history, o);
  return out;
}

std::map<std::string, int> CountByRule(const std::vector<Diagnostic>& ds) {
  std::map<std::string, int> out;
  for (const Diagnostic& d : ds) ++out[d.rule];
  return out;
}

fs::path CountsFile() { return fs::path(LOCKSTEP_SOURCE_DIR) / "tests/rules/corpus_counts.tsv"; }

TEST(CorpusCounts, PinnedPerRuleCountsForTwoHistories) {
  LOCKSTEP_REQUIRE_CORPUS();
  std::map<std::string, std::map<std::string, int>> now;  // app -> rule -> count
  for (const std::string& app : kPinnedApps) now[app] = CountByRule(LintApp(app).diagnostics);

  const char* update = std::getenv("LOCKSTEP_UPDATE_COUNTS");
  if (update && std::string(update) == "1") {
    std::ofstream out(CountsFile());
    out << "# Per-rule finding counts over whole Prisma histories (default settings), pinned by\n"
           "# corpus_counts_test.cc. Regenerate: LOCKSTEP_UPDATE_COUNTS=1 ./test_rules "
           "--gtest_filter='CorpusCounts.*'\n"
           "app\trule\tcount\n";
    for (const auto& [app, counts] : now)
      for (const auto& [rule, n] : counts) out << app << "\t" << rule << "\t" << n << "\n";
    std::printf("LOCKSTEP_UPDATE_COUNTS=1: rewrote %s\n", CountsFile().string().c_str());
    return;
  }

  std::map<std::string, std::map<std::string, int>> pinned;
  std::ifstream in(CountsFile());
  ASSERT_TRUE(in) << "missing " << CountsFile() << " (run with LOCKSTEP_UPDATE_COUNTS=1)";
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("app\t", 0) == 0) continue;
    std::stringstream ss(line);
    std::string app, rule, n;
    std::getline(ss, app, '\t');
    std::getline(ss, rule, '\t');
    std::getline(ss, n, '\t');
    pinned[app][rule] = std::stoi(n);
  }
  for (const std::string& app : kPinnedApps) {
    std::set<std::string> rules_seen;
    for (const auto& [r, n] : pinned[app]) rules_seen.insert(r);
    for (const auto& [r, n] : now[app]) rules_seen.insert(r);
    for (const std::string& r : rules_seen) {
      EXPECT_EQ(now[app][r], pinned[app][r])
          << app << " " << r << ": the count changed (if intended, check a sample of the "
          << "findings, then rerun with LOCKSTEP_UPDATE_COUNTS=1)";
    }
  }
}

// Index of the statement of migration `m` that contains byte `offset`.
size_t StatementAt(const analysis::AnalyzedMigration& m, int offset) {
  size_t best = 0;
  for (size_t i = 0; i < m.statements.size(); ++i)
    if (m.statements[i].statement->begin <= offset) best = i;
  return best;
}

// Independently of the schema model: does a statement before `index` of `m` create `table`?
// (CREATE … IF NOT EXISTS may be a no-op, so it does not count.)
bool CreatedEarlierInMigration(const analysis::AnalyzedMigration& m, size_t index,
                               const sql::QName& table) {
  auto key = [](const sql::QName& q) {
    return (q.schema.empty() ? "public" : q.schema) + "." + q.name;
  };
  for (size_t j = 0; j < index; ++j) {
    const sql::Statement& s = *m.statements[j].statement;
    if ((s.kind == sql::Kind::kCreateTable || s.kind == sql::Kind::kCreateTableAs ||
         s.kind == sql::Kind::kCreateMatView) &&
        !s.if_not_exists && key(s.table) == key(table))
      return true;
  }
  return false;
}

TEST(CorpusCounts, AllSevenHistoriesNoLockFindingOnNewTables) {
  LOCKSTEP_REQUIRE_CORPUS();
  std::map<std::string, std::map<std::string, int>> by_rule;  // rule -> app -> count
  int total = 0;
  for (const std::string& app : kAllApps) {
    Linted l = LintApp(app);
    std::map<std::string, const analysis::AnalyzedMigration*> by_path;
    for (const analysis::AnalyzedMigration& m : l.history.migrations) by_path[m.source.path()] = &m;
    for (const Diagnostic& d : l.diagnostics) {
      ++by_rule[d.rule][app];
      ++total;
      EXPECT_LT(d.begin, d.end) << d.path << ": " << d.rule << " has an empty range";
      if (!kLockRules.count(d.rule)) continue;
      const analysis::AnalyzedMigration* m = by_path[d.path];
      ASSERT_NE(m, nullptr) << d.path;
      const size_t i = StatementAt(*m, d.begin);
      const sql::Statement& st = *m->statements[i].statement;
      if (st.table.name.empty() || st.kind == sql::Kind::kCreateTable) continue;
      EXPECT_FALSE(CreatedEarlierInMigration(*m, i, st.table))
          << d.path << ": " << d.rule << " on " << st.table.ToString()
          << ", created earlier in the same migration: " << d.message;
    }
  }
  std::printf("lint over all seven Prisma histories: %d findings\n", total);
  std::printf("%-48s", "rule");
  for (const std::string& app : kAllApps) std::printf(" %10s", app.c_str());
  std::printf(" %8s\n", "total");
  for (const auto& [rule, apps] : by_rule) {
    int sum = 0;
    std::printf("%-48s", rule.c_str());
    for (const std::string& app : kAllApps) {
      auto it = apps.find(app);
      const int n = it == apps.end() ? 0 : it->second;
      sum += n;
      std::printf(" %10d", n);
    }
    std::printf(" %8d\n", sum);
  }
}

// Streamed (the open transaction's statements kept, not the whole parse) or parsed whole, lint
// reports the same on every migration of seven real histories.
TEST(CorpusCounts, AllSevenHistoriesStreamedReportTheSame) {
  LOCKSTEP_REQUIRE_CORPUS();
  for (const std::string& app : kAllApps)
    EXPECT_EQ(Everything(LintApp(app, {}, true).diagnostics), Everything(LintApp(app).diagnostics))
        << app;
}

}  // namespace
}  // namespace lockstep::testing

// The SQL a help text suggests runs (rules/common.h SuggestedSql): for every rule case
// (tests/rules/<rule>/*.sql), every backtick span of every diagnostic's help is run on a real
// server, statement by statement, in a fresh database holding the case's history and the
// statements of the linted migration before the flagged one (the suggestion replaces it) or up to
// and including it (the suggestion follows it). It must succeed in one of the two whenever the
// case's own statements run on the server.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "rule_case.h"
#include "rules/common.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "sql/parser.h"
#include "support/pg_server.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The statements of `text` as separate strings; false on a syntax error.
bool Statements(const std::string& text, std::vector<std::string>& out) {
  const sql::ParsedFile f = sql::ParseString(text);
  if (!f.ok()) return false;
  for (const sql::Statement& s : f.statements) out.emplace_back(sql::StatementText(text, s));
  return true;
}

// Runs `statements` one by one (autocommit: transaction control is left out, so that CONCURRENTLY
// works); the first error, or "".
std::string Run(db::Connection& c, const std::vector<std::string>& statements) {
  for (const std::string& s : statements) {
    const sql::ParsedFile f = sql::ParseString(s);
    if (f.statements.size() == 1 && f.statements[0].kind == sql::Kind::kTransaction) continue;
    db::DbResult<db::Rows> r = c.Exec(s);
    if (!r.ok()) return s + ": " + r.error().message;
  }
  return "";
}

struct Outcome {
  std::string no_database;    // the test database could not be made
  bool state_usable = false;  // the case's own statements ran
  std::string error;          // of the suggestion, when it failed
};

// A fresh database with `prefix` applied, then `suggestion`.
Outcome Try(const std::vector<std::string>& prefix, const std::vector<std::string>& suggestion,
            const std::string& label) {
  Outcome o;
  Result<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(kDefaultPgMajor, label);
  if (!db.ok()) {
    o.no_database = db.status().ToString();
    return o;
  }
  if (!Run((*db)->conn(), prefix).empty()) return o;
  o.state_usable = true;
  o.error = Run((*db)->conn(), suggestion);
  return o;
}

TEST(HelpSql, EverySuggestedStatementRunsOnARealServer) {
  const fs::path cases = fs::path(LOCKSTEP_SOURCE_DIR) / "tests" / "rules";
  std::vector<fs::path> files;
  for (const auto& dir : fs::directory_iterator(cases))
    if (dir.is_directory())
      for (const auto& f : fs::directory_iterator(dir.path()))
        if (f.path().extension() == ".sql") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  std::set<std::string> suggesting;  // rules whose help suggested SQL in some case
  std::set<std::string> ran;         // rules whose suggestion ran at least once
  size_t suggestions = 0, executed = 0;
  for (const fs::path& file : files) {
    const std::string rel = fs::relative(file, cases.parent_path().parent_path()).string();
    const RuleCase c = ParseRuleCase(rel, Slurp(file), file.parent_path().filename().string());
    if (!c.errors.empty()) continue;  // rules_test reports malformed cases
    std::vector<std::string> history;
    for (size_t i = 0; i + 1 < c.migrations.size(); ++i)
      ASSERT_TRUE(Statements(c.migrations[i].text, history)) << rel;
    const std::string& text = c.migrations.back().text;
    const sql::ParsedFile last = sql::ParseString(text);
    for (const Diagnostic& d : LintCase(c)) {
      const std::vector<std::string> spans = rules::SuggestedSql(d.help);
      if (spans.empty()) continue;
      suggesting.insert(d.rule);
      ++suggestions;
      std::vector<std::string> suggestion;
      for (const std::string& s : spans)
        EXPECT_TRUE(Statements(s, suggestion))
            << rel << ": " << d.rule << ": help SQL does not parse: " << s;
      size_t at = last.statements.size();
      for (size_t i = 0; i < last.statements.size(); ++i)
        if (last.statements[i].begin <= d.begin && d.begin <= last.statements[i].end) at = i;
      ASSERT_LT(at, last.statements.size()) << rel << ": " << d.rule;
      std::vector<std::string> prefix = history;
      for (size_t i = 0; i < at; ++i)
        prefix.emplace_back(sql::StatementText(text, last.statements[i]));
      Outcome before = Try(prefix, suggestion, d.rule);
      ASSERT_EQ(before.no_database, "");
      if (before.state_usable && before.error.empty()) {
        ran.insert(d.rule);
        ++executed;
        continue;
      }
      prefix.emplace_back(sql::StatementText(text, last.statements[at]));
      Outcome after = Try(prefix, suggestion, d.rule);
      ASSERT_EQ(after.no_database, "");
      if (after.state_usable && after.error.empty()) {
        ran.insert(d.rule);
        ++executed;
        continue;
      }
      // A case whose own statements (the flagged one included) do not run on a server, e.g. on
      // a table the history does not create, cannot judge its suggestion.
      if (!after.state_usable) continue;
      ADD_FAILURE() << rel << ": " << d.rule << ": suggested SQL fails before the flagged "
                    << "statement (" << before.error << ") and after it (" << after.error
                    << ")\n  help: " << d.help;
    }
  }
  // Every rule that suggests SQL has it run at least once, so that the test cannot pass by
  // never reaching a server.
  for (const std::string& r : suggesting)
    EXPECT_TRUE(ran.count(r)) << r << ": no case of this rule runs on a server, so its suggested "
                              << "SQL was never run";
  EXPECT_GE(suggesting.size(), 8u);
  std::printf("%zu suggestions of %zu rules, %zu ran; the others' cases do not run on a server\n",
              suggestions, suggesting.size(), executed);
}

}  // namespace
}  // namespace lockstep::testing

// The lint runner: transaction state per statement, inline ignores (and unused ones), rule
// selection, severities, syntax errors and ordering. Uses two tiny test-only rules so that it does
// not depend on which real rules exist.
#include "lint/runner.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace lockstep::lint {
namespace {

// A finding on the current statement (negative range: the runner's Context uses the statement).
Diagnostic Finding(std::string message, int begin = -1, int end = -1) {
  Diagnostic d;
  d.message = std::move(message);
  d.begin = begin;
  d.end = end;
  return d;
}

// Reports every ALTER TABLE statement (on its whole range).
class TestAlterRule : public rules::Rule {
 public:
  std::string_view id() const override { return "test-alter"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override { return "reports every ALTER TABLE"; }
  void CheckStatement(rules::Context& ctx) const override {
    if (ctx.statement().kind == sql::Kind::kAlterTable) ctx.Report(Finding("alter"));
  }
};

// Reports, once per file, the first DROP statement (from CheckMigration).
class TestDropRule : public rules::Rule {
 public:
  std::string_view id() const override { return "test-drop"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override { return "reports the first DROP, per file"; }
  void CheckMigration(rules::Context& ctx) const override {
    for (const auto& as : ctx.migration().statements) {
      if (as.statement->kind == sql::Kind::kDrop) {
        ctx.Report(Finding("drop", as.statement->begin, as.statement->end));
        return;
      }
    }
  }
};

const TestAlterRule kAlter;
const TestDropRule kDrop;
const std::vector<const rules::Rule*> kTestRules = {&kAlter, &kDrop};

Options TestOptions() {
  Options o;
  o.rule_set = &kTestRules;
  return o;
}

std::vector<Diagnostic> Lint(const std::string& sql, const Options& o = TestOptions()) {
  analysis::History h = ReplayForLint({{"m1", "m1.sql", sql}}, 0, o.settings);
  return lint::Run(h, o);
}

std::vector<std::string> Rules(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.rule);
  return out;
}

std::vector<rules::TransactionState> Track(const std::string& sql, rules::Settings s = {}) {
  analysis::History h = ReplayForLint({{"m1", "m1.sql", sql}}, 0, s);
  return TrackTransactions(h.migrations[0], s);
}

TEST(Transactions, ExplicitBlockAndCommit) {
  auto st =
      Track("CREATE TABLE a(id int);\nBEGIN;\nALTER TABLE a ADD COLUMN b int;\nCOMMIT;\nSELECT 1;");
  ASSERT_EQ(st.size(), 5u);
  EXPECT_FALSE(st[0].in_transaction);
  EXPECT_FALSE(st[1].in_transaction);  // state before BEGIN
  EXPECT_TRUE(st[2].in_transaction);
  EXPECT_TRUE(st[2].explicit_block);
  EXPECT_TRUE(st[3].in_transaction);
  EXPECT_FALSE(st[4].in_transaction);
  EXPECT_FALSE(st[4].explicit_block);
}

TEST(Transactions, HeldLocksAccumulateUntilCommit) {
  auto st = Track(
      "BEGIN;\nALTER TABLE users ADD COLUMN b int;\nSELECT 1;\nCOMMIT;\nSELECT 2;\n"
      "ALTER TABLE users ADD COLUMN c int;\nSELECT 3;");
  ASSERT_EQ(st.size(), 7u);
  EXPECT_TRUE(st[1].held.empty());
  ASSERT_EQ(st[2].held.size(), 1u);
  EXPECT_EQ(st[2].held[0].lock.relation.name, "users");
  EXPECT_EQ(st[2].held[0].lock.mode, locks::LockMode::kAccessExclusive);
  EXPECT_EQ(st[3].held.size(), 1u);
  EXPECT_TRUE(st[4].held.empty());  // committed
  EXPECT_TRUE(st[6].held.empty());  // autocommit: nothing carried over
}

TEST(Transactions, HeldKeepsStrongestModePerRelation) {
  auto st = Track(
      "BEGIN;\nLOCK TABLE t IN SHARE MODE;\nLOCK TABLE t IN ACCESS EXCLUSIVE MODE;\n"
      "LOCK TABLE t IN ACCESS SHARE MODE;\nSELECT 1;");
  ASSERT_EQ(st.size(), 5u);
  ASSERT_EQ(st[4].held.size(), 1u);
  EXPECT_EQ(st[4].held[0].lock.mode, locks::LockMode::kAccessExclusive);
  // Where the strongest mode was taken: the ACCESS EXCLUSIVE statement (line 3), not the first.
  ASSERT_EQ(st[2].held.size(), 1u);
  EXPECT_EQ(st[2].held[0].taken_at, 7);  // "LOCK TABLE t IN SHARE MODE" starts after "BEGIN;\n"
  EXPECT_EQ(st[4].held[0].taken_at, 35);
}

TEST(Transactions, RollbackReleasesLocks) {
  auto st = Track("BEGIN;\nALTER TABLE t ADD COLUMN b int;\nROLLBACK;\nSELECT 1;");
  EXPECT_EQ(st[2].held.size(), 1u);
  EXPECT_TRUE(st[3].held.empty());
  EXPECT_FALSE(st[3].in_transaction);
}

TEST(Transactions, RollbackToSavepointReleasesLaterLocks) {
  auto st = Track(
      "BEGIN;\nLOCK TABLE a;\nSAVEPOINT s;\nLOCK TABLE b;\nROLLBACK TO SAVEPOINT s;\nSELECT 1;");
  ASSERT_EQ(st.size(), 6u);
  EXPECT_EQ(st[4].held.size(), 2u);
  ASSERT_EQ(st[5].held.size(), 1u);
  EXPECT_EQ(st[5].held[0].lock.relation.name, "a");
}

TEST(Transactions, AssumedTransactionHoldsAcrossFile) {
  rules::Settings s;
  s.assume_in_transaction = true;
  auto st = Track("ALTER TABLE t ADD COLUMN b int;\nSELECT 1;", s);
  EXPECT_TRUE(st[0].in_transaction);
  EXPECT_FALSE(st[0].explicit_block);
  EXPECT_EQ(st[1].held.size(), 1u);
  auto plain = Track("ALTER TABLE t ADD COLUMN b int;\nSELECT 1;");
  EXPECT_FALSE(plain[1].in_transaction);
  EXPECT_TRUE(plain[1].held.empty());
}

TEST(Transactions, NonTransactionalStatementHoldsNothing) {
  rules::Settings s;
  s.assume_in_transaction = true;
  auto st = Track("CREATE INDEX CONCURRENTLY i ON t(a);\nSELECT 1;", s);
  EXPECT_TRUE(st[1].held.empty());
}

TEST(Transactions, Timeouts) {
  auto st = Track(
      "SET lock_timeout = '2s';\nSET statement_timeout TO 0;\nSELECT 1;\nSET lock_timeout = 0;\n"
      "SELECT 2;\nSET statement_timeout = '5min';\nSELECT 3;\nRESET ALL;\nSELECT 4;");
  ASSERT_EQ(st.size(), 9u);
  EXPECT_FALSE(st[0].lock_timeout_set);
  EXPECT_TRUE(st[1].lock_timeout_set);
  EXPECT_TRUE(st[2].lock_timeout_set);
  EXPECT_FALSE(st[2].statement_timeout_set);
  EXPECT_FALSE(st[4].lock_timeout_set);
  EXPECT_TRUE(st[6].statement_timeout_set);
  EXPECT_FALSE(st[8].statement_timeout_set);
}

TEST(Transactions, SetLocalLastsUntilCommitAndNeedsATransaction) {
  auto st = Track(
      "SET LOCAL lock_timeout = '1s';\nSELECT 1;\nBEGIN;\nSET LOCAL lock_timeout = '1s';\n"
      "SELECT 2;\nCOMMIT;\nSELECT 3;");
  ASSERT_EQ(st.size(), 7u);
  EXPECT_FALSE(st[1].lock_timeout_set);  // SET LOCAL outside a block does nothing
  EXPECT_TRUE(st[4].lock_timeout_set);
  EXPECT_FALSE(st[6].lock_timeout_set);
}

TEST(Transactions, SessionSetIsUndoneByRollback) {
  auto st = Track(
      "BEGIN;\nSET lock_timeout = '1s';\nSELECT 1;\nROLLBACK;\nSELECT 2;\n"
      "BEGIN;\nSET lock_timeout = '1s';\nCOMMIT;\nSELECT 3;");
  EXPECT_TRUE(st[2].lock_timeout_set);
  EXPECT_FALSE(st[4].lock_timeout_set);
  EXPECT_TRUE(st[8].lock_timeout_set);
}

TEST(Runner, RulesSeeTheTransactionState) {
  class Probe : public rules::Rule {
   public:
    std::string_view id() const override { return "test-probe"; }
    Severity default_severity() const override { return Severity::kHint; }
    std::string_view summary() const override { return "reports held lock count"; }
    void CheckStatement(rules::Context& ctx) const override {
      ctx.Report(Finding(std::to_string(ctx.tx.held.size()) + (ctx.tx.in_transaction ? "t" : "f")));
    }
  } probe;
  std::vector<const rules::Rule*> set = {&probe};
  Options o;
  o.rule_set = &set;
  auto ds = Lint("BEGIN;\nALTER TABLE t ADD COLUMN b int;\nSELECT 1;\nCOMMIT;\n", o);
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(ds[0].message, "0f");
  EXPECT_EQ(ds[1].message, "0t");
  EXPECT_EQ(ds[2].message, "1t");
  EXPECT_EQ(ds[3].message, "1t");
  EXPECT_EQ(ds[2].severity, Severity::kHint);
}

// Reports a statement that runs while its transaction holds a lock taken in another migration,
// and a migration that ends inside an explicit block its next migration does not continue.
class TestCarriedRule : public rules::Rule {
 public:
  std::string_view id() const override { return "test-carried"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override { return "reports locks carried across files"; }
  void CheckStatement(rules::Context& ctx) const override {
    if (ctx.statement().kind == sql::Kind::kTransaction) return;
    for (const rules::HeldLock& h : ctx.tx.held)
      if (h.taken_in && h.taken_in != &ctx.migration())
        ctx.Report(Finding(h.lock.relation.name + " held from " + h.taken_in->name));
  }
  void CheckMigration(rules::Context& ctx) const override {
    if (ctx.tx.explicit_block && !ctx.tx.continues_in_next_migration)
      ctx.Report(Finding("left open", 0, 1));
  }
};

// The packages of a Prisma 8 run share one transaction: a migration that continues the one before
// it starts with its open block and held locks; the one after the run starts afresh.
TEST(Runner, AContinuedTransactionCarriesItsLocksIntoTheNextMigration) {
  const TestCarriedRule carried;
  const std::vector<const rules::Rule*> set = {&carried};
  Options o;
  o.rule_set = &set;
  for (bool snapshots : {false, true}) {
    std::vector<analysis::MigrationText> ms = {
        {"m1", "m1.sql", "CREATE TABLE a (id int);\n"},
        {"m2", "m2.sql", "BEGIN;\nALTER TABLE a ADD COLUMN b int;\n"},
        {"m3", "m3.sql", "SELECT 1;\nCOMMIT;\n", true},
        {"m4", "m4.sql", "SELECT 2;\n"}};
    analysis::History h;
    if (snapshots) {
      analysis::Options ao;
      ao.keep_catalogs = true;
      ao.parse = ParseOptionsForLint();
      h = analysis::Replay(std::move(ms), 1, ao);
    } else {
      h = ReplayForLint(std::move(ms), 1, o.settings);
    }
    const std::vector<Diagnostic> ds = lint::Run(h, o);
    ASSERT_EQ(ds.size(), 1u) << (ds.empty() ? "" : ds[0].path + ": " + ds[0].message);
    EXPECT_EQ(ds[0].path, "m3.sql");
    EXPECT_EQ(ds[0].message, "a held from m2");
    EXPECT_EQ(ds[0].begin, 0);
  }
}

TEST(Runner, StampsRuleIdSeverityAndPath) {
  auto ds = Lint("ALTER TABLE t ADD COLUMN b int;");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].rule, "test-alter");
  EXPECT_EQ(ds[0].severity, Severity::kError);
  EXPECT_EQ(ds[0].path, "m1.sql");
  EXPECT_EQ(ds[0].begin, 0);
  EXPECT_EQ(ds[0].end, 30);
}

TEST(Runner, OnlyDisabledAndOverrides) {
  const std::string sql = "ALTER TABLE t ADD COLUMN b int;\nDROP TABLE t;";
  EXPECT_EQ(Rules(Lint(sql)), (std::vector<std::string>{"test-alter", "test-drop"}));
  Options only = TestOptions();
  only.only_rules = {"test-drop"};
  EXPECT_EQ(Rules(Lint(sql, only)), (std::vector<std::string>{"test-drop"}));
  Options off = TestOptions();
  off.disabled_rules = {"test-drop"};
  EXPECT_EQ(Rules(Lint(sql, off)), (std::vector<std::string>{"test-alter"}));
  Options sev = TestOptions();
  sev.severity_overrides["test-alter"] = Severity::kHint;
  auto ds = Lint(sql, sev);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].severity, Severity::kHint);
  EXPECT_EQ(ds[1].severity, Severity::kWarning);
}

TEST(Runner, HistoryMigrationsAreNotLinted) {
  Options o = TestOptions();
  analysis::History h = ReplayForLint({{"m0", "m0.sql", "ALTER TABLE t ADD COLUMN a int;"},
                                       {"m1", "m1.sql", "ALTER TABLE t ADD COLUMN b int;"}},
                                      1, o.settings);
  auto ds = lint::Run(h, o);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "m1.sql");
}

TEST(Runner, SortedByFileThenOffset) {
  Options o = TestOptions();
  analysis::History h =
      ReplayForLint({{"m1", "b.sql", "DROP TABLE x;\nALTER TABLE t ADD COLUMN b int;"},
                     {"m2", "a.sql", "ALTER TABLE t ADD COLUMN c int;\nDROP TABLE y;"}},
                    0, o.settings);
  auto ds = lint::Run(h, o);
  ASSERT_EQ(ds.size(), 4u);
  // The whole-file rule runs after the per-statement one, yet its finding comes first by offset.
  EXPECT_EQ(ds[0].path, "b.sql");
  EXPECT_EQ(ds[0].rule, "test-drop");
  EXPECT_EQ(ds[1].rule, "test-alter");
  EXPECT_EQ(ds[2].path, "a.sql");
  EXPECT_EQ(ds[2].rule, "test-alter");
  EXPECT_EQ(ds[3].rule, "test-drop");
}

// Reports, for every statement, what the catalog before it knows about table "t".
class CatalogProbe : public rules::Rule {
 public:
  std::string_view id() const override { return "test-catalog"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "reports the origin of t before each statement";
  }
  void CheckStatement(rules::Context& ctx) const override {
    const schema::Table* t = ctx.catalog().FindTable(sql::QName{"", "t"});
    std::string what = t ? std::string(schema::OriginName(ctx.OriginOf(sql::QName{"", "t"}))) +
                               ":" + std::to_string(t->columns.size())
                         : "absent";
    ctx.Report(Finding(what));
  }
  void CheckMigration(rules::Context& ctx) const override {
    const schema::Table* t = ctx.catalog().FindTable(sql::QName{"", "t"});
    ctx.Report(Finding("end:" + std::to_string(t ? t->columns.size() : 0)));
  }
};

TEST(Runner, LiveCatalogMatchesSnapshots) {
  const CatalogProbe probe;
  const std::vector<const rules::Rule*> set = {&probe};
  Options o;
  o.rule_set = &set;
  std::vector<analysis::MigrationText> texts = {
      {"m0", "m0.sql", "CREATE TABLE t (a int);"},
      {"m1", "m1.sql", "ALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;"},
      {"m2", "m2.sql", "DROP TABLE t;\nCREATE TABLE t (x int);\nALTER TABLE t ADD COLUMN y int;"}};
  analysis::Options exact;
  exact.keep_catalogs = true;
  exact.parse.tokens = true;
  const analysis::History snap = analysis::Replay(texts, 1, exact);
  std::vector<std::string> expected;
  for (const auto& d : lint::Run(snap, o)) expected.push_back(d.path + " " + d.message);
  EXPECT_EQ(expected,
            (std::vector<std::string>{"m1.sql existing:1", "m1.sql existing:2", "m1.sql end:2",
                                      "m2.sql existing:3", "m2.sql absent",
                                      "m2.sql this_migration:1", "m2.sql end:1"}));
  analysis::History live = ReplayForLint(texts, 1, o.settings);
  std::vector<std::string> got;
  for (const auto& d : lint::Run(live, o)) got.push_back(d.path + " " + d.message);
  EXPECT_EQ(got, expected);
  for (const auto& m : live.migrations)
    for (const auto& st : m.statements) EXPECT_FALSE(st.before);  // no dangling pointers left
  const analysis::History& as_const = live;
  got.clear();
  for (const auto& d : lint::Run(as_const, o)) got.push_back(d.path + " " + d.message);
  EXPECT_EQ(got, expected);
}

// A streamed migration (lint's way with a large file) still leaves every statement in the
// catalog the next migration is linted against, its last one included when the text after it
// holds no statement (a batch without statements once emptied the window, and the enum below
// lost 'b').
TEST(Runner, AStreamedMigrationAppliesItsLastStatement) {
  Options o;
  o.only_rules = {"require-enum-value-ordering"};
  o.stream_batch_bytes = 1;
  const std::vector<analysis::MigrationText> texts = {
      {"m1", "m1.sql", "CREATE TYPE e AS ENUM ('a');\n"},
      {"m2", "m2.sql", "ALTER TYPE e ADD VALUE 'b';\n-- the end\n"},
      {"m3", "m3.sql", "ALTER TYPE e ADD VALUE 'c';"}};
  for (const size_t stream_above : {size_t{0}, SIZE_MAX}) {
    analysis::History h = ReplayForLint(texts, 1, o.settings, nullptr, stream_above);
    EXPECT_EQ(h.migrations[1].unparsed, stream_above == 0);
    auto ds = lint::Run(h, o);
    ASSERT_EQ(ds.size(), 2u) << stream_above;
    EXPECT_NE(ds[0].message.find("after 'a'"), std::string::npos) << ds[0].message;
    EXPECT_NE(ds[1].message.find("after 'b'"), std::string::npos) << ds[1].message;
  }
}

TEST(Ignores, NextStatementOnly) {
  auto ds = Lint(
      "-- lockstep-ignore test-alter adding b is fine: the table is tiny\n"
      "ALTER TABLE t ADD COLUMN b int;\n"
      "ALTER TABLE t ADD COLUMN c int;");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].rule, "test-alter");
  EXPECT_GT(ds[0].begin, 60);
}

// Statement lookup by offset (a search since ignores on every statement of a long file made it
// quadratic): each ignore still applies to the statement right after it, and to no other.
TEST(Ignores, EachAppliesToTheStatementAfterIt) {
  std::string sql;
  for (int i = 0; i < 6; ++i) {
    if (i % 2 == 1) sql += "-- lockstep-ignore test-alter\n";
    sql += "ALTER TABLE t ADD COLUMN c" + std::to_string(i) + " int;\n";
  }
  auto ds = Lint(sql);
  ASSERT_EQ(ds.size(), 3u);
  for (size_t k = 0; k < ds.size(); ++k) {
    const std::string at = "ALTER TABLE t ADD COLUMN c" + std::to_string(2 * k) + " ";
    EXPECT_EQ(ds[k].begin, static_cast<int>(sql.find(at))) << at;
  }
}

TEST(Ignores, SeveralRulesAndBlockComments) {
  auto ds = Lint(
      "/* lockstep-ignore test-alter, test-drop */ DROP TABLE t;\n"
      "-- lockstep-ignore test-alter,test-drop\nALTER TABLE t ADD COLUMN b int;");
  // The first comment uses test-drop (the DROP finding belongs to its statement) but not
  // test-alter; the second uses test-alter, not test-drop.
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].rule, "unused-ignore");
  EXPECT_NE(ds[0].message.find("test-alter"), std::string::npos);
  EXPECT_EQ(ds[1].rule, "unused-ignore");
  EXPECT_NE(ds[1].message.find("test-drop"), std::string::npos);
  // Each points at the rule id inside its comment.
  const std::string sql = "/* lockstep-ignore test-alter, test-drop */";
  EXPECT_EQ(ds[0].begin, static_cast<int>(sql.find("test-alter")));
  EXPECT_EQ(ds[0].end - ds[0].begin, 10);
}

TEST(Ignores, WholeFile) {
  auto ds = Lint(
      "ALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;\n"
      "-- lockstep-ignore-file test-alter\n");
  EXPECT_TRUE(ds.empty());
}

TEST(Ignores, UnusedAndUnknownAreReported) {
  auto ds = Lint(
      "-- lockstep-ignore test-drop\nALTER TABLE t ADD COLUMN b int;\n"
      "-- lockstep-ignore-file no-such-rule\n-- lockstep-ignore\nSELECT 1;\n"
      "-- lockstep-ignore test-alter\n");
  std::vector<std::string> msgs;
  for (const auto& d : ds) msgs.push_back(d.rule + ": " + d.message);
  ASSERT_EQ(ds.size(), 5u) << ::testing::PrintToString(msgs);
  EXPECT_EQ(ds[0].rule, "unused-ignore");
  EXPECT_NE(ds[0].message.find("test-drop"), std::string::npos);
  EXPECT_EQ(ds[0].severity, Severity::kWarning);
  EXPECT_EQ(ds[1].rule, "test-alter");
  EXPECT_NE(ds[2].message.find("unknown rule 'no-such-rule'"), std::string::npos);
  EXPECT_NE(ds[3].message.find("names no rule"), std::string::npos);
  EXPECT_NE(ds[4].message.find("no statement follows"), std::string::npos);
}

TEST(Ignores, UnusedIgnoreCanBeSilencedOrDisabled) {
  const std::string sql = "-- lockstep-ignore test-drop\nALTER TABLE t ADD COLUMN b int;\n";
  Options off = TestOptions();
  off.disabled_rules = {"unused-ignore"};
  EXPECT_EQ(Rules(Lint(sql, off)), (std::vector<std::string>{"test-alter"}));
  EXPECT_EQ(Rules(Lint(sql + "-- lockstep-ignore-file unused-ignore\n")),
            (std::vector<std::string>{"test-alter"}));
  // A rule that did not run cannot be judged: no unused-ignore for it.
  Options only = TestOptions();
  only.only_rules = {"test-alter", "unused-ignore"};
  only.disabled_rules = {"test-drop"};
  EXPECT_EQ(Rules(Lint(sql, only)), (std::vector<std::string>{"test-alter"}));
}

// Hints counted instead of kept (text and gcc without --hints): by file, after the ignores, which
// still count as used when they suppress a hint; other severities are returned as before.
TEST(Ignores, DroppedHintsAreCountedByFileAfterTheIgnores) {
  Options o = TestOptions();
  o.severity_overrides["test-alter"] = Severity::kHint;
  std::map<std::string, size_t> dropped;
  o.dropped_hints = &dropped;
  analysis::History h = ReplayForLint(
      {{"m1", "a.sql",
        "ALTER TABLE t ADD COLUMN b int;\n-- lockstep-ignore test-alter\n"
        "ALTER TABLE t ADD COLUMN c int;\nALTER TABLE t ADD COLUMN d int;\nDROP TABLE t;"},
       {"m2", "b.sql", "ALTER TABLE u ADD COLUMN b int;"}},
      0, o.settings);
  auto ds = lint::Run(h, o);
  EXPECT_EQ(Rules(ds), (std::vector<std::string>{"test-drop"}));  // no unused-ignore either
  EXPECT_EQ(dropped, (std::map<std::string, size_t>{{"a.sql", 2}, {"b.sql", 1}}));
  // Without the counter the same hints are returned.
  o.dropped_hints = nullptr;
  EXPECT_EQ(lint::Run(h, o).size(), 4u);
}

TEST(Ignores, NotADirective) {
  auto ds = Lint(
      "-- lockstep-ignored test-alter\n-- see lockstep-ignore test-alter\n"
      "ALTER TABLE t ADD COLUMN b int;");
  EXPECT_EQ(Rules(ds), (std::vector<std::string>{"test-alter"}));
}

TEST(Runner, SyntaxErrorsAreDiagnosticsThatCannotBeFiltered) {
  Options o = TestOptions();
  o.only_rules = {"test-drop"};
  auto ds = Lint("ALTER TABLE t ADD COLUMN b int;\nCREATE TABL x (a int);\nDROP TABLE t;", o);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].rule, "syntax-error");
  EXPECT_EQ(ds[0].severity, Severity::kError);
  EXPECT_EQ(ds[0].begin, 39);
  EXPECT_EQ(ds[0].end, 43);  // the offending word, "TABL"
  EXPECT_EQ(ds[1].rule, "test-drop");
}

TEST(Runner, EmptyFileAndCommentsOnly) {
  EXPECT_TRUE(Lint("").empty());
  EXPECT_TRUE(Lint("-- nothing here\n").empty());
}

}  // namespace
}  // namespace lockstep::lint

// Never open a window, on the corpus (issue 12 item 5): for every migration of
// ../shared/corpus/prisma/*/migrations that the planner splits into several folders, the folders
// are applied one at a time after the app's history, and after each one every primary key,
// unique index and index that exists both before and after the original migration (or one
// covering it: same table and predicate, same leading keys, unique or primary if it was) must be
// present and valid.
//
// Each app's history is walked once, in order, on one database: a migration fix leaves alone is
// applied as written; a split one is applied folder by folder (the fixed history builds the same
// schema: ChangedMigrationsBuildTheSameSchema). The state after the original comes from applying
// it inside a transaction that is rolled back, or, for a migration that cannot run in one, from a
// copy of the database. A migration that does not apply on plain PostgreSQL 15 even unmodified
// stops its app's history there; the summary names it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "fix/candidate.h"
#include "fix/golden.h"
#include "fix/server.h"
#include "migrations/layout.h"
#include "support/corpus.h"

namespace lockstep::fixtest {
namespace {

bool HasTransactionControl(const std::string& sql) {
  sql::ParseOptions o;
  o.tokens = false;
  const sql::ParsedFile p = sql::Parse(sql, o);
  for (const sql::Statement& s : p.statements)
    if (s.kind == sql::Kind::kTransaction) return true;
  return false;
}

TEST(FixCorpusTest, SplitMigrationsNeverOpenAWindow) {
  LOCKSTEP_REQUIRE_CORPUS();
  Result<db::EmbeddedServer*> server = testing::SharedPgServer(kFixPgMajor);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  db::EmbeddedServer& pg = **server;
  const auto started = std::chrono::steady_clock::now();
  int migrations_seen = 0, split = 0, folders = 0, windows = 0, copies = 0, not_applied = 0;
  std::vector<std::string> stops;
  const std::string tag = "fixw" + std::to_string(getpid()) + "_";
  int counter = 0;
  for (const auto& app : fs::directory_iterator(testing::CorpusRoot() / "prisma")) {
    if (!fs::is_directory(app.path() / "migrations")) continue;
    const std::string name = app.path().filename().string();
    Result<migrations::MigrationSet> set =
        migrations::Discover((app.path() / "migrations").string());
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    const std::vector<migrations::Migration>& ms = set->migrations;
    const std::string base = tag + std::to_string(++counter);
    ASSERT_TRUE(pg.CreateDatabase(base).ok());
    std::optional<db::Connection> conn;
    auto open = [&] {
      db::DbResult<db::Connection> c = db::Connect(pg.socket_conninfo(base));
      if (c.ok()) conn.emplace(std::move(*c));
      return c.ok();
    };
    ASSERT_TRUE(open());
    fix::HistoryPlanner planner;
    for (size_t i = 0; i < ms.size(); ++i) {
      ++migrations_seen;
      const analysis::MigrationText text{ms[i].name, ms[i].sql_path.string(), ms[i].sql};
      Result<fix::Plan> plan = fix::Plan{};
      if (Candidate(ms[i].sql)) {
        plan = planner.PlanAndAdd(text);
      } else {
        planner.Add(text);
      }
      ASSERT_TRUE(plan.ok()) << ms[i].sql_path << ": " << plan.status().ToString();
      std::string err;
      if (plan->after.empty()) {
        // One folder: nothing runs between two of them. Applied as written, like the history.
        err = ApplyWhole(*conn, ms[i].sql);
        if (err.find("25001") != std::string::npos) err = ApplyEach(*conn, ms[i].sql);
      } else {
        ++split;
        const std::vector<IndexShape> before = Indexes(*conn);
        std::vector<IndexShape> after;
        bool in_transaction = !HasTransactionControl(ms[i].sql);
        if (in_transaction) {
          ASSERT_EQ(ApplyWhole(*conn, "BEGIN"), "");
          err = ApplyWhole(*conn, ms[i].sql);
          if (err.empty()) after = Indexes(*conn);
          ASSERT_EQ(ApplyWhole(*conn, "ROLLBACK"), "");
          in_transaction = err.find("25001") == std::string::npos;
        }
        if (!in_transaction) {
          ++copies;
          const std::string copy = tag + "copy_" + std::to_string(++counter);
          conn.reset();  // a template database must have no sessions
          ASSERT_TRUE(pg.CreateDatabase(copy, base).ok());
          ASSERT_TRUE(open());
          db::DbResult<db::Connection> c = db::Connect(pg.socket_conninfo(copy));
          ASSERT_TRUE(c.ok());
          err = ApplyWhole(*c, ms[i].sql);
          if (err.find("25001") != std::string::npos) err = ApplyEach(*c, ms[i].sql);
          if (err.empty()) after = Indexes(*c);
          c->Close();
          pg.DropDatabase(copy);
        }
        if (err.empty()) {
          std::vector<std::string> files{plan->rewritten};
          for (const fix::NewMigration& n : plan->after) files.push_back(n.sql);
          for (size_t k = 0; k < files.size(); ++k) {
            ++folders;
            const std::string fail = ApplyWhole(*conn, files[k]);
            if (!fail.empty()) {
              ADD_FAILURE() << ms[i].sql_path << ": fixed folder " << k << " fails: " << fail
                            << "\n"
                            << files[k];
              err = "fixed folder " + std::to_string(k) + ": " + fail;
              break;
            }
            const std::string open_windows = OpenWindows(before, after, Indexes(*conn));
            windows += open_windows.empty() ? 0 : 1;
            EXPECT_EQ(open_windows, "")
                << ms[i].sql_path << ": after fixed folder " << k << " of " << files.size() << ":\n"
                << files[k];
          }
        }
      }
      if (!err.empty()) {
        not_applied += static_cast<int>(ms.size() - i);
        stops.push_back(name + ": history stops at " + ms[i].name + " (" + err +
                        "): " + std::to_string(ms.size() - i) + " migrations not checked");
        break;
      }
    }
    conn.reset();
    pg.DropDatabase(base);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "fix corpus windows: %d migrations, %d split into several folders (%d folders applied one "
      "at a time, %d originals measured on a copy), %d folders left an index, unique index or "
      "key missing, %d migrations not checked (history does not apply on plain PostgreSQL %d), "
      "%.0f s\n",
      migrations_seen, split, folders, copies, windows, not_applied, kFixPgMajor, secs);
  for (const std::string& s : stops) std::printf("  not checked: %s\n", s.c_str());
  EXPECT_GT(split, 0);
}

}  // namespace
}  // namespace lockstep::fixtest

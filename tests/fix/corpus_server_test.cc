// Equivalence on the corpus: every migration of ../shared/corpus/prisma/*/migrations that the
// planner changes is applied, original and fixed, on two clones of a database holding its
// history; the schemas (pg_dump --schema-only) must be identical and nothing left invalid. A
// migration that does not apply on plain PostgreSQL 15 even unmodified stops its app's history
// there; it is counted and named in the summary, never skipped silently. Every migration is
// planned and its output checked for engine safety; on the two largest histories (hundreds of
// changed migrations, minutes of pg_dump each run) every kStride-th changed migration is
// applied, and the summary says how many were.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>

#include "fix/candidate.h"
#include "fix/diff.h"
#include "fix/golden.h"
#include "fix/server.h"
#include "migrations/layout.h"
#include "support/corpus.h"

namespace lockstep::fixtest {
namespace {

constexpr int kStride = 8;
constexpr size_t kLargeHistory = 200;

bool EngineSafe(const std::string& text) {
  const sql::ParsedFile p = sql::Parse(text);
  size_t outside = 0;
  for (const sql::Statement& s : p.statements) outside += sql::MustRunOutsideTransaction(s) ? 1 : 0;
  return p.ok() && (outside == 0 || p.statements.size() == 1);
}

std::string ApplyOriginal(db::Connection& conn, const std::string& sql) {
  std::string err = ApplyWhole(conn, sql);
  if (err.find("25001") != std::string::npos) err = ApplyEach(conn, sql);
  return err;
}

TEST(FixCorpusTest, ChangedMigrationsBuildTheSameSchema) {
  LOCKSTEP_REQUIRE_CORPUS();
  Result<db::EmbeddedServer*> server = testing::SharedPgServer(kFixPgMajor);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  db::EmbeddedServer& pg = **server;
  const auto started = std::chrono::steady_clock::now();
  int migrations_seen = 0, changed = 0, applied_pairs = 0, verified = 0, not_applied = 0;
  int with_contract = 0;  // applied pairs whose fix has contract migrations (renames)
  std::vector<std::string> stops;
  int counter = 0;
  double plan_s = 0, db_s = 0, dump_s = 0;
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto since = [&](auto t) { return std::chrono::duration<double>(now() - t).count(); };
  const std::string tag = "fixc" + std::to_string(getpid()) + "_";
  for (const auto& app : fs::directory_iterator(testing::CorpusRoot() / "prisma")) {
    if (!fs::is_directory(app.path() / "migrations")) continue;
    const std::string name = app.path().filename().string();
    Result<migrations::MigrationSet> set =
        migrations::Discover((app.path() / "migrations").string());
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    const std::vector<migrations::Migration>& ms = set->migrations;
    const std::string base = tag + "base_" + std::to_string(++counter);
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
      if (Candidate(ms[i].sql)) {
        const auto t0 = now();
        Result<fix::Plan> plan = planner.PlanAndAdd(text);
        plan_s += since(t0);
        ASSERT_TRUE(plan.ok()) << ms[i].sql_path << ": " << plan.status().ToString();
        if (plan->changed()) {
          ++changed;
          EXPECT_TRUE(EngineSafe(plan->rewritten)) << ms[i].sql_path;
          for (const fix::NewMigration& n : plan->after)
            EXPECT_TRUE(EngineSafe(n.sql)) << ms[i].sql_path;
        }
        if (plan->changed() && (ms.size() < kLargeHistory || (changed - 1) % kStride == 0)) {
          ++applied_pairs;
          const std::string a = tag + "orig_" + std::to_string(++counter);
          const std::string b = tag + "fixed_" + std::to_string(counter);
          const auto t1 = now();
          conn.reset();  // a template database must have no sessions
          ASSERT_TRUE(pg.CreateDatabase(a, base).ok());
          ASSERT_TRUE(pg.CreateDatabase(b, base).ok());
          ASSERT_TRUE(open());
          db::DbResult<db::Connection> ca = db::Connect(pg.socket_conninfo(a));
          db::DbResult<db::Connection> cb = db::Connect(pg.socket_conninfo(b));
          ASSERT_TRUE(ca.ok() && cb.ok());
          if (ApplyOriginal(*ca, ms[i].sql).empty()) {
            std::vector<std::string> files{plan->rewritten};
            for (const fix::NewMigration& n : plan->after) files.push_back(n.sql);
            // The contract phase too (a rename's expand/contract), which may leave columns in
            // another order (WithoutColumnOrder).
            for (const fix::NewMigration& n : plan->contract) files.push_back(n.sql);
            const bool contract = !plan->contract.empty();
            bool applied = true;
            for (size_t k = 0; k < files.size() && applied; ++k) {
              const std::string err = ApplyWhole(*cb, files[k]);
              applied = err.empty();
              EXPECT_EQ(err, "") << ms[i].sql_path << ": fixed migration " << k << " fails:\n"
                                 << files[k];
            }
            if (applied) {
              const auto t2 = now();
              std::string want = SchemaDump(pg, a), got = SchemaDump(pg, b);
              if (contract) {
                ++with_contract;
                want = WithoutColumnOrder(want);
                got = WithoutColumnOrder(got);
              }
              dump_s += since(t2);
              EXPECT_EQ(got, want) << ms[i].sql_path << ": schemas differ:\n"
                                   << fix::UnifiedDiff("schema.sql", want, got);
              EXPECT_EQ(Invalid(*cb), Invalid(*ca)) << ms[i].sql_path;
              if (got == want) ++verified;
            }
          }
          ca->Close();
          cb->Close();
          pg.DropDatabase(a);
          pg.DropDatabase(b);
          db_s += since(t1);
        }
      }
      if (!Candidate(ms[i].sql)) planner.Add(text);
      const std::string err = ApplyOriginal(*conn, ms[i].sql);
      if (!err.empty()) {
        not_applied += static_cast<int>(ms.size() - i);
        stops.push_back(name + ": history stops at " + ms[i].name + " (" + err +
                        "): " + std::to_string(ms.size() - i) + " migrations not checked");
        break;
      }
    }
    conn.reset();
    pg.DropDatabase(base);
    std::printf("fix corpus: %s done: %d changed so far, %.0f s\n", name.c_str(), changed,
                std::chrono::duration<double>(now() - started).count());
    std::fflush(stdout);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "fix corpus: %d migrations, %d changed by the planner (all engine-safe), %d applied "
      "original vs fixed (every %d-th on histories over %zu migrations), %d identical on "
      "PostgreSQL %d, %d not checked (history does not apply on plain PostgreSQL), %.0f s "
      "(planning %.0f s, databases %.0f s of which pg_dump %.0f s); %d applied with their "
      "contract phase\n",
      migrations_seen, changed, applied_pairs, kStride, kLargeHistory, verified, kFixPgMajor,
      not_applied, secs, plan_s, db_s, dump_s, with_contract);
  for (const std::string& s : stops) std::printf("  not checked: %s\n", s.c_str());
  EXPECT_GT(changed, 0);
}

}  // namespace
}  // namespace lockstep::fixtest

// `plan`'s whole pipeline (parse, typed view, history replay, lock model, text and JSON
// rendering) over every file of the shared corpora. Under `make check` this runs with
// AddressSanitizer and UBSan, which is the point: no input may crash or misbehave.
#include <gtest/gtest.h>

#include <map>

#include "analysis/history.h"
#include "plan/plan.h"
#include "support/corpus.h"

namespace lockstep::plan {
namespace {

namespace fs = std::filesystem;

TEST(PlanCorpus, EveryPrismaHistory) {
  LOCKSTEP_REQUIRE_CORPUS();
  size_t entries = 0, blocking = 0, unknown = 0;
  for (const auto& app : fs::directory_iterator(testing::CorpusRoot() / "prisma")) {
    if (!fs::is_directory(app.path() / "migrations")) continue;
    std::vector<analysis::MigrationText> ms;
    for (const auto& f : testing::FilesUnder(app.path() / "migrations", "migration.sql"))
      ms.push_back({f.parent_path().filename().string(), f.string(), testing::ReadFileOrDie(f)});
    std::sort(ms.begin(), ms.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    analysis::History h = analysis::Replay(std::move(ms), 0);
    const std::vector<Entry> es = FromHistory(h);
    EXPECT_FALSE(RenderText(es, false).empty());
    EXPECT_TRUE(ToJson(es).is_array());
    for (const Entry& e : es) {
      ASSERT_GT(e.line, 0) << e.file;
      for (const auto& l : e.locks) {
        EXPECT_NE(l.mode, locks::LockMode::kNone) << e.file << ":" << e.line;
        if (l.origin == schema::Origin::kExisting && !locks::BlocksTraffic(l.mode).empty())
          ++blocking;
        if (l.origin == schema::Origin::kUnknown) ++unknown;
      }
    }
    entries += es.size();
  }
  std::printf(
      "planned %zu statements; %zu locks block traffic on existing tables; %zu on tables the "
      "history does not know\n",
      entries, blocking, unknown);
  EXPECT_GT(entries, 6000u);
}

TEST(PlanCorpus, RegressionScriptsNeverCrash) {
  LOCKSTEP_REQUIRE_CORPUS();
  size_t entries = 0;
  for (const auto& f : testing::FilesUnder(testing::CorpusRoot() / "pg-regress", ".sql")) {
    analysis::History h =
        analysis::Replay({{f.stem().string(), f.string(), testing::ReadFileOrDie(f)}}, 0);
    const std::vector<Entry> es = FromHistory(h);
    entries += es.size();
    ASSERT_TRUE(ToJson(es).is_array());
    RenderText(es, true);
  }
  EXPECT_GT(entries, 38000u);
}

}  // namespace
}  // namespace lockstep::plan

// Discovery over the seven real Prisma histories of ../shared/corpus/prisma: every folder that
// holds a migration.sql (counted here independently) is found once, in strictly increasing order,
// with its exact bytes.
#include "support/corpus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "migrations/checksum.h"
#include "migrations/layout.h"
#include "migrations/naming.h"

namespace lockstep::migrations {
namespace {

namespace fs = std::filesystem;

TEST(Corpus, DiscoversEveryPrismaHistoryInOrder) {
  LOCKSTEP_REQUIRE_CORPUS();
  const fs::path prisma = testing::CorpusRoot() / "prisma";
  std::vector<fs::path> apps;
  for (const auto& e : fs::directory_iterator(prisma)) {
    if (e.is_directory() && fs::is_directory(e.path() / "migrations")) apps.push_back(e.path());
  }
  std::sort(apps.begin(), apps.end());
  ASSERT_EQ(apps.size(), 7u);

  size_t total = 0;
  for (const fs::path& app : apps) {
    SCOPED_TRACE(app.filename().string());
    std::set<std::string> expected;
    for (const auto& e : fs::directory_iterator(app / "migrations")) {
      if (e.is_directory() && fs::is_regular_file(e.path() / "migration.sql")) {
        expected.insert(e.path().filename().string());
      }
    }
    // The project root (…/<app>) must be recognised as well as the migrations directory.
    for (const fs::path& arg : {app, app / "migrations"}) {
      auto set = Discover(arg.string());
      ASSERT_TRUE(set.ok()) << set.status().ToString();
      ASSERT_EQ(set->migrations.size(), expected.size());
      EXPECT_EQ(set->sources[0].provider, "postgresql");
      // The apps' roots hold migrations/ alone (no schema): found by the search, with a note.
      for (const Note& n : set->notes) {
        const bool search_note = arg == app && n.message.find("found below") != std::string::npos;
        if (!search_note) ADD_FAILURE() << n.ToString();
      }
      EXPECT_EQ(set->notes.size(), arg == app ? 1u : 0u);
      for (size_t i = 0; i < set->migrations.size(); ++i) {
        const Migration& m = set->migrations[i];
        EXPECT_EQ(expected.count(m.name), 1u) << m.name;
        if (i > 0) EXPECT_LT(set->migrations[i - 1].name, m.name);
      }
    }
    auto set = Discover((app / "migrations").string());
    ASSERT_TRUE(set.ok());
    for (const Migration& m : set->migrations) {
      ASSERT_EQ(m.sql, testing::ReadFileOrDie(m.sql_path)) << m.sql_path;
      ASSERT_TRUE(ChecksumMatches(m.sql, Sha256Hex(m.sql)));
    }
    total += expected.size();
  }
  // The corpus README announces 1,413 migrations; the count above does not rely on it.
  std::printf("corpus: %zu Prisma migrations in %zu apps discovered in order\n", total,
              apps.size());
  EXPECT_EQ(total, 1413u);
}

TEST(Corpus, NewNamesFitAfterEveryRealMigration) {
  LOCKSTEP_REQUIRE_CORPUS();
  size_t checked = 0;
  for (const auto& app : fs::directory_iterator(testing::CorpusRoot() / "prisma")) {
    if (!fs::is_directory(app.path() / "migrations")) continue;
    auto set = Discover((app.path() / "migrations").string());
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    const std::vector<std::string>& existing = set->sources[0].existing_names;
    for (size_t i = 0; i < set->migrations.size(); ++i) {
      const std::string& after = set->migrations[i].name;
      auto names = NamesAfter(after, existing, {"add_index", "backfill"});
      ASSERT_TRUE(names.ok()) << after << ": " << names.status().ToString();
      // The new names sit right after `after`, in order, before every later folder.
      ASSERT_TRUE(std::is_sorted(existing.begin(), existing.end()));
      const auto next = std::upper_bound(existing.begin(), existing.end(), after);
      EXPECT_LT(after, (*names)[0]);
      EXPECT_LT((*names)[0], (*names)[1]);
      if (next != existing.end()) EXPECT_LT((*names)[1], *next) << after;
      for (const std::string& n : *names) {
        EXPECT_FALSE(std::binary_search(existing.begin(), existing.end(), n)) << n;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 1413u);
}

}  // namespace
}  // namespace lockstep::migrations

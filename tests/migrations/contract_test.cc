// The holding directory of the contract phase (migrations/contract.h): listing, naming the
// released folders after every migration, the refusals, and the move itself.
#include "migrations/contract.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "migrations/layout.h"

namespace lockstep::migrations {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("lockstep_contract_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    migrations_ = root_ / "prisma" / "migrations";
    Write(migrations_ / "20260101000000_init" / "migration.sql", "CREATE TABLE t (id int);\n");
    Write(migrations_ / "20260102000000_expand" / "migration.sql", "ALTER TABLE t ADD b int;\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  void Hold(const std::string& name, const std::string& expand, const std::string& sql) {
    ContractHeader h{expand, expand, "drops the column \"t\".\"a\""};
    Write(HoldingDirectory(migrations_) / name / "migration.sql", ContractHeaderText(h) + sql);
  }
  std::vector<std::string> Existing() {
    Result<MigrationSet> s = Discover(migrations_.string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? s->sources.front().existing_names : std::vector<std::string>{};
  }

  fs::path root_, migrations_;
  const Timestamp now_{2026, 1, 1, 12, 0, 0};  // earlier than the latest migration
};

TEST_F(ContractTest, HoldingDirectoryIsBesideTheMigrationsDirectory) {
  EXPECT_EQ(HoldingDirectory(migrations_), root_ / "prisma" / "lockstep-contract");
  EXPECT_EQ(HoldingDirectory("prisma/migrations/"), fs::path("prisma/lockstep-contract"));
  EXPECT_EQ(HoldingDirectory("migrations"), fs::path("lockstep-contract"));
  // Run from inside the migrations directory (`lockstep fix .`): beside it, not inside it, where
  // `contract release` and `status` would never look.
  EXPECT_EQ(HoldingDirectory("."), fs::path("../lockstep-contract"));
  EXPECT_EQ(HoldingDirectory("./"), fs::path("../lockstep-contract"));
  EXPECT_EQ(HoldingDirectory("../migrations"), fs::path("../lockstep-contract"));
}

TEST_F(ContractTest, HeaderRoundTripsAndIsOnlyComments) {
  const ContractHeader h{"20260102000003_set_not_null", "20260102000000_expand",
                         "drops the old column \"t\".\"a\""};
  const std::string text = ContractHeaderText(h);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) EXPECT_EQ(line.rfind("--", 0), 0u) << line;
  EXPECT_NE(text.find("waits for the rollout"), std::string::npos) << text;
  std::optional<ContractHeader> back = ParseContractHeader(text + "DROP TRIGGER x ON t;\n");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->expand, h.expand);
  EXPECT_EQ(back->fixed, h.fixed);
  EXPECT_EQ(back->what, h.what);
  EXPECT_FALSE(ParseContractHeader("ALTER TABLE t DROP COLUMN a;\n"));
}

TEST_F(ContractTest, ListsHeldMigrationsInOrderAndNothingWithoutTheDirectory) {
  Result<std::vector<HeldMigration>> none = ListHeld(migrations_);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  Hold("20260102000002_drop_b", "20260102000000_expand", "ALTER TABLE t DROP b;\n");
  Hold("20260102000001_drop_a", "20260102000000_expand", "ALTER TABLE t DROP a;\n");
  Result<std::vector<HeldMigration>> held = ListHeld(migrations_);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].name, "20260102000001_drop_a");
  EXPECT_EQ((*held)[1].name, "20260102000002_drop_b");
  ASSERT_TRUE((*held)[0].header);
  EXPECT_EQ((*held)[0].header->expand, "20260102000000_expand");
  // The deployers do not see them: they are not in the migrations directory.
  Result<MigrationSet> set = Discover(migrations_.string());
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->migrations.size(), 2u);
}

TEST_F(ContractTest, AHeldFolderWithoutItsFileIsAnError) {
  fs::create_directories(HoldingDirectory(migrations_) / "20260102000001_drop_a");
  Result<std::vector<HeldMigration>> held = ListHeld(migrations_);
  ASSERT_FALSE(held.ok());
  EXPECT_NE(held.status().ToString().find("20260102000001_drop_a"), std::string::npos);
}

TEST_F(ContractTest, ReleaseNamesSortAfterEveryMigrationAndKeepTheSlug) {
  Hold("20260102000001_drop_a", "20260102000000_expand", "ALTER TABLE t DROP a;\n");
  Hold("20260102000002_drop_b", "20260102000000_expand", "ALTER TABLE t DROP b;\n");
  // A later migration written after the fix: the released ones must come after it too.
  Write(migrations_ / "20260301000000_later" / "migration.sql", "SELECT 1;\n");
  Result<std::vector<HeldMigration>> held = ListHeld(migrations_);
  ASSERT_TRUE(held.ok());
  Result<std::vector<Release>> r = PlanRelease(*held, {}, Existing(), std::nullopt, now_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].held, "20260102000001_drop_a");
  EXPECT_EQ((*r)[0].released, "20260301000001_drop_a");
  EXPECT_EQ((*r)[1].released, "20260301000002_drop_b");
  // With a later clock, the clock's time.
  r = PlanRelease(*held, {"20260102000001_drop_a"}, Existing(), std::nullopt,
                  Timestamp{2026, 12, 6, 20, 0, 0});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].released, "20261206200000_drop_a");
}

TEST_F(ContractTest, ReleaseRefusesOutOfOrderUnknownAndUnappliedExpand) {
  Hold("20260102000001_drop_a", "20260102000000_expand", "ALTER TABLE t DROP a;\n");
  Hold("20260102000002_drop_b", "20260102000000_expand", "ALTER TABLE t DROP b;\n");
  Result<std::vector<HeldMigration>> held = ListHeld(migrations_);
  ASSERT_TRUE(held.ok());
  Result<std::vector<Release>> r =
      PlanRelease(*held, {"20260102000002_drop_b"}, Existing(), std::nullopt, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("20260102000001_drop_a"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("order"), std::string::npos) << r.status().message();

  r = PlanRelease(*held, {"20260102000009_nope"}, Existing(), std::nullopt, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not held"), std::string::npos) << r.status().message();

  // Applied in the database: only the first migration.
  r = PlanRelease(*held, {}, Existing(), std::vector<std::string>{"20260101000000_init"}, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("20260102000000_expand"), std::string::npos);
  EXPECT_NE(r.status().message().find("not applied"), std::string::npos) << r.status().message();
  r = PlanRelease(*held, {}, Existing(),
                  std::vector<std::string>{"20260101000000_init", "20260102000000_expand"}, now_);
  EXPECT_TRUE(r.ok()) << r.status().ToString();

  // The expand migration is not in the migrations directory.
  fs::remove_all(migrations_ / "20260102000000_expand");
  r = PlanRelease(*held, {}, Existing(), std::nullopt, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not in the migrations directory"), std::string::npos)
      << r.status().message();
}

TEST_F(ContractTest, ApplyReleaseMovesTheFolderBytesUnchanged) {
  Hold("20260102000001_drop_a", "20260102000000_expand", "ALTER TABLE t DROP a;\n");
  const std::string before =
      Read(HoldingDirectory(migrations_) / "20260102000001_drop_a" / "migration.sql");
  Result<std::vector<HeldMigration>> held = ListHeld(migrations_);
  ASSERT_TRUE(held.ok());
  Result<std::vector<Release>> r = PlanRelease(*held, {}, Existing(), std::nullopt, now_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(ApplyRelease(migrations_, *r).ok());
  EXPECT_EQ(Read(migrations_ / (*r)[0].released / "migration.sql"), before);
  EXPECT_FALSE(fs::exists(HoldingDirectory(migrations_)));
  Result<MigrationSet> set = Discover(migrations_.string());
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->migrations.size(), 3u);
  EXPECT_EQ(set->migrations.back().name, (*r)[0].released);
}

}  // namespace
}  // namespace lockstep::migrations

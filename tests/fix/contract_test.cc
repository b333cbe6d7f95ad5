// The contract phase on disk (issue 13 item 3): fix writes Plan::contract migrations into the
// holding directory beside the migrations directory, never into it, with the header that names
// their expand migration. The plans are made by hand: no rewrite step writes a contract yet.
#include "migrations/contract.h"

#include <gtest/gtest.h>

#include "fix/golden.h"
#include "migrations/layout.h"

namespace lockstep::fixtest {
namespace {

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class FixContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    migrations_ = tmp_.path() / "prisma" / "migrations";
    Write(migrations_ / "20260101000000_init" / "migration.sql",
          "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"name\" TEXT);\n");
    Write(migrations_ / "20260102000000_rename" / "migration.sql",
          "ALTER TABLE \"User\" ADD COLUMN \"displayName\" TEXT;\n");
  }
  // A plan of the last migration: unchanged, one new migration after it, two held back.
  Result<std::vector<fix::OutputFile>> LayOutHandMadePlan(fix::FixInput& in) {
    Result<fix::FixInput> found = fix::FindFixInput(migrations_.string());
    if (!found.ok()) return found.status();
    in = std::move(*found);
    fix::Plan plan;
    plan.original = plan.rewritten = in.migrations[in.target].sql;
    plan.after.push_back({"backfill_user_display_name",
                          "UPDATE \"User\" SET \"displayName\" = \"name\";\n", true, "backfill"});
    plan.contract.push_back({"drop_user_name_sync_trigger",
                             "DROP TRIGGER \"User_name_sync\" ON \"User\";\n", true,
                             "the trigger keeping \"User\".\"name\" in sync"});
    plan.contract.push_back({"drop_user_name", "ALTER TABLE \"User\" DROP COLUMN \"name\";\n", true,
                             "the old column \"User\".\"name\""});
    return fix::LayOut(in, plan);
  }
  TempDir tmp_;
  fs::path migrations_;
};

TEST_F(FixContractTest, ContractMigrationsAreHeldBesideTheMigrationsDirectory) {
  fix::FixInput in;
  Result<std::vector<fix::OutputFile>> files = LayOutHandMadePlan(in);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 4u);
  EXPECT_FALSE((*files)[1].held);
  EXPECT_EQ((*files)[1].migration, "20260102000001_backfill_user_display_name");
  EXPECT_TRUE((*files)[2].held);
  EXPECT_TRUE((*files)[3].held);
  EXPECT_EQ((*files)[2].migration, "20260102000002_drop_user_name_sync_trigger");
  EXPECT_EQ((*files)[3].migration, "20260102000003_drop_user_name");
  ASSERT_TRUE(fix::WriteFiles(migrations_, *files).ok());

  // Nothing new in the migrations directory but the expand phase.
  Result<migrations::MigrationSet> set = migrations::Discover(migrations_.string());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->migrations.size(), 3u);
  EXPECT_EQ(set->migrations.back().name, "20260102000001_backfill_user_display_name");

  const fs::path held = tmp_.path() / "prisma" / "lockstep-contract";
  const std::string sql = ReadAll(held / "20260102000003_drop_user_name" / "migration.sql");
  EXPECT_NE(sql.find("ALTER TABLE \"User\" DROP COLUMN \"name\";\n"), std::string::npos) << sql;
  std::optional<migrations::ContractHeader> h = migrations::ParseContractHeader(sql);
  ASSERT_TRUE(h) << sql;
  // It waits for the last migration of the expand phase, and names the one that was fixed.
  EXPECT_EQ(h->expand, "20260102000001_backfill_user_display_name");
  EXPECT_EQ(h->fixed, "20260102000000_rename");
  EXPECT_EQ(h->what, "the old column \"User\".\"name\"");

  Result<std::vector<migrations::HeldMigration>> listed = migrations::ListHeld(migrations_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "20260102000002_drop_user_name_sync_trigger");
}

TEST_F(FixContractTest, RefusesToOverwriteAHeldMigration) {
  // The same contract from an earlier run of fix on the same migration, still held.
  const fs::path earlier = tmp_.path() / "prisma" / "lockstep-contract" /
                           "20260102000003_drop_user_name" / "migration.sql";
  Write(earlier, "SELECT 1;\n");
  fix::FixInput in;
  Result<std::vector<fix::OutputFile>> files = LayOutHandMadePlan(in);
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().ToString().find("20260102000003_drop_user_name"), std::string::npos)
      << files.status().ToString();
  EXPECT_EQ(ReadAll(earlier), "SELECT 1;\n");
}

// What a contract migration drops is named by its object: the header's `lockstep-drops:` line is
// printed as "drops WHAT" by fix, `contract list` and `status`, so a purpose that starts with the
// verb itself read "drops drops totalPoints_old ...".
TEST(FixContractPurposeTest, NamesWhatItDropsWithoutTheVerb) {
  for (const std::string name : {"type_change", "rename_column", "rename_table"}) {
    SCOPED_TRACE(name);
    Result<Fixed> fixed = RunFix(SourceDir() / "tests/fix/golden" / name / "input", {});
    ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
    ASSERT_FALSE(fixed->plan.contract.empty());
    for (const fix::NewMigration& m : fixed->plan.contract)
      EXPECT_NE(m.purpose.rfind("drops ", 0), 0u) << m.purpose;
  }
}

}  // namespace
}  // namespace lockstep::fixtest

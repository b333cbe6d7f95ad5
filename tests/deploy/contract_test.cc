// The contract phase against a real PostgreSQL, through the built CLI (issue 13 item 3): a held
// contract migration is invisible to `lockstep deploy` and to a Prisma-equivalent deployer,
// `lockstep status` lists it as waiting for the rollout, `lockstep contract release` refuses
// while its expand migration is not applied, and once released both deployers apply it with the
// row and checksum Prisma writes.
#include "migrations/contract.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "deploy/helpers.h"
#include "fix/planner.h"
#include "fix/writer.h"
#include "support/pg_server.h"

namespace lockstep::deploy_test {
namespace {

class ContractPhaseTest : public testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    migrations_ = tmp_.path() / "prisma" / "migrations";
    WriteFile(migrations_ / "20260101000000_init" / "migration.sql",
              "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"name\" TEXT);\n");
    WriteFile(migrations_ / "20260102000000_expand" / "migration.sql",
              "ALTER TABLE \"User\" ADD COLUMN \"displayName\" TEXT;\n");
    // Prisma writes it into every migrations directory; it sorts after every timestamp, and a
    // release must not try to sort after it (only folders are migrations).
    WriteFile(migrations_ / "migration_lock.toml", "provider = \"postgresql\"\n");
    // lockstep fix's layout of a plan whose contract drops the old column.
    Result<fix::FixInput> in = fix::FindFixInput(migrations_.string());
    ASSERT_TRUE(in.ok()) << in.status().ToString();
    fix::Plan plan;
    plan.original = plan.rewritten = in->migrations[in->target].sql;
    plan.contract.push_back({"drop_user_name", "ALTER TABLE \"User\" DROP COLUMN \"name\";\n", true,
                             "the old column \"User\".\"name\""});
    Result<std::vector<fix::OutputFile>> files = fix::LayOut(*in, plan);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    ASSERT_TRUE(fix::WriteFiles(migrations_, *files).ok());
    held_ = files->back().migration;
  }
  RunResult Run(std::vector<std::string> args, bool with_database = true) {
    if (with_database) {
      args.push_back("--database");
      args.push_back(db().url());
    }
    RunResult r = RunLockstep(args);
    EXPECT_EQ(r.all().find(server().password()), std::string::npos) << "password printed";
    return r;
  }
  bool HasOldColumn() {
    return Scalar(conn(),
                  "SELECT count(*) FROM information_schema.columns WHERE table_name = 'User' "
                  "AND column_name = 'name'") == "1";
  }

  TempDir tmp_;
  fs::path migrations_;
  std::string held_;
};

TEST_F(ContractPhaseTest, HeldUntilReleasedThenDeployedAsPrismaWould) {
  ASSERT_EQ(held_, "20260102000001_drop_user_name");
  // Not applied anywhere yet: release is refused, nothing moves.
  RunResult r = Run({"contract", "release", migrations_.string(), "--all"});
  EXPECT_EQ(r.exit_code, exit_code::kBlocked) << r.all();
  EXPECT_NE(r.err.find("20260102000000_expand"), std::string::npos) << r.all();
  EXPECT_NE(r.err.find("not applied"), std::string::npos) << r.all();
  EXPECT_TRUE(fs::exists(migrations::HoldingDirectory(migrations_) / held_));

  r = Run({"deploy", migrations_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_TRUE(HasOldColumn()) << "the held contract migration was applied";
  EXPECT_EQ(Scalar(conn(), "SELECT count(*) FROM _prisma_migrations"), "2");

  r = Run({"status", migrations_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("waiting for rollout"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find(held_), std::string::npos) << r.all();

  r = Run({"contract", "list", migrations_.string()}, false);
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find(held_), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("20260102000000_expand"), std::string::npos) << r.all();

  // A migration written after the fix: the released one must sort after it.
  WriteFile(migrations_ / "20270101000000_later" / "migration.sql",
            "CREATE INDEX \"User_displayName_idx\" ON \"User\" (\"displayName\");\n");
  r = Run({"deploy", migrations_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.all();

  r = Run({"contract", "release", migrations_.string(), held_});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const std::vector<std::string> names = MigrationNames(migrations_);
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(names.back().substr(14), "_drop_user_name");
  EXPECT_GT(names.back(), "20270101000000_later");
  EXPECT_FALSE(fs::exists(migrations::HoldingDirectory(migrations_)));

  r = Run({"deploy", migrations_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_FALSE(HasOldColumn());
  // The row Prisma would write: its checksum is the file's SHA-256, as `migrate deploy` hashes it.
  EXPECT_EQ(Scalar(conn(), "SELECT checksum FROM _prisma_migrations WHERE migration_name = '" +
                               names.back() + "' AND finished_at IS NOT NULL"),
            migrations::Sha256Hex(ReadFile(migrations_ / names.back() / "migration.sql")));
  r = Run({"status", migrations_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.out.find("waiting for rollout"), std::string::npos) << r.all();
}

TEST_F(ContractPhaseTest, APrismaDeployerNeverSeesAHeldMigration) {
  // What `prisma migrate deploy` applies: the folders of the migrations directory, in order.
  for (const std::string& n : MigrationNames(migrations_)) {
    db::DbResult<bool> ok = PrismaApply(conn(), n, ReadFile(migrations_ / n / "migration.sql"));
    ASSERT_TRUE(ok.ok() && *ok) << n;
  }
  EXPECT_TRUE(HasOldColumn());
  RunResult r = Run({"contract", "release", migrations_.string(), "--all"});
  ASSERT_EQ(r.exit_code, 0) << r.all();
  const std::vector<std::string> names = MigrationNames(migrations_);
  ASSERT_EQ(names.size(), 3u);
  db::DbResult<bool> ok =
      PrismaApply(conn(), names.back(), ReadFile(migrations_ / names.back() / "migration.sql"));
  ASSERT_TRUE(ok.ok() && *ok);
  EXPECT_FALSE(HasOldColumn());
  // lockstep agrees with Prisma's rows: every migration applied, checksums matching.
  r = Run({"status", migrations_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("3 applied"), std::string::npos) << r.all();
}

}  // namespace
}  // namespace lockstep::deploy_test

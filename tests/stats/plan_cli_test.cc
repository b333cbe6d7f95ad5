// `lockstep plan` with a database, through the built binary (LOCKSTEP_BIN): found as deploy finds
// it (here DATABASE_URL in the project's .env), estimates in JSON, errors without the password;
// what the database records as applied (_prisma_migrations, Prisma 8's prisma_contract.marker)
// is history, not planned.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "support/pg_server.h"

namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class PlanDatabase : public lockstep::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    dir_ = fs::temp_directory_path() / ("lockstep_plan_db_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    const std::string init =
        "CREATE TABLE \"Item\" (\"id\" SERIAL PRIMARY KEY, \"qty\" INTEGER);\n";
    Write(dir_ / "prisma/migrations/0_init/migration.sql", init);
    Write(dir_ / "prisma/migrations/1_index/migration.sql",
          "CREATE INDEX \"Item_qty_idx\" ON \"Item\"(\"qty\");\n");
    ASSERT_TRUE(conn()
                    .Exec(init +
                          "INSERT INTO \"Item\" (\"qty\") SELECT g FROM generate_series(1, 1000) "
                          "g; ANALYZE \"Item\";")
                    .ok());
  }
  void TearDown() override {
    fs::remove_all(dir_);
    PgTest::TearDown();
  }

  // Runs `lockstep plan <path> <args>` in the project (by default the folder 1_index); exit code
  // and stdout.
  std::pair<int, std::string> Plan(const std::string& args,
                                   const std::string& path = "prisma/migrations/1_index") {
    const std::string cmd = "cd " + Quote(dir_.string()) + " && env -u DATABASE_URL " +
                            Quote(LOCKSTEP_BIN) + " plan " + path + " " + args + " >" +
                            Quote((dir_ / ".out").string()) + " 2>" +
                            Quote((dir_ / ".err").string());
    const int status = std::system(cmd.c_str());
    return {WEXITSTATUS(status), Slurp(dir_ / ".out") + Slurp(dir_ / ".err")};
  }

  fs::path dir_;
};

TEST_F(PlanDatabase, EstimatesFromTheProjectsDatabase) {
  auto [offline, offline_out] = Plan("--format json");
  ASSERT_EQ(offline, 0) << offline_out;
  EXPECT_FALSE(nlohmann::json::parse(offline_out)[0].contains("estimate"));

  Write(dir_ / ".env", "DATABASE_URL=\"" + db().url() + "\"\n");
  auto [code, out] = Plan("--format json");
  ASSERT_EQ(code, 0) << out;
  const nlohmann::json j = nlohmann::json::parse(out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["tables"][0]["relation"], "public.Item");
  EXPECT_EQ(j[0]["tables"][0]["rows"], 1000);
  EXPECT_GT(j[0]["estimate"]["seconds"].get<double>(), 0);
  EXPECT_EQ(j[0]["estimate"]["blocking_seconds"], j[0]["estimate"]["seconds"]);

  auto [text_code, text] = Plan("");
  EXPECT_EQ(text_code, 0);
  EXPECT_NE(text.find("public.Item: 1000 rows"), std::string::npos) << text;
  EXPECT_NE(text.find("estimate: "), std::string::npos) << text;

  auto [off_code, off] = Plan("--no-database --format json");
  EXPECT_EQ(off_code, 0);
  EXPECT_FALSE(nlohmann::json::parse(off)[0].contains("estimate"));
}

TEST_F(PlanDatabase, UnreachableDatabaseExitsFourWithoutThePassword) {
  const std::string url = "postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=2";
  auto [code, out] = Plan("--database " + url);
  EXPECT_EQ(code, 4) << out;
  EXPECT_NE(out.find("cannot read statistics"), std::string::npos) << out;
  EXPECT_EQ(out.find("s3cret"), std::string::npos) << out;
  auto [bad, bad_out] = Plan("--database not-a-url");
  EXPECT_EQ(bad, 2) << bad_out;
  // Found in the project (.env), an unreachable database leaves the plan offline, with a note.
  Write(dir_ / ".env", "DATABASE_URL=\"" + url + "\"\n");
  auto [found, found_out] = Plan("--format json");
  EXPECT_EQ(found, 0) << found_out;
  EXPECT_NE(found_out.find("note: no estimates"), std::string::npos) << found_out;
  EXPECT_EQ(found_out.find("s3cret"), std::string::npos) << found_out;
  EXPECT_FALSE(
      nlohmann::json::parse(found_out.substr(0, found_out.rfind(']') + 1))[0].contains("estimate"));
}

// Prisma 5-7: the folders _prisma_migrations records as finished are history; the table they
// created is live for the ones planned.
TEST_F(PlanDatabase, FoldersTheDatabaseRecordsAsAppliedAreNotPlanned) {
  ASSERT_TRUE(conn()
                  .Exec("CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, "
                        "checksum varchar(64) NOT NULL, finished_at timestamptz, migration_name "
                        "varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at "
                        "timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL "
                        "DEFAULT 0); INSERT INTO _prisma_migrations (id, checksum, finished_at, "
                        "migration_name) VALUES ('1', 'x', now(), '0_init')")
                  .ok());
  auto [code, out] = Plan("--database " + db().url(), "prisma/migrations");
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("0_init"), std::string::npos) << out;
  EXPECT_NE(out.find("ShareLock on public.Item (existing)"), std::string::npos) << out;
  // Offline, every folder is planned, from an empty database.
  auto [off_code, off] = Plan("--no-database", "prisma/migrations");
  EXPECT_EQ(off_code, 0) << off;
  EXPECT_NE(off.find("0_init"), std::string::npos) << off;
}

// Prisma 8: the packages up to the one whose migration.json `to` is the contract hash in
// prisma_contract.marker are history; the pending ones are planned as the one transaction
// `prisma db migrate` runs them in, the first opening it.
TEST_F(PlanDatabase, Prisma8PackagesUpToTheMarkerAreNotPlanned) {
  fs::copy(fs::path(LOCKSTEP_SOURCE_DIR) / "tests/migrations/fixtures/prisma8", dir_ / "app8",
           fs::copy_options::recursive);
  const std::string app = "app8/migrations/app/";
  Write(dir_ / app / "20260303T0800_name_index/ops.json",
        "[{\"id\": \"index.user.name\", \"execute\": [{\"sql\": \"CREATE INDEX "
        "\\\"user_name_idx\\\" ON \\\"public\\\".\\\"user\\\" (\\\"email\\\")\"}]}]\n");
  Write(dir_ / app / "20260303T0800_name_index/migration.json",
        "{\"from\": \"sha256:email\", \"to\": \"sha256:name\", \"migrationHash\": \"sha256:x\"}\n");
  // The database is at the first package's contract, with the table that package created.
  ASSERT_TRUE(conn()
                  .Exec("CREATE TABLE \"user\" (\"id\" serial PRIMARY KEY, \"email\" text NOT "
                        "NULL); CREATE SCHEMA prisma_contract; CREATE TABLE "
                        "prisma_contract.marker (id smallint PRIMARY KEY DEFAULT 1, core_hash "
                        "text NOT NULL, profile_hash text NOT NULL, updated_at timestamptz NOT "
                        "NULL DEFAULT now()); INSERT INTO prisma_contract.marker (core_hash, "
                        "profile_hash) VALUES ('sha256:init', 'sha256:profile')")
                  .ok());
  auto [code, out] = Plan("--database " + db().url(), "app8");
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("20260301T1000_init"), std::string::npos) << out;
  // "user" was created by an applied package: it is live, and the run begins in the next one.
  const size_t email = out.find(app + "20260302T0900_user_email/ops.json\n");
  ASSERT_NE(email, std::string::npos) << out;
  const size_t first = out.find('\n', email) + 1;
  EXPECT_NE(out.substr(first, out.find('\n', first) - first).find("BEGIN"), std::string::npos)
      << out;
  EXPECT_NE(out.find("ShareLock on public.user (existing)", email), std::string::npos) << out;
  // The last pending package is in the same transaction: the ALTER's lock is still held there.
  const size_t name = out.find(app + "20260303T0800_name_index/ops.json\n");
  ASSERT_NE(name, std::string::npos) << out;
  EXPECT_NE(out.find("still held from earlier packages of this run", name), std::string::npos)
      << out;
  EXPECT_NE(out.find("COMMIT", name), std::string::npos) << out;

  // A contract no package leads to: a warning, and every package is planned.
  ASSERT_TRUE(conn().Exec("UPDATE prisma_contract.marker SET core_hash = 'sha256:other'").ok());
  auto [other, other_out] = Plan("--database " + db().url(), "app8");
  EXPECT_EQ(other, 0) << other_out;
  EXPECT_NE(other_out.find("warning: the database's prisma_contract.marker is at contract "
                           "sha256:other"),
            std::string::npos)
      << other_out;
  EXPECT_NE(other_out.find("20260301T1000_init"), std::string::npos) << other_out;
}

}  // namespace

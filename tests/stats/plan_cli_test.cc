// `lockstep plan` with a database, through the built binary (LOCKSTEP_BIN): found as deploy finds
// it (here DATABASE_URL in the project's .env), estimates in JSON, errors without the password.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

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

  // Runs `lockstep plan prisma/migrations/1_index <args>` in the project; exit code and stdout.
  std::pair<int, std::string> Plan(const std::string& args) {
    const std::string cmd = "cd " + Quote(dir_.string()) + " && env -u DATABASE_URL " +
                            Quote(LOCKSTEP_BIN) + " plan prisma/migrations/1_index " + args + " >" +
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

}  // namespace

// Statistics of the target and duration estimates (stats/): which work the lock model's facts
// give each statement, and the estimates read from a real server, through a role that cannot
// write.
#include "stats/estimate.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "plan/plan.h"
#include "stats/target.h"
#include "support/pg_server.h"

namespace lockstep::stats {
namespace {

constexpr const char* kInit =
    "CREATE TABLE \"Item\" (\"id\" SERIAL PRIMARY KEY, \"qty\" INTEGER, \"name\" TEXT, "
    "\"price\" INTEGER);\n"
    "CREATE TABLE \"Tiny\" (\"id\" SERIAL PRIMARY KEY, \"qty\" INTEGER);\n";

analysis::History Replay(const std::string& pending) {
  return analysis::Replay(
      {{"0_init", "0_init/migration.sql", kInit}, {"1_change", "1_change/migration.sql", pending}},
      1, analysis::Options{});
}

TEST(WorkOf, FollowsTheLockModelsFacts) {
  const analysis::History h = Replay(
      "CREATE INDEX \"Item_qty_idx\" ON \"Item\"(\"qty\");\n"
      "CREATE UNIQUE INDEX CONCURRENTLY \"Item_name_key\" ON \"Item\"(\"name\");\n"
      "ALTER TABLE \"Item\" ALTER COLUMN \"qty\" TYPE BIGINT;\n"
      "ALTER TABLE \"Item\" ADD CONSTRAINT \"c\" CHECK (\"price\" >= 0);\n"
      "ALTER TABLE \"Item\" ALTER COLUMN \"price\" SET NOT NULL, ALTER COLUMN \"price\" TYPE "
      "BIGINT;\n"
      "CREATE TABLE \"New\" (\"id\" INTEGER);\n"
      "CREATE INDEX \"New_id_idx\" ON \"New\"(\"id\");\n"
      "ALTER TABLE \"Item\" ADD CONSTRAINT \"Item_qty_key\" UNIQUE (\"qty\", \"price\");\n");
  const std::vector<std::vector<Work>> work = WorkOf(h);
  ASSERT_EQ(work.size(), 8u);
  const sql::QName item{"public", "Item"};
  ASSERT_EQ(work[0].size(), 1u);
  EXPECT_EQ(work[0][0].kind, Work::Kind::kIndexBuild);
  EXPECT_EQ(work[0][0].table, item);
  EXPECT_EQ(work[0][0].columns, std::vector<std::string>{"qty"});
  EXPECT_FALSE(work[0][0].concurrently);
  ASSERT_EQ(work[1].size(), 1u);
  EXPECT_TRUE(work[1][0].concurrently);
  ASSERT_EQ(work[2].size(), 1u);
  EXPECT_EQ(work[2][0].kind, Work::Kind::kRewrite);
  ASSERT_EQ(work[3].size(), 1u);
  EXPECT_EQ(work[3][0].kind, Work::Kind::kScan);
  // The rewrite checks NOT NULL as it writes: no separate scan.
  ASSERT_EQ(work[4].size(), 1u);
  EXPECT_EQ(work[4][0].kind, Work::Kind::kRewrite);
  EXPECT_TRUE(work[5].empty());  // a new table
  EXPECT_TRUE(work[6].empty());  // on a table created in this migration
  ASSERT_EQ(work[7].size(), 1u);
  EXPECT_EQ(work[7][0].kind, Work::Kind::kIndexBuild);
  EXPECT_EQ(work[7][0].columns, (std::vector<std::string>{"qty", "price"}));
}

TEST(WorkOf, AnIndexOnAPartitionedTableIsBuiltOnEachPartition) {
  const analysis::History h = analysis::Replay(
      {{"0_init", "0_init/migration.sql",
        "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);\n"
        "CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');\n"
        "CREATE TABLE m_2 PARTITION OF m FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');\n"},
       {"1_change", "1_change/migration.sql", "CREATE INDEX m_id_idx ON m (id);"}},
      1, analysis::Options{});
  const std::vector<std::vector<Work>> work = WorkOf(h);
  ASSERT_EQ(work.size(), 1u);
  ASSERT_EQ(work[0].size(), 2u);
  for (const Work& w : work[0]) {
    EXPECT_EQ(w.kind, Work::Kind::kIndexBuild);
    EXPECT_EQ(w.columns, std::vector<std::string>{"id"});
  }
  EXPECT_EQ(work[0][0].table.name, "m_1");
  EXPECT_EQ(work[0][1].table.name, "m_2");
}

class Estimates : public testing::PgTest {
 protected:
  void Load(int item_rows) {
    ASSERT_TRUE(conn().Exec(kInit).ok());
    ASSERT_TRUE(conn()
                    .Exec("INSERT INTO \"Item\" (\"qty\", \"name\", \"price\") SELECT g % 1000, "
                          "md5(g::text), g FROM generate_series(1, " +
                          std::to_string(item_rows) +
                          ") g; INSERT INTO \"Tiny\" (\"qty\") SELECT g FROM "
                          "generate_series(1, 100) g; ANALYZE \"Item\"; ANALYZE \"Tiny\";")
                    .ok());
  }

  // A role that may read these tables and nothing else, whose transactions are read-only.
  db::ConnInfo Reader() {
    const std::string role = "reader_" + db().name();
    EXPECT_TRUE(conn()
                    .Exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'; ALTER ROLE " + role +
                          " SET default_transaction_read_only = on; GRANT SELECT ON \"Item\", "
                          "\"Tiny\" TO " +
                          role + "; REVOKE CREATE ON SCHEMA public FROM PUBLIC")
                    .ok());
    db::ConnInfo info = db().conninfo();
    info.user = role;
    info.password = "pw";
    return info;
  }

  void TearDown() override {
    conn().Exec("DROP OWNED BY reader_" + db().name() + "; DROP ROLE IF EXISTS reader_" +
                db().name());
    PgTest::TearDown();
  }
};

TEST_F(Estimates, ReadOnlyRoleWritesNothingAndGetsSaneFigures) {
  Load(50000);
  const db::ConnInfo reader = Reader();
  auto count = [&](const std::string& sql) {
    db::DbResult<db::Rows> r = conn().Exec(sql);
    EXPECT_TRUE(r.ok());
    return r.ok() && !r->empty() ? r->rows[0][0].value_or("") : std::string();
  };
  const std::string before_rel = count("SELECT count(*) FROM pg_class");
  const std::string kContents =
      "SELECT count(*) || ':' || sum(\"qty\") || ':' || md5(string_agg(\"name\", ',' ORDER BY "
      "\"id\")) FROM \"Item\"";
  const std::string before_contents = count(kContents);

  const analysis::History h = Replay(
      "CREATE INDEX \"Item_qty_idx\" ON \"Item\"(\"qty\");\n"
      "CREATE INDEX CONCURRENTLY \"Item_price_idx\" ON \"Item\"(\"price\");\n"
      "ALTER TABLE \"Item\" ALTER COLUMN \"qty\" TYPE BIGINT;\n"
      "CREATE INDEX \"Tiny_qty_idx\" ON \"Tiny\"(\"qty\");\n");
  std::vector<plan::Entry> entries = plan::FromHistory(h);
  db::DbResult<size_t> read = AddEstimates(h, reader, entries);
  ASSERT_TRUE(read.ok()) << read.error().OneLine();
  EXPECT_EQ(*read, 2u);

  // The JSON carries tables and estimate, with figures that fit the table.
  const nlohmann::json j = plan::ToJson(entries);
  ASSERT_EQ(j.size(), 4u);
  for (const auto& e : j) {
    ASSERT_TRUE(e.contains("tables")) << e.dump();
    ASSERT_TRUE(e.contains("estimate")) << e.dump();
    ASSERT_EQ(e["tables"].size(), 1u) << e.dump();
    EXPECT_GT(e["tables"][0]["bytes"].get<int64_t>(), 0);
    EXPECT_GE(e["estimate"]["seconds"].get<double>(),
              e["estimate"]["blocking_seconds"].get<double>());
    EXPECT_GE(e["estimate"]["blocking_seconds"].get<double>(), 0);
  }
  EXPECT_EQ(j[0]["tables"][0]["relation"], "public.Item");
  EXPECT_NEAR(j[0]["tables"][0]["rows"].get<double>(), 50000, 5000);
  EXPECT_EQ(j[3]["tables"][0]["rows"], 100);
  EXPECT_GT(j[0]["estimate"]["seconds"].get<double>(), 0);
  EXPECT_EQ(j[0]["estimate"]["seconds"], j[0]["estimate"]["blocking_seconds"]);
  // CONCURRENTLY blocks nothing, though it takes longer.
  EXPECT_EQ(j[1]["estimate"]["blocking_seconds"].get<double>(), 0);
  EXPECT_GT(j[1]["estimate"]["seconds"].get<double>(), j[0]["estimate"]["seconds"].get<double>());
  // The rewrite rebuilds the primary key as well: more than one index build.
  EXPECT_GT(j[2]["estimate"]["seconds"].get<double>(), j[0]["estimate"]["seconds"].get<double>());
  // 100 rows against 50,000.
  EXPECT_LT(j[3]["estimate"]["seconds"].get<double>() * 20,
            j[0]["estimate"]["seconds"].get<double>());

  EXPECT_EQ(count("SELECT count(*) FROM pg_class"), before_rel);
  EXPECT_EQ(count(kContents), before_contents);
}

// Sorting a sample costs the target; only the sorts an estimate uses are run.
TEST_F(Estimates, SortsOnlyWhatAnIndexBuildOrRewriteNeeds) {
  Load(1000);
  const sql::QName item{"public", "Item"};
  auto read = [&](Work::Kind kind, std::vector<std::string> columns) {
    db::DbResult<std::map<std::string, TableStats>> r =
        ReadTables(db().conninfo(), {{{kind, item, std::move(columns), false}}});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value()["public.Item"] : TableStats{};
  };
  const TableStats scanned = read(Work::Kind::kScan, {});
  EXPECT_GT(scanned.scan_seconds, 0);
  EXPECT_TRUE(scanned.sort_seconds.empty());
  EXPECT_EQ(scanned.indexes, std::vector<std::vector<std::string>>{{"id"}});
  const TableStats built = read(Work::Kind::kIndexBuild, {"qty"});
  EXPECT_EQ(built.sort_seconds.size(), 1u);
  EXPECT_TRUE(built.sort_seconds.count({"qty"}));
  const TableStats rewritten = read(Work::Kind::kRewrite, {});
  EXPECT_EQ(rewritten.sort_seconds.size(), 1u);
  EXPECT_TRUE(rewritten.sort_seconds.count({"id"}));  // the primary key is rebuilt
}

TEST_F(Estimates, TablesTheTargetLacksHaveNoEstimate) {
  Load(10);
  const analysis::History h = analysis::Replay(
      {{"0_init", "0_init/migration.sql", "CREATE TABLE \"Gone\" (\"id\" INTEGER);"},
       {"1_change", "1_change/migration.sql", "CREATE INDEX \"Gone_id_idx\" ON \"Gone\"(\"id\");"}},
      1, analysis::Options{});
  std::vector<plan::Entry> entries = plan::FromHistory(h);
  db::DbResult<size_t> read = AddEstimates(h, db().conninfo(), entries);
  ASSERT_TRUE(read.ok()) << read.error().OneLine();
  EXPECT_EQ(*read, 0u);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0].with_statistics);
  EXPECT_FALSE(entries[0].estimate);  // unknown, not 0: lint must not call it harmless
  EXPECT_TRUE(entries[0].tables.empty());
  EXPECT_TRUE(plan::ToJson(entries)[0]["estimate"].is_null());
}

}  // namespace
}  // namespace lockstep::stats

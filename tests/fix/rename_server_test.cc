// Renames as expand/contract on a real server (issue 13 item 2): an "old application" that only
// knows the old column or table name keeps inserting and updating through the whole expand phase
// of fix's rewrite (every folder applied while it runs) without a single failure, and a "new
// application" using the new name sees its rows, before and after the contract phase.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "fix/golden.h"
#include "fix/server.h"

namespace lockstep::fixtest {
namespace {

// Runs `step(i)` on its own connection in a loop (i = 1, 2, …) until destroyed; `step` returns
// "" or the error of the write that failed.
class Workload {
 public:
  Workload(testing::TestDatabase& db, std::function<std::string(db::Connection&, int)> step)
      : thread_([this, &db, step] {
          db::DbResult<db::Connection> c = db.Connect();
          if (!c.ok()) {
            Fail("connect: " + c.error().OneLine());
            return;
          }
          for (int i = 1; !stop_; ++i) {
            if (std::string e = step(*c, i); !e.empty()) Fail(e);
            ++rounds_;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
          }
        }) {}
  ~Workload() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int rounds() const { return rounds_; }
  std::vector<std::string> failures() {
    std::lock_guard<std::mutex> l(mu_);
    return failures_;
  }

 private:
  void Fail(std::string e) {
    std::lock_guard<std::mutex> l(mu_);
    failures_.push_back(std::move(e));
  }
  std::atomic<bool> stop_{false};
  std::atomic<int> rounds_{0};
  std::mutex mu_;
  std::vector<std::string> failures_;
  std::thread thread_;
};

std::string Exec(db::Connection& c, const std::string& sql, std::string* value = nullptr) {
  db::DbResult<db::Rows> r = c.Exec(sql);
  if (!r.ok()) return sql + ": " + r.error().OneLine();
  if (value) *value = r->size() ? r->Value(0, "v").value_or("") : "";
  return "";
}

std::string Scalar(db::Connection& c, const std::string& sql) {
  db::DbResult<db::Rows> r = c.Exec(sql);
  if (!r.ok()) return "error: " + r.error().OneLine();
  return r->size() ? r->Value(0, "v").value_or("NULL") : "no row";
}

Result<Fixed> FixCase(const std::string& name, const fix::Options& o = {}) {
  return RunFix(SourceDir() / "tests" / "fix" / "golden" / name / "input", o);
}

void ApplyHistory(testing::TestDatabase& db, const Fixed& fixed) {
  for (size_t i = 0; i < fixed.input.target; ++i)
    ASSERT_EQ(ApplyWhole(db.conn(), fixed.input.migrations[i].sql), "");
}

// The fix of rename_column for `o`, applied on PostgreSQL `major` under the old application.
void OldApplicationKeepsWritingTheOldColumn(int major, const fix::Options& o) {
  Result<Fixed> fixed = FixCase("rename_column", o);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  auto db = testing::TestDatabase::Create(major, "rename_col_app");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_NO_FATAL_FAILURE(ApplyHistory(**db, *fixed));

  // The old application: inserts with the old names (one row relying on the old column's
  // default), updates the old columns, reads them back.
  Workload old_app(**db, [](db::Connection& c, int i) -> std::string {
    const std::string n = std::to_string(i);
    std::string id;
    if (std::string e =
            Exec(c,
                 "INSERT INTO \"Member\" (\"name\", \"email\", \"totalPoints\") VALUES "
                 "('old" +
                     n + "', 'old" + n + "@example.com', " + n + ") RETURNING \"id\" AS v",
                 &id);
        !e.empty())
      return e;
    if (std::string e = Exec(c, "INSERT INTO \"Member\" (\"totalPoints\") VALUES (" + n + ")");
        !e.empty())
      return e;
    if (std::string e = Exec(c, "UPDATE \"Member\" SET \"name\" = 'renamed" + n +
                                    "', \"email\" = NULL WHERE \"id\" = " + id);
        !e.empty())
      return e;
    const std::string back =
        Scalar(c,
               "SELECT \"name\" || coalesce(\"email\", '-') AS v FROM \"Member\" WHERE "
               "\"id\" = " +
                   id);
    return back == "renamed" + n + "-" ? "" : "read back " + back;
  });
  for (const fix::OutputFile& f : fixed->files) {
    if (f.held) continue;  // the contract phase waits for the rollout (below)
    // A CONCURRENTLY build waits for the workload's transactions: the workload's are short.
    ASSERT_EQ(ApplyWhole((*db)->conn(), f.after), "") << f.relative << ":\n" << f.after;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  old_app.Stop();
  EXPECT_EQ(old_app.failures(), std::vector<std::string>{});
  EXPECT_GT(old_app.rounds(), 0);

  db::Connection& c = (*db)->conn();
  EXPECT_EQ(Scalar(c,
                   "SELECT count(*) AS v FROM \"Member\" WHERE \"displayName\" IS DISTINCT "
                   "FROM \"name\" OR \"mail\" IS DISTINCT FROM \"email\""),
            "0");
  EXPECT_EQ(Scalar(c, "SELECT \"displayName\" AS v FROM \"Member\" WHERE \"name\" = 'renamed1'"),
            "renamed1");
  // The new application, still during expand: writes only the new names; the old ones follow.
  ASSERT_EQ(Exec(c,
                 "INSERT INTO \"Member\" (\"displayName\", \"mail\") VALUES ('new', "
                 "'new@example.com')"),
            "");
  EXPECT_EQ(Scalar(c,
                   "SELECT \"name\" || \"email\" AS v FROM \"Member\" WHERE \"displayName\" "
                   "= 'new'"),
            "newnew@example.com");
  ASSERT_EQ(Exec(c,
                 "UPDATE \"Member\" SET \"displayName\" = 'newer' WHERE \"displayName\" = "
                 "'new'"),
            "");
  EXPECT_EQ(Scalar(c, "SELECT \"name\" AS v FROM \"Member\" WHERE \"mail\" = 'new@example.com'"),
            "newer");
  // The unique index was built again on the new column before the contract.
  EXPECT_NE(Exec(c,
                 "INSERT INTO \"Member\" (\"displayName\", \"mail\") VALUES ('dup', "
                 "'new@example.com')"),
            "");

  for (const fix::NewMigration& m : fixed->plan.contract)
    ASSERT_EQ(ApplyWhole(c, m.sql), "") << m.slug << ":\n" << m.sql;
  EXPECT_EQ(Scalar(c,
                   "SELECT count(*) AS v FROM information_schema.columns WHERE table_name = "
                   "'Member' AND column_name IN ('name', 'email')"),
            "0");
  ASSERT_EQ(Exec(c, "INSERT INTO \"Member\" (\"totalPoints\") VALUES (7)"), "");
  EXPECT_EQ(Scalar(c,
                   "SELECT \"displayName\" AS v FROM \"Member\" WHERE \"totalPoints\" = 7 "
                   "ORDER BY \"id\" DESC LIMIT 1"),
            "anonymous");
  EXPECT_NE(Exec(c, "INSERT INTO \"Member\" (\"displayName\") VALUES (NULL)"), "");
}

TEST(RenameServerTest, OldApplicationKeepsWritingTheOldColumnThroughTheExpandPhase) {
  OldApplicationKeepsWritingTheOldColumn(kFixPgMajor, {});
}

// PostgreSQL 18's route: "displayName" NOT NULL through its own NOT NULL … NOT VALID constraint,
// which the sync trigger satisfies for every row the old application writes; validated, it is
// the column's NOT NULL, under the name the original rename leaves (the old column's).
TEST(RenameServerTest, OldApplicationKeepsWritingTheOldColumnOnPostgres18) {
  fix::Options o;
  o.pg_version = 18;
  OldApplicationKeepsWritingTheOldColumn(18, o);
}

TEST(RenameServerTest, OldApplicationKeepsUsingTheOldTableNameThroughTheExpandPhase) {
  Result<Fixed> fixed = FixCase("rename_table");
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  auto db = testing::TestDatabase::Create(kFixPgMajor, "rename_tab_app");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_NO_FATAL_FAILURE(ApplyHistory(**db, *fixed));

  // The old application, as Prisma writes it: INSERT … RETURNING every column (defaults and the
  // serial key filled in), a row referencing it, an update, an upsert, a delete.
  Workload old_app(**db, [](db::Connection& c, int i) -> std::string {
    const std::string n = std::to_string(i);
    std::string row;
    if (std::string e = Exec(c,
                             "INSERT INTO \"Member\" (\"name\") VALUES ('old" + n +
                                 "') RETURNING \"id\"::text || (\"joinedAt\" IS NOT NULL)::text "
                                 "AS v",
                             &row);
        !e.empty())
      return e;
    if (row.size() < 5 || row.substr(row.size() - 4) != "true") return "returned " + row;
    const std::string id = row.substr(0, row.size() - 4);
    for (const std::string& sql : std::vector<std::string>{
             "INSERT INTO \"Post\" (\"memberId\") VALUES (" + id + ")",
             "UPDATE \"Member\" SET \"name\" = 'upd" + n + "' WHERE \"id\" = " + id,
             "INSERT INTO \"Member\" (\"id\", \"name\") VALUES (" + id +
                 ", 'x') ON CONFLICT (\"id\") DO UPDATE SET \"name\" = 'ups" + n + "'",
             "INSERT INTO \"Member\" (\"name\") VALUES ('gone') RETURNING \"id\" AS v",
             std::string("DELETE FROM \"Member\" WHERE \"name\" = 'gone'")})
      if (std::string e = Exec(c, sql); !e.empty()) return e;
    const std::string back = Scalar(c, "SELECT \"name\" AS v FROM \"Member\" WHERE \"id\" = " + id);
    return back == "ups" + n ? "" : "read back " + back;
  });
  for (const fix::OutputFile& f : fixed->files) {
    if (f.held) continue;  // the contract phase waits for the rollout (below)
    ASSERT_EQ(ApplyWhole((*db)->conn(), f.after), "") << f.relative << ":\n" << f.after;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  old_app.Stop();
  EXPECT_EQ(old_app.failures(), std::vector<std::string>{});
  EXPECT_GT(old_app.rounds(), 0);

  db::Connection& c = (*db)->conn();
  // The new application sees the old one's rows under the new name, and writes there.
  EXPECT_EQ(Scalar(c, "SELECT count(*) AS v FROM \"Account\" WHERE \"name\" LIKE 'ups%'"),
            std::to_string(old_app.rounds()));
  ASSERT_EQ(Exec(c, "INSERT INTO \"Account\" (\"name\") VALUES ('new')"), "");
  EXPECT_EQ(Scalar(c, "SELECT count(*) AS v FROM \"Member\" WHERE \"name\" = 'new'"), "1");
  for (const fix::NewMigration& m : fixed->plan.contract)
    ASSERT_EQ(ApplyWhole(c, m.sql), "") << m.slug << ":\n" << m.sql;
  EXPECT_EQ(Scalar(c, "SELECT count(*) AS v FROM pg_class WHERE relname = 'Member'"), "0");
}

}  // namespace
}  // namespace lockstep::fixtest

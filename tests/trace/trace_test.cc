// trace itself, on real servers: history replay, errors at file:line:col, rollback mode, the
// migration's own transaction block, non-transactional statements seen from outside, and the
// scratch database on a user-given server.
#include "trace/trace.h"

#include <gtest/gtest.h>

#include "support/pg_server.h"
#include "trace/prepared_server.h"
#include "trace/scratch.h"

namespace lockstep::trace {
namespace {

class TraceTest : public testing::PgTest {
 protected:
  void SetUp() override {
    testing::PgTest::SetUp();
    ASSERT_TRUE(PreparedServer(major()).ok()) << PreparedServer(major()).message();
  }
  Result<std::vector<Observed>> Trace(const std::string& history, const std::string& migration,
                                      bool rollback = false) {
    Options o;
    o.hold_commits = true;
    o.rollback = rollback;
    return trace::Run(db().socket_conninfo(),
                      {{"0_history", "history.sql", history}, {"1_m", "m.sql", migration}}, 1, o);
  }
  std::string Scalar(const std::string& sql) {
    db::DbResult<db::Rows> r = conn().Exec(sql);
    EXPECT_TRUE(r.ok()) << sql;
    return r.ok() && !r->empty() && r->rows[0][0] ? *r->rows[0][0] : "";
  }
};

const locks::RelationLock* LockOn(const plan::Entry& e, const std::string& name) {
  for (const locks::RelationLock& l : e.locks)
    if (l.relation.name == name) return &l;
  return nullptr;
}

TEST_F(TraceTest, ReplaysHistoryThenReportsOnlyRelationsThatExistedBefore) {
  Result<std::vector<Observed>> r =
      Trace("CREATE TABLE a (id int PRIMARY KEY);",
            "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));\n"
            "CREATE INDEX b_a_idx ON b (a_id);");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const plan::Entry& create = (*r)[0].entry;
  EXPECT_EQ(create.line, 1);
  EXPECT_TRUE(create.new_table);
  ASSERT_EQ(create.locks.size(), 1u);  // b and b_pkey are new: invisible to other sessions
  EXPECT_EQ(create.locks[0].relation.ToString(), "public.a");
  EXPECT_EQ(create.locks[0].mode, locks::LockMode::kShareRowExclusive);
  EXPECT_EQ(create.locks[0].origin, schema::Origin::kExisting);
  std::vector<std::string> created;
  for (const sql::QName& q : (*r)[0].created) created.push_back(q.ToString());
  EXPECT_EQ(created, (std::vector<std::string>{"public.b", "public.b_pkey"}));

  const plan::Entry& index = (*r)[1].entry;
  ASSERT_NE(LockOn(index, "b"), nullptr);
  EXPECT_EQ(LockOn(index, "b")->mode, locks::LockMode::kShare);
  EXPECT_EQ(LockOn(index, "b")->origin, schema::Origin::kThisMigration);
  EXPECT_EQ(index.scans.size(), 1u);
  // Committed: the index exists after the run.
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'b_a_idx'"), "1");
}

TEST_F(TraceTest, RewriteIsAChangedRelfilenode) {
  Result<std::vector<Observed>> r = Trace("CREATE TABLE t (id int PRIMARY KEY, n int);",
                                          "ALTER TABLE t ALTER COLUMN n TYPE bigint;\n"
                                          "ALTER TABLE t ALTER COLUMN n SET DEFAULT 1;");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> rewritten;
  for (const sql::QName& q : (*r)[0].entry.rewrites) rewritten.push_back(q.ToString());
  EXPECT_EQ(rewritten, (std::vector<std::string>{"public.t", "public.t_pkey"}));
  EXPECT_TRUE((*r)[1].entry.rewrites.empty());
}

TEST_F(TraceTest, FailingStatementStopsWithItsPositionInTheFile) {
  Result<std::vector<Observed>> r =
      Trace("CREATE TABLE t (id int);", "ALTER TABLE t ADD COLUMN a int;\n\nSELECT nope FROM t;");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().where(), "m.sql:3:8");
  EXPECT_NE(r.status().message().find("column \"nope\" does not exist"), std::string::npos);
}

TEST_F(TraceTest, HistoryFailureNamesTheHistoryFile) {
  Result<std::vector<Observed>> r = Trace("CREATE TABLE t (id int);\nCREATE TABLE t (id int);",
                                          "ALTER TABLE t ADD COLUMN a int;");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().where(), "history.sql:2:1");
}

TEST_F(TraceTest, RollbackModeUndoesTransactionalStatements) {
  Result<std::vector<Observed>> r =
      Trace("CREATE TABLE t (id int);", "ALTER TABLE t ADD COLUMN a int;", /*rollback=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(LockOn((*r)[0].entry, "t")->mode, locks::LockMode::kAccessExclusive);
  EXPECT_EQ(Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'"), "1");
}

TEST_F(TraceTest, NonTransactionalStatementIsSeenFromOutside) {
  Result<std::vector<Observed>> r =
      Trace("CREATE TABLE t (id int PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);",
            "CREATE INDEX CONCURRENTLY t_a2_idx ON t (a);\nDROP INDEX CONCURRENTLY t_a_idx;");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Observed& cic = (*r)[0];
  EXPECT_FALSE(cic.entry.transactional);
  EXPECT_TRUE(cic.outside_block);
  ASSERT_NE(LockOn(cic.entry, "t"), nullptr);
  EXPECT_EQ(LockOn(cic.entry, "t")->mode, locks::LockMode::kShareUpdateExclusive);
  EXPECT_EQ(LockOn(cic.entry, "t_a2_idx"), nullptr);  // the new index is not reported
  const Observed& dic = (*r)[1];
  EXPECT_FALSE(dic.entry.transactional);
  ASSERT_NE(LockOn(dic.entry, "t_a_idx"), nullptr);
  EXPECT_EQ(LockOn(dic.entry, "t_a_idx")->mode, locks::LockMode::kAccessExclusive);
  EXPECT_EQ(Scalar("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                   "WHERE tablename = 't'"),
            "t_a2_idx,t_pkey");
  // The session is back to normal: a later commit is not held.
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"), "0");
}

TEST_F(TraceTest, MigrationsOwnBlockShowsWhatEachStatementAdded) {
  Result<std::vector<Observed>> r =
      Trace("CREATE TABLE t (id int PRIMARY KEY, a int);",
            "BEGIN;\nLOCK TABLE t IN SHARE MODE;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_TRUE((*r)[0].entry.locks.empty());
  EXPECT_EQ(LockOn((*r)[1].entry, "t")->mode, locks::LockMode::kShare);
  EXPECT_EQ(LockOn((*r)[2].entry, "t")->mode, locks::LockMode::kAccessExclusive);
  EXPECT_EQ(Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'"), "3");
}

TEST_F(TraceTest, ConcurrentIndexInsideTheMigrationsBlockFailsAsOnTheServer) {
  Result<std::vector<Observed>> r = Trace("CREATE TABLE t (id int, a int);",
                                          "BEGIN;\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().where(), "m.sql:2:1");
  EXPECT_NE(r.status().message().find("25001"), std::string::npos);
}

// Issue 12 item 10: both deployers run a leading SET TRANSACTION first in the transaction of the
// statements after it; trace ran its own queries first and PostgreSQL refused it.
TEST_F(TraceTest, LeadingSetTransactionAppliesToTheStatementsAfterIt) {
  const std::string history =
      "CREATE TABLE t (id int PRIMARY KEY, iso text);\nINSERT INTO t VALUES (1, '');";
  Result<std::vector<Observed>> r =
      Trace(history,
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\n"
            "UPDATE t SET iso = current_setting('transaction_isolation');");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(Scalar("SELECT iso FROM t"), "serializable");
  EXPECT_NE(LockOn((*r)[1].entry, "t"), nullptr);
}

TEST_F(TraceTest, SetTransactionFirstInTheMigrationsOwnBlock) {
  Result<std::vector<Observed>> r =
      Trace("CREATE TABLE t (id int PRIMARY KEY, iso text);\nINSERT INTO t VALUES (1, '');",
            "BEGIN;\nSET TRANSACTION ISOLATION LEVEL REPEATABLE READ;\n"
            "UPDATE t SET iso = current_setting('transaction_isolation');\nCOMMIT;");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Scalar("SELECT iso FROM t"), "repeatable read");
}

TEST_F(TraceTest, ServerTimeZoneIsUtc) {
  db::DbResult<db::Connection> c = db::Connect(db().socket_conninfo());
  ASSERT_TRUE(c.ok());
  db::DbResult<db::Rows> tz = c->Exec("SHOW TimeZone");
  ASSERT_TRUE(tz.ok());
  EXPECT_EQ(tz->Value(0, "TimeZone"), "UTC");
}

TEST_F(TraceTest, ScratchDatabaseOnAServerIsDroppedAndTheNamedOneUntouched) {
  ASSERT_TRUE(conn().Exec("CREATE TABLE keep (id int)").ok());
  db::DbResult<db::ConnInfo> url = db::ParseUrl(db().url() + "?schema=app");
  ASSERT_TRUE(url.ok());
  std::string name;
  {
    Result<std::unique_ptr<Scratch>> s = Scratch::OnServer(*url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    name = (*s)->conninfo().dbname;
    EXPECT_NE(name, db().name());
    EXPECT_FALSE((*s)->hold_commits());
    Options o;
    Result<std::vector<Observed>> r =
        trace::Run((*s)->conninfo(), {{"1_m", "m.sql", "CREATE TABLE x (id int);"}}, 0, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ((*r)[0].created.size(), 1u);
    EXPECT_EQ((*r)[0].created[0].ToString(), "app.x");  // the URL's Prisma schema
    EXPECT_EQ(Scalar("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"), "1");
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"), "0");
  EXPECT_EQ(Scalar("SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = "
                   "'public'::regnamespace"),
            "keep");
}

}  // namespace
}  // namespace lockstep::trace

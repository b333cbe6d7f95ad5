#include "db/connection.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>
#include <utility>

#include "base/quote.h"
#include "base/source.h"
#include "support/pg_server.h"

namespace lockstep::db {
namespace {

using lockstep::testing::PgMajorTest;
using ::testing::HasSubstr;
using ::testing::Not;

class ConnectionTest : public PgMajorTest {};

TEST_P(ConnectionTest, SelectReturnsColumnsRowsAndNulls) {
  DbResult<Rows> r = conn().Exec("SELECT 1 AS one, NULL::text AS nothing, 'x y' AS text");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->columns, (std::vector<std::string>{"one", "nothing", "text"}));
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->rows[0][0], "1");
  EXPECT_EQ(r->rows[0][1], std::nullopt);
  EXPECT_EQ(r->Value(0, "text"), "x y");
  EXPECT_EQ(r->ColumnIndex("missing"), -1);
  EXPECT_EQ(r->command_tag, "SELECT 1");
}

TEST_P(ConnectionTest, AffectedRowsAndCommandTags) {
  ASSERT_TRUE(conn().Exec("CREATE TABLE t (id int PRIMARY KEY, v text)").ok());
  DbResult<Rows> ins = conn().Exec("INSERT INTO t SELECT g, 'v' FROM generate_series(1, 5) g");
  ASSERT_TRUE(ins.ok()) << ins.status().message();
  EXPECT_EQ(ins->affected, 5);
  EXPECT_EQ(ins->command_tag, "INSERT 0 5");
  DbResult<Rows> upd = conn().Exec("UPDATE t SET v = 'w' WHERE id > 2");
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->affected, 3);
  DbResult<Rows> ddl = conn().Exec("CREATE INDEX t_v ON t (v)");
  ASSERT_TRUE(ddl.ok());
  EXPECT_EQ(ddl->command_tag, "CREATE INDEX");
  EXPECT_EQ(ddl->affected, 0);
}

TEST_P(ConnectionTest, MultiStatementReturnsTheLastResult) {
  DbResult<Rows> r =
      conn().Exec("CREATE TABLE m (x int); INSERT INTO m VALUES (7); SELECT x FROM m");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->rows[0][0], "7");
}

TEST_P(ConnectionTest, ServerErrorCarriesSqlstateAndPosition) {
  const std::string sql = "SELECT id\nFROM missing_table";
  DbResult<Rows> r = conn().Exec(sql);
  ASSERT_FALSE(r.ok());
  const DbError& e = r.error();
  EXPECT_EQ(e.kind, ErrorKind::kServer);
  EXPECT_EQ(e.sqlstate, "42P01");
  EXPECT_EQ(e.severity, "ERROR");
  EXPECT_EQ(e.message, "relation \"missing_table\" does not exist");
  EXPECT_EQ(e.position, static_cast<int>(sql.find("missing_table")) + 1);
  EXPECT_EQ(e.OneLine(), "relation \"missing_table\" does not exist (SQLSTATE 42P01)");
  EXPECT_TRUE(conn().is_open());
}

TEST_P(ConnectionTest, PositionInALaterStatementMapsToTheFile) {
  // The position counts characters of the whole text sent, so non-ASCII text before the error
  // must be converted back to bytes to find the line and column.
  const std::string sql =
      "SELECT 'é→ü';\nCREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b nosuchtype;\n";
  DbResult<Rows> r = conn().Exec(sql);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sqlstate, "42704");
  ASSERT_GT(r.error().position, 0);
  const size_t byte = CharIndexToByteOffset(sql, r.error().position);
  EXPECT_EQ(byte, sql.find("nosuchtype"));
  SourceFile file("m.sql", sql);
  EXPECT_EQ(file.Where(byte), "m.sql:3:28");
}

TEST_P(ConnectionTest, FirstErrorStopsAMultiStatementString) {
  DbResult<Rows> r = conn().Exec("CREATE TABLE a1 (x int); SELECT 1/0; CREATE TABLE a2 (x int)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sqlstate, "22012");
  // One implicit transaction: nothing of it remains.
  DbResult<Rows> tables =
      conn().Exec("SELECT count(*) FROM pg_class WHERE relname IN ('a1', 'a2')");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->rows[0][0], "0");
}

TEST_P(ConnectionTest, SyntaxErrorPosition) {
  const std::string sql = "SELECT 1;\nCREATE TABEL x (id int);";
  DbResult<Rows> r = conn().Exec(sql);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sqlstate, "42601");
  EXPECT_EQ(r.error().position, static_cast<int>(sql.find("TABEL")) + 1);
}

TEST_P(ConnectionTest, DetailHintAndObjectNames) {
  ASSERT_TRUE(conn().Exec("CREATE TABLE u (id int CONSTRAINT u_pk PRIMARY KEY, name text)").ok());
  ASSERT_TRUE(conn().Exec("INSERT INTO u VALUES (1, 'a')").ok());
  DbResult<Rows> dup = conn().Exec("INSERT INTO u VALUES (1, 'b')");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().sqlstate, "23505");
  EXPECT_EQ(dup.error().detail, "Key (id)=(1) already exists.");
  EXPECT_EQ(dup.error().constraint_name, "u_pk");
  EXPECT_EQ(dup.error().table_name, "u");
  EXPECT_EQ(dup.error().schema_name, "public");

  DbResult<Rows> typo = conn().Exec("SELECT nmae FROM u");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().sqlstate, "42703");
  EXPECT_THAT(typo.error().hint, HasSubstr("u.name"));
}

TEST_P(ConnectionTest, ErrorInsideAFunctionHasAnInternalPosition) {
  ASSERT_TRUE(conn()
                  .Exec("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS "
                        "$$BEGIN RETURN (SELECT x FROM nowhere); END$$")
                  .ok());
  DbResult<Rows> r = conn().Exec("SELECT f()");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sqlstate, "42P01");
  EXPECT_EQ(r.error().position, 0);
  EXPECT_THAT(r.error().internal_query, HasSubstr("nowhere"));
  EXPECT_EQ(r.error().internal_position,
            static_cast<int>(r.error().internal_query.find("nowhere")) + 1);
  EXPECT_THAT(r.error().context, HasSubstr("PL/pgSQL function f()"));
}

TEST_P(ConnectionTest, ParametersAreBoundAsText) {
  DbResult<Rows> r = conn().Exec("SELECT $1::int + 1 AS n, $2::text IS NULL AS isnull, $3 AS s",
                                 {"41", std::nullopt, "it's; DROP TABLE x"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->Value(0, "n"), "42");
  EXPECT_EQ(r->Value(0, "isnull"), "t");
  EXPECT_EQ(r->Value(0, "s"), "it's; DROP TABLE x");
  DbResult<Rows> bad = conn().Exec("SELECT $1::int", {"nope"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().sqlstate, "22P02");
}

TEST_P(ConnectionTest, NoticesAreCaptured) {
  ASSERT_TRUE(
      conn().Exec("DO $$BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END$$").ok());
  std::vector<Notice> notices = conn().TakeNotices();
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[0].severity, "NOTICE");
  EXPECT_EQ(notices[0].message, "hello 42");
  EXPECT_EQ(notices[1].severity, "WARNING");
  EXPECT_EQ(notices[1].sqlstate, "01000");
  EXPECT_TRUE(conn().TakeNotices().empty());
}

TEST_P(ConnectionTest, CopyInStreamsEveryBuffer) {
  ASSERT_TRUE(conn().Exec("CREATE TABLE c (id int, v text)").ok());
  int sent = 0;
  DbResult<Rows> r = conn().CopyIn("COPY c (id, v) FROM STDIN", [&](std::string& buf) {
    if (sent == 3) return false;
    for (int i = 0; i < 1000; ++i) buf += std::to_string(sent * 1000 + i) + "\trow\n";
    ++sent;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->affected, 3000);
  DbResult<Rows> n = conn().Exec("SELECT count(DISTINCT id), min(v) FROM c");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->rows[0][0], "3000");
  EXPECT_EQ(n->rows[0][1], "row");
}

TEST_P(ConnectionTest, CopyInErrorsLeaveTheConnectionUsable) {
  ASSERT_TRUE(conn().Exec("CREATE TABLE c (id int)").ok());
  bool once = false;
  DbResult<Rows> bad = conn().CopyIn("COPY c FROM STDIN", [&](std::string& buf) {
    buf = "not a number\n";
    return !std::exchange(once, true);
  });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().sqlstate, "22P02");
  DbResult<Rows> missing = conn().CopyIn("COPY nowhere FROM STDIN", [](std::string&) {
    ADD_FAILURE() << "no data is asked for when the COPY does not start";
    return false;
  });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().sqlstate, "42P01");
  DbResult<Rows> not_copy = conn().CopyIn("SELECT 1", [](std::string&) { return false; });
  ASSERT_FALSE(not_copy.ok());
  EXPECT_EQ(not_copy.error().kind, ErrorKind::kClient);
  EXPECT_TRUE(conn().Exec("SELECT 1").ok());
}

TEST_P(ConnectionTest, NotificationsArriveInOrder) {
  ASSERT_TRUE(conn().Exec("LISTEN lockstep_test").ok());
  DbResult<std::vector<Notification>> none =
      conn().WaitForNotifications(std::chrono::milliseconds(10));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  DbResult<Connection> other = db().Connect();
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other
                  ->Exec("SELECT pg_notify('lockstep_test', 'one'), pg_notify('lockstep_test', "
                         "'two')")
                  .ok());
  std::vector<Notification> got;
  for (int i = 0; i < 500 && got.size() < 2; ++i) {
    DbResult<std::vector<Notification>> r =
        conn().WaitForNotifications(std::chrono::milliseconds(20));
    ASSERT_TRUE(r.ok()) << r.status().message();
    got.insert(got.end(), r->begin(), r->end());
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].payload, "one");
  EXPECT_EQ(got[1].payload, "two");
  EXPECT_EQ(got[0].channel, "lockstep_test");
  EXPECT_EQ(got[0].backend_pid, other->backend_pid());
}

TEST_P(ConnectionTest, BackendPidAndServerVersion) {
  DbResult<Rows> r = conn().Exec("SELECT pg_backend_pid()");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0], std::to_string(conn().backend_pid()));
  EXPECT_EQ(conn().server_version_num() / 10000, major());
  DbResult<Rows> v = conn().Exec("SHOW server_version_num");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->rows[0][0], std::to_string(conn().server_version_num()));
}

TEST_P(ConnectionTest, CancelFromAnotherThread) {
  DbResult<Connection> watcher = db().Connect();
  ASSERT_TRUE(watcher.ok()) << watcher.status().message();
  const std::string pid = std::to_string(conn().backend_pid());
  std::thread canceller([&] {
    // Cancel only once the sleep is really running, so the test shows a running statement stops.
    for (int i = 0; i < 2000; ++i) {
      DbResult<Rows> a = watcher->Exec(
          "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE "
          "'%pg_sleep%'",
          {pid});
      if (a.ok() && !a->empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(conn().Cancel());
  });
  const auto start = std::chrono::steady_clock::now();
  DbResult<Rows> r = conn().Exec("SELECT pg_sleep(60)");
  const auto took = std::chrono::steady_clock::now() - start;
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sqlstate, "57014");
  EXPECT_EQ(r.error().kind, ErrorKind::kServer);
  EXPECT_LT(took, std::chrono::seconds(30));
  // The connection stays usable.
  EXPECT_TRUE(conn().Exec("SELECT 1").ok());
}

TEST_P(ConnectionTest, TerminatedBackendIsConnectionLost) {
  DbResult<Connection> other = db().Connect();
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(
      other->Exec("SELECT pg_terminate_backend($1)", {std::to_string(conn().backend_pid())}).ok());
  DbResult<Rows> r = conn().Exec("SELECT 1");
  for (int i = 0; i < 50 && r.ok(); ++i) {  // termination is asynchronous
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    r = conn().Exec("SELECT 1");
  }
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kConnectionLost);
  EXPECT_FALSE(conn().is_open());
  EXPECT_EQ(conn().Exec("SELECT 1").error().kind, ErrorKind::kConnectionLost);
}

TEST_P(ConnectionTest, TcpWithPasswordAndUrl) {
  DbResult<ConnInfo> info = ParseUrl(db().url());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->host, "127.0.0.1");
  DbResult<Connection> c = Connect(*info);
  ASSERT_TRUE(c.ok()) << c.status().message();
  DbResult<Rows> r = c->Exec("SELECT current_database(), inet_server_addr()::text");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0], db().name());
  EXPECT_EQ(r->rows[0][1], "127.0.0.1/32");
}

TEST_P(ConnectionTest, SchemaSetsTheSearchPath) {
  ASSERT_TRUE(
      conn().Exec("CREATE SCHEMA \"Tenant One\"; CREATE TABLE \"Tenant One\".t (x int)").ok());
  DbResult<ConnInfo> info = ParseUrl(db().url() + "?schema=Tenant%20One");
  ASSERT_TRUE(info.ok());
  DbResult<Connection> c = Connect(*info);
  ASSERT_TRUE(c.ok()) << c.status().message();
  DbResult<Rows> r = c->Exec("SELECT current_schema(), (SELECT count(*) FROM t)");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows[0][0], "Tenant One");
}

TEST_P(ConnectionTest, WrongPasswordIsAnAuthErrorWithoutThePassword) {
  ASSERT_TRUE(conn().Exec("CREATE ROLE alice LOGIN PASSWORD 'right-secret-1234'").ok());
  ConnInfo info = db().conninfo();
  info.user = "alice";
  info.password = "wrong-secret-5678";
  DbResult<Connection> c = Connect(info);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kAuth);
  EXPECT_EQ(c.error().sqlstate, "28P01");
  EXPECT_THAT(c.error().message, HasSubstr("alice"));
  EXPECT_THAT(c.error().message, HasSubstr(info.Endpoint()));
  EXPECT_THAT(c.error().message, Not(HasSubstr("wrong-secret-5678")));
  EXPECT_THAT(c.error().message, Not(HasSubstr("right-secret-1234")));
  EXPECT_EQ(c.error().message.find('\n'), std::string::npos);

  info.password = "right-secret-1234";
  DbResult<Connection> ok = Connect(info);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->Exec("SELECT current_user")->rows[0][0], "alice");
}

TEST_P(ConnectionTest, MissingPasswordAndUnknownRoleAreAuthErrors) {
  ConnInfo info = db().conninfo();
  info.password.clear();
  DbResult<Connection> no_password = Connect(info);
  ASSERT_FALSE(no_password.ok());
  EXPECT_EQ(no_password.error().kind, ErrorKind::kAuth) << no_password.error().message;

  ConnInfo role = db().socket_conninfo();
  role.user = "nobody_here";
  DbResult<Connection> unknown = Connect(role);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kAuth) << unknown.error().message;
  EXPECT_THAT(unknown.error().message, HasSubstr("nobody_here"));
}

TEST_P(ConnectionTest, MissingDatabase) {
  ConnInfo info = db().conninfo();
  info.dbname = "no_such_db";
  DbResult<Connection> c = Connect(info);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kNoDatabase) << c.error().message;
  EXPECT_THAT(c.error().message, HasSubstr("no_such_db"));
}

TEST_P(ConnectionTest, QuotingRoundTripsThroughTheServer) {
  const std::string tricky = "it's \"odd\" \\ ; -- é";
  DbResult<Rows> lit = conn().Exec("SELECT " + QuoteLiteral(tricky));
  ASSERT_TRUE(lit.ok()) << lit.status().message();
  EXPECT_EQ(lit->rows[0][0], tricky);
  ASSERT_TRUE(conn().Exec("CREATE TABLE " + QuoteIdent(tricky) + " (x int)").ok());
  DbResult<Rows> rel = conn().Exec("SELECT relname FROM pg_class WHERE relname = $1", {tricky});
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->size(), 1u);
}

// issue 17.15: a URL without a database name connects where Prisma does ("postgres"), not to a
// database named after the user, which rarely exists.
TEST_P(ConnectionTest, UrlWithoutDatabaseConnectsToPostgresAsPrismaDoes) {
  const std::string role = "nodb_" + std::to_string(::getpid());
  ASSERT_TRUE(conn().Exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-4321'").ok());
  ConnInfo base = db().conninfo();
  const std::string url = "postgresql://" + role + ":pw-4321@" + base.host + ":" + base.port;
  DbResult<ConnInfo> info = ParseUrl(url);
  ASSERT_TRUE(info.ok());
  {
    DbResult<Connection> c = Connect(*info);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->Exec("SELECT current_database()")->rows[0][0], "postgres");
  }
  EXPECT_TRUE(conn().Exec("DROP ROLE " + role).ok());
}

INSTANTIATE_TEST_SUITE_P(Pg, ConnectionTest, ::testing::Values(15, 16),
                         lockstep::testing::PgMajorName());

// A loopback port nobody listens on: bound (so no one else takes it) but never listen()ed.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  int port() const { return port_; }
  // Accepts one connection and closes it at once: a server that hangs up.
  void AcceptAndClose() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c >= 0) ::close(c);
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(Connect, UnreachableHostIsAConnectError) {
  ClosedPort closed;
  ASSERT_GT(closed.port(), 0);
  DbResult<ConnInfo> info =
      ParseUrl("postgresql://bob:topsecret99@127.0.0.1:" + std::to_string(closed.port()) + "/db");
  ASSERT_TRUE(info.ok());
  DbResult<Connection> c = Connect(*info);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kConnect);
  EXPECT_THAT(c.error().message, HasSubstr("127.0.0.1:" + std::to_string(closed.port())));
  EXPECT_THAT(c.error().message, HasSubstr("refused"));
  EXPECT_THAT(c.error().message, Not(HasSubstr("topsecret99")));
  EXPECT_EQ(c.error().message.find('\n'), std::string::npos);
}

TEST(Connect, MissingSocketIsAConnectError) {
  DbResult<ConnInfo> info = ParseUrl("postgresql://u@localhost/db?host=/nonexistent/lockstep");
  ASSERT_TRUE(info.ok());
  DbResult<Connection> c = Connect(*info);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kConnect);
  EXPECT_THAT(c.error().message, HasSubstr("/nonexistent/lockstep"));
}

TEST(Connect, BadParameterValueIsInvalidUrl) {
  DbResult<ConnInfo> info = ParseUrl("postgresql://u@127.0.0.1/db?sslmode=sometimes");
  ASSERT_TRUE(info.ok());
  DbResult<Connection> c = Connect(*info);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kInvalidUrl) << c.error().message;
}

TEST(Connect, MovedFromConnectionIsClosed) {
  Result<db::EmbeddedServer*> server = lockstep::testing::SharedPgServer(16);
  ASSERT_TRUE(server.ok()) << server.status().message();
  DbResult<Connection> c = Connect((*server)->socket_conninfo());
  ASSERT_TRUE(c.ok());
  Connection moved = std::move(*c);
  EXPECT_TRUE(moved.is_open());
  EXPECT_FALSE(c->is_open());  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(c->Exec("SELECT 1").error().kind, ErrorKind::kConnectionLost);
}

}  // namespace
}  // namespace lockstep::db

namespace lockstep::db {
namespace {

// A loopback TCP listener that completes handshakes (the kernel's backlog) and never answers:
// a silent server. Close() resets the waiting connections.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }
  // Accepts one connection and closes it at once: a server that hangs up.
  void AcceptAndClose() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c >= 0) ::close(c);
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Connects to `listener` with `url_params` in a thread; the seconds it took, or nullopt when it
// still waited after `limit` (the listener is then closed to free the thread).
std::optional<double> SecondsToGiveUp(SilentListener& listener, const std::string& url_params,
                                      std::chrono::seconds limit) {
  DbResult<ConnInfo> info = ParseUrl(
      "postgresql://u:p@127.0.0.1:" + std::to_string(listener.port()) + "/db?" + url_params);
  EXPECT_TRUE(info.ok());
  ConnectOptions options;
  options.default_connect_timeout_seconds = 2;
  const auto start = std::chrono::steady_clock::now();
  std::atomic<bool> done{false};
  std::thread t([&] {
    DbResult<Connection> c = Connect(*info, options);
    EXPECT_FALSE(c.ok());
    done = true;
  });
  while (!done && std::chrono::steady_clock::now() - start < limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const bool gave_up = done;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  listener.Close();
  t.join();
  if (!gave_up) return std::nullopt;
  return seconds;
}

// issue 17.14: libpq's wrapped hint ("...terminated abnormally\n\tbefore or while processing
// the request.") came out as "abnormally; before or while ...". A listener that accepts and
// closes at once makes libpq say it.
TEST(ConnectError, WrappedLibpqHintReadsAsOneSentence) {
  SilentListener listener;
  std::thread closer([&] { listener.AcceptAndClose(); });
  DbResult<ConnInfo> info = ParseUrl(
      "postgresql://u:p@127.0.0.1:" + std::to_string(listener.port()) + "/db?sslmode=disable");
  ASSERT_TRUE(info.ok());
  DbResult<Connection> c = Connect(*info);
  closer.join();
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("server closed the connection unexpectedly"));
  EXPECT_THAT(c.error().message, Not(HasSubstr("abnormally;")));
  EXPECT_THAT(c.error().message, HasSubstr("abnormally before or while processing the request)"));
}

// issue 17.7: connect_timeout=0 (Prisma's "none") against a host that accepts and never answers
// waited forever. It now gets the default bound; only LOCKSTEP_CONNECT_TIMEOUT=none waits on.
TEST(ConnectTimeout, ZeroGetsTheDefaultBound) {
  ::unsetenv("LOCKSTEP_CONNECT_TIMEOUT");
  for (const char* params : {"connect_timeout=0", "connect_timeout=-1", "sslmode=disable"}) {
    SilentListener listener;
    std::optional<double> s = SecondsToGiveUp(listener, params, std::chrono::seconds(15));
    ASSERT_TRUE(s.has_value()) << params << ": still waiting after 15 s";
    EXPECT_LT(*s, 6.0) << params;
  }
}

TEST(ConnectTimeout, NoneIsSaidExplicitly) {
  ::setenv("LOCKSTEP_CONNECT_TIMEOUT", "none", 1);
  SilentListener listener;
  std::optional<double> s = SecondsToGiveUp(listener, "connect_timeout=0", std::chrono::seconds(5));
  ::unsetenv("LOCKSTEP_CONNECT_TIMEOUT");
  EXPECT_FALSE(s.has_value()) << "gave up after " << *s << " s";
}

}  // namespace
}  // namespace lockstep::db

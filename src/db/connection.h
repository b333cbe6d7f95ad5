// An owned libpq connection (RAII). Text in, text out: statement results are small `Rows` values,
// failures are DbErrors carrying the server's SQLSTATE, message, detail, hint and position.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/error.h"
#include "db/url.h"

namespace lockstep::db {

// A statement's result. Values are the server's text form; NULL is nullopt.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  // Rows affected by INSERT/UPDATE/DELETE/MERGE/SELECT/MOVE/FETCH/COPY (PQcmdTuples); else 0.
  int64_t affected = 0;
  std::string command_tag;  // e.g. "INSERT 0 1", "CREATE INDEX"

  size_t size() const { return rows.size(); }
  bool empty() const { return rows.empty(); }
  // Index of the first column named `name`, or -1.
  int ColumnIndex(std::string_view name) const;
  // rows[row][column]; nullopt for NULL and for an unknown column name.
  std::optional<std::string> Value(size_t row, std::string_view column) const;
};

// A NOTICE/WARNING/INFO/... the server sent while a statement ran.
struct Notice {
  std::string severity;  // "NOTICE", "WARNING", ...
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
};

// A NOTIFY received on a channel the connection LISTENs to.
struct Notification {
  int backend_pid = 0;  // of the notifying session
  std::string channel;
  std::string payload;
};

struct ConnectOptions {
  // Used when the URL has no connect_timeout (Prisma's default) or one of 0 or less, which would
  // let libpq wait forever for a host that drops packets or never answers. The environment
  // variable LOCKSTEP_CONNECT_TIMEOUT=none is the explicit way to wait forever.
  int default_connect_timeout_seconds = 5;
  // When the ConnInfo names a Prisma schema, run `SET search_path TO "<schema>"` after connecting,
  // as Prisma does.
  bool apply_schema = true;
  std::string application_name = "lockstep";  // fallback_application_name
  // The server ends the session when it stays idle inside a transaction this long, so that a
  // client cut off by a frozen network (or killed) does not leave its locks held for the TCP
  // timeout of the kernel (hours). Lockstep never waits between the statements of one of its
  // transactions (it sends the next one at once, or ROLLBACK before waiting to retry), so any
  // gap of seconds means the client is gone. 0 leaves the server's setting. A smaller setting of
  // the role or server is kept.
  int idle_in_transaction_timeout_ms = 5000;
  // While a statement runs the server sends nothing, for as long as the statement takes. After
  // this much silence the client checks that the server still answers new connections
  // (PQpingParams, bounded by connect_timeout) and gives up on the connection (kConnectionLost)
  // when it does not: a frozen network then ends the command instead of hanging it. A server
  // that answers is busy with a long statement, and the wait goes on. 0: wait forever.
  int silent_server_probe_ms = 10000;
  // A connection that only watches others (deploy's monitor): its statements are canceled like
  // any other on an interrupt, but not listed as work that was interrupted (CancelAllAndFreeze).
  bool observer = false;
};

// Thread-compatible: one thread at a time may use a Connection, except Cancel(), which any thread
// may call while the Connection is alive. Movable, not copyable; the destructor closes it.
class Connection {
 public:
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Runs `sql` with the simple query protocol: it may hold several statements, which then run
  // in one implicit transaction unless they manage their own (so e.g. CREATE INDEX CONCURRENTLY
  // must be sent alone). Returns the last statement's result, or the first error; an error's
  // position counts characters from the start of `sql`. COPY ... FROM STDIN fails; COPY ... TO
  // STDOUT output is discarded.
  DbResult<Rows> Exec(std::string_view sql);
  // Runs one statement with the extended protocol; $1.. are bound to `params` as text (nullopt is
  // NULL), their types inferred by the server.
  DbResult<Rows> Exec(std::string_view sql, const std::vector<std::optional<std::string>>& params);

  // Runs `sql`, one COPY ... FROM STDIN, and streams the data that `next` produces: `next` is
  // called with an empty buffer until it returns false, and each buffer it filled is sent as is
  // (in the format the COPY names). Returns the COPY's result (`affected` is the row count). A
  // statement that is not a COPY FROM STDIN fails with kClient; the connection stays usable.
  DbResult<Rows> CopyIn(std::string_view sql, const std::function<bool(std::string&)>& next);

  // Waits up to `timeout` for notifications on the channels this connection LISTENs to (run
  // `LISTEN channel` with Exec first) and returns those received, oldest first; empty when none
  // came. Fails with kConnectionLost when the connection broke.
  DbResult<std::vector<Notification>> WaitForNotifications(std::chrono::milliseconds timeout);

  // Asks the server to cancel the statement this connection is running (PQcancel). Safe to call
  // from any thread, also when nothing runs (then a no-op on the server). The canceled statement
  // fails with SQLSTATE 57014. Returns false when the request could not be sent.
  bool Cancel();

  // Notices received since the last call, oldest first.
  std::vector<Notice> TakeNotices();

  int backend_pid() const;
  int server_version_num() const;  // e.g. 160004
  // False after Close(), when the connection broke, or when the client gave up on a server that
  // stopped answering (ConnectOptions::silent_server_probe_ms).
  bool is_open() const;
  const ConnInfo& info() const;
  void Close();

 private:
  struct State;
  explicit Connection(std::unique_ptr<State> state);
  friend DbResult<Connection> Connect(const ConnInfo& info, const ConnectOptions& options);
  std::unique_ptr<State> s_;
};

// Connects. Failures are kConnect (unreachable), kAuth (credentials or role rejected),
// kNoDatabase, kServer (e.g. too many connections) or kInvalidUrl (bad parameters); the message
// is one line, names the endpoint and never contains the password.
DbResult<Connection> Connect(const ConnInfo& info, const ConnectOptions& options = {});

// Cancels the statement running on every open Connection of the process (PQcancel) and, from
// now on, makes every other thread that calls Exec wait for the end of the process, so that
// nothing more is sent (the calling thread may go on connecting and running statements). Returns
// the statements canceled, each cut to its first line. For db/interrupt.h.
std::vector<std::string> CancelAllAndFreeze();

}  // namespace lockstep::db

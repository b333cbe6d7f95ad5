#include "db/connection.h"

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <mutex>

#include "base/quote.h"

namespace lockstep::db {
namespace {

// How a connection notices a server that fell silent (see AwaitResult).
struct Liveness {
  // What the connection was opened with (password included), to ask whether the server still
  // answers new connections.
  std::vector<std::pair<std::string, std::string>> params;
  int silent_server_probe_ms = 0;
  std::string endpoint;
  bool gave_up = false;  // set when the server was found silent: the connection is useless
};

// What another thread needs to cancel a connection's statement (Connection::Cancel,
// CancelAllAndFreeze).
struct CancelHandle {
  std::mutex mu;  // guards the fields against Close() and Exec() in another thread
  PGcancel* cancel = nullptr;
  std::string running;    // the query being run, empty between queries
  bool observer = false;  // ConnectOptions::observer
};

// Every open connection of the process, for CancelAllAndFreeze.
std::mutex g_open_mu;
std::vector<CancelHandle*> g_open;
// Set by CancelAllAndFreeze: from then on only the thread that called it (g_exempt) may use a
// connection.
std::atomic<bool> g_frozen{false};
thread_local bool g_exempt = false;

// Waits for the end of the process (CancelAllAndFreeze's promise: nothing more is sent).
[[noreturn]] void HoldForever() {
  for (;;) pause();
}

void HoldIfFrozen() {
  if (g_frozen && !g_exempt) HoldForever();
}

}  // namespace

struct Connection::State {
  PGconn* conn = nullptr;
  ConnInfo info;
  CancelHandle handle;
  std::vector<Notice> notices;
  Liveness liveness;

  ~State() { Close(); }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(g_open_mu);
      std::erase(g_open, &handle);
    }
    {
      std::lock_guard<std::mutex> lock(handle.mu);
      if (handle.cancel != nullptr) PQfreeCancel(handle.cancel);
      handle.cancel = nullptr;
    }
    if (conn != nullptr) PQfinish(conn);
    conn = nullptr;
  }
};

namespace {

std::string Field(const PGresult* res, int code) {
  const char* v = PQresultErrorField(res, code);
  return v ? v : "";
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// libpq messages end in a newline and may carry indented hint lines; users get one line. A
// password is never echoed by libpq, but the check costs nothing and the promise is absolute.
// Indented lines are libpq's hints ("\tIs the server running ...?") and go in parentheses. A hint
// may be one sentence wrapped over several lines ("\tThis probably means the server terminated
// abnormally\n\tbefore or while processing the request."): a line that does not end a sentence
// continues on the next one with a space, not "; ". The hints' final period goes.
std::string OneLine(const std::string& msg, const std::string& password) {
  std::string main;
  std::string hints;
  size_t start = 0;
  auto ends_sentence = [](const std::string& s) {
    return s.empty() || s.back() == '.' || s.back() == '?' || s.back() == '!' || s.back() == ':';
  };
  while (start < msg.size()) {
    size_t end = msg.find('\n', start);
    if (end == std::string::npos) end = msg.size();
    std::string line = msg.substr(start, end - start);
    start = end + 1;
    const bool hint = !line.empty() && line[0] == '\t';
    line.erase(0, line.find_first_not_of(" \t"));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty()) continue;
    std::string& to = hint ? hints : main;
    const bool continues = hint && !ends_sentence(to);
    if (!to.empty()) to += continues ? " " : "; ";
    if (hint && !continues)
      line[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(line[0])));
    to += line;
  }
  if (!hints.empty() && hints.back() == '.') hints.pop_back();
  std::string out = hints.empty() ? main : main + " (" + hints + ")";
  if (password.size() >= 3) ReplaceAll(out, password, "****");
  return out;
}

DbError ErrorFromResult(const PGresult* res, PGconn* conn, const std::string& password) {
  DbError e;
  e.kind = ErrorKind::kServer;
  e.sqlstate = Field(res, PG_DIAG_SQLSTATE);
  e.severity = Field(res, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (e.severity.empty()) e.severity = Field(res, PG_DIAG_SEVERITY);
  e.message = Field(res, PG_DIAG_MESSAGE_PRIMARY);
  if (e.message.empty()) e.message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  e.message = OneLine(e.message, password);
  e.detail = Field(res, PG_DIAG_MESSAGE_DETAIL);
  e.hint = Field(res, PG_DIAG_MESSAGE_HINT);
  e.context = Field(res, PG_DIAG_CONTEXT);
  e.schema_name = Field(res, PG_DIAG_SCHEMA_NAME);
  e.table_name = Field(res, PG_DIAG_TABLE_NAME);
  e.column_name = Field(res, PG_DIAG_COLUMN_NAME);
  e.constraint_name = Field(res, PG_DIAG_CONSTRAINT_NAME);
  e.position = std::atoi(Field(res, PG_DIAG_STATEMENT_POSITION).c_str());
  e.internal_position = std::atoi(Field(res, PG_DIAG_INTERNAL_POSITION).c_str());
  e.internal_query = Field(res, PG_DIAG_INTERNAL_QUERY);
  if (PQstatus(conn) == CONNECTION_BAD) e.kind = ErrorKind::kConnectionLost;
  return e;
}

DbError ClientError(ErrorKind kind, std::string message) {
  DbError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

Rows RowsFromResult(const PGresult* res) {
  Rows rows;
  const int ncols = PQnfields(res);
  const int nrows = PQntuples(res);
  rows.columns.reserve(ncols);
  for (int c = 0; c < ncols; ++c) rows.columns.emplace_back(PQfname(res, c));
  rows.rows.resize(nrows);
  for (int r = 0; r < nrows; ++r) {
    auto& row = rows.rows[r];
    row.reserve(ncols);
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(res, r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
      }
    }
  }
  rows.command_tag = PQcmdStatus(const_cast<PGresult*>(res));
  rows.affected = std::atoll(PQcmdTuples(const_cast<PGresult*>(res)));
  return rows;
}

// Whether the server of `s` answers a new connection attempt within connect_timeout. It never
// logs in: libpq stops at the server's first reply.
bool ServerAnswers(const Liveness& l) {
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : l.params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  const PGPing ping = PQpingParams(keys.data(), values.data(), /*expand_dbname=*/0);
  return ping == PQPING_OK || ping == PQPING_REJECT;
}

// Waits until PQgetResult will not block. A statement may run for hours with nothing on the
// wire, so silence alone proves nothing; silence and a server that no longer answers new
// connections mean the network (or the host) is gone, and then the wait gives up with an error.
// A broken connection is left for PQgetResult to report.
std::optional<DbError> AwaitResult(PGconn* conn, Liveness& l) {
  while (PQisBusy(conn)) {
    pollfd fd{PQsocket(conn), POLLIN, 0};
    if (fd.fd < 0) return std::nullopt;
    const int n = poll(&fd, 1, l.silent_server_probe_ms > 0 ? l.silent_server_probe_ms : -1);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      if (ServerAnswers(l)) continue;
      l.gave_up = true;
      return ClientError(ErrorKind::kConnectionLost,
                         "the server at " + l.endpoint + " sent nothing for " +
                             std::to_string(l.silent_server_probe_ms / 1000) +
                             " s and does not answer new connections either (a frozen network?); "
                             "lockstep closed the connection");
    }
    if (n < 0 || !PQconsumeInput(conn)) return std::nullopt;
  }
  return std::nullopt;
}

// Collects every result of the query just sent. The first error wins (the server runs nothing
// after it); otherwise the last result is returned.
DbResult<Rows> CollectResults(PGconn* conn, const std::string& password, Liveness& liveness) {
  std::optional<DbError> error;
  Rows last;
  for (;;) {
    if (std::optional<DbError> silent = AwaitResult(conn, liveness)) return *silent;
    PGresult* res = PQgetResult(conn);
    if (res == nullptr) break;
    switch (PQresultStatus(res)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        if (!error) last = RowsFromResult(res);
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_BOTH:
        PQputCopyEnd(conn, "COPY FROM STDIN is not supported by lockstep");
        break;
      case PGRES_COPY_OUT: {
        char* buf = nullptr;
        while (PQgetCopyData(conn, &buf, 0) > 0) PQfreemem(buf);
        break;
      }
      default:
        if (!error) error = ErrorFromResult(res, conn, password);
        break;
    }
    PQclear(res);
    if (PQstatus(conn) == CONNECTION_BAD) break;
  }
  if (error) {
    if (PQstatus(conn) == CONNECTION_BAD) error->kind = ErrorKind::kConnectionLost;
    return *error;
  }
  if (PQstatus(conn) == CONNECTION_BAD) {
    return ClientError(ErrorKind::kConnectionLost, "the connection to the server was lost: " +
                                                       OneLine(PQerrorMessage(conn), password));
  }
  return last;
}

void ReceiveNotice(void* arg, const PGresult* res) {
  auto* notices = static_cast<std::vector<Notice>*>(arg);
  Notice n;
  n.severity = Field(res, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (n.severity.empty()) n.severity = Field(res, PG_DIAG_SEVERITY);
  n.sqlstate = Field(res, PG_DIAG_SQLSTATE);
  n.message = Field(res, PG_DIAG_MESSAGE_PRIMARY);
  n.detail = Field(res, PG_DIAG_MESSAGE_DETAIL);
  n.hint = Field(res, PG_DIAG_MESSAGE_HINT);
  notices->push_back(std::move(n));
}

bool Contains(const std::string& s, const char* needle) {
  return s.find(needle) != std::string::npos;
}

// libpq has no SQLSTATE for connection failures, only text: the server's FATAL message (sent in
// lc_messages of the server, English in practice) or libpq's own. Unrecognized server replies are
// kServer; anything without one means the server was never reached.
DbError ConnectError(PGconn* conn, const ConnInfo& info) {
  std::string raw = conn ? PQerrorMessage(conn) : "out of memory";
  // libpq tries every address of a host and reports each; the last attempt says the most.
  while (!raw.empty() && raw.back() == '\n') raw.pop_back();
  const size_t last_attempt = raw.rfind("\nconnection to server ");
  if (last_attempt != std::string::npos) raw = raw.substr(last_attempt + 1);
  std::string reason = raw;
  if (const size_t failed = reason.find(" failed: ");
      failed != std::string::npos && reason.rfind("connection to server ", 0) == 0) {
    reason = reason.substr(failed + 9);
  }
  const bool from_server = reason.rfind("FATAL:", 0) == 0 || reason.rfind("ERROR:", 0) == 0;
  if (from_server) {
    reason = reason.substr(6);
    reason.erase(0, reason.find_first_not_of(' '));
  }
  reason = OneLine(reason, info.password);

  DbError e;
  const std::string user =
      info.user.empty() ? std::string("the default user") : '"' + info.user + '"';
  if (Contains(reason, "password authentication failed") ||
      Contains(reason, "no password supplied") || Contains(reason, "no pg_hba.conf entry") ||
      Contains(reason, "authentication failed") || Contains(reason, "SCRAM") ||
      (Contains(reason, "role \"") && Contains(reason, "does not exist")) ||
      Contains(reason, "is not permitted to log in")) {
    e.kind = ErrorKind::kAuth;
    e.sqlstate = "28P01";
    if (Contains(reason, "no pg_hba.conf entry") || Contains(reason, "role \"") ||
        Contains(reason, "not permitted to log in")) {
      e.sqlstate = "28000";
    }
    e.message = "authentication failed for user " + user + " at " + info.Endpoint() + ": " + reason;
  } else if (Contains(reason, "database \"") && Contains(reason, "does not exist")) {
    e.kind = ErrorKind::kNoDatabase;
    e.sqlstate = "3D000";
    e.message = reason + " at " + info.Endpoint();
  } else if (Contains(reason, "invalid connection option") || Contains(reason, "invalid sslmode") ||
             Contains(reason, "invalid value for parameter") ||
             Contains(reason, "invalid integer value")) {
    e.kind = ErrorKind::kInvalidUrl;
    e.message = "invalid connection parameters: " + reason;
  } else if (from_server && !Contains(reason, "starting up") &&
             !Contains(reason, "shutting down") && !Contains(reason, "in recovery mode")) {
    e.kind = ErrorKind::kServer;
    e.message = "the server at " + info.Endpoint() + " refused the connection: " + reason;
  } else {
    e.kind = ErrorKind::kConnect;
    e.message = "cannot connect to " + info.Endpoint() + ": " + reason;
  }
  return e;
}

}  // namespace

int Rows::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<std::string> Rows::Value(size_t row, std::string_view column) const {
  const int c = ColumnIndex(column);
  if (c < 0 || row >= rows.size()) return std::nullopt;
  return rows[row][c];
}

Connection::Connection(std::unique_ptr<State> state) : s_(std::move(state)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

// Sends `text` with `send` unless the process is frozen, recording it as running meanwhile: under
// the handle's lock, so that CancelAllAndFreeze sees every query that reached the server.
template <typename Send>
bool SendRecorded(CancelHandle& handle, const std::string& text, Send send) {
  std::unique_lock<std::mutex> lock(handle.mu);
  if (g_frozen && !g_exempt) {
    lock.unlock();
    HoldForever();
  }
  handle.running = text;
  return send();
}

void DoneRunning(CancelHandle& handle) {
  {
    std::lock_guard<std::mutex> lock(handle.mu);
    handle.running.clear();
  }
  // A canceled statement's error must not reach the caller, which could act on it (record a
  // failure, retry): the process is about to end.
  HoldIfFrozen();
}

DbResult<Rows> Connection::Exec(std::string_view sql) {
  if (!is_open()) return ClientError(ErrorKind::kConnectionLost, "the connection is closed");
  const std::string text(sql);
  if (!SendRecorded(s_->handle, text, [&] { return PQsendQuery(s_->conn, text.c_str()) == 1; })) {
    DoneRunning(s_->handle);
    return ErrorFromResult(nullptr, s_->conn, s_->info.password);
  }
  DbResult<Rows> r = CollectResults(s_->conn, s_->info.password, s_->liveness);
  DoneRunning(s_->handle);
  // Closing makes is_open() false and lets the server see the end of the session, whenever the
  // network lets the FIN through.
  if (s_->liveness.gave_up) s_->Close();
  return r;
}

DbResult<Rows> Connection::Exec(std::string_view sql,
                                const std::vector<std::optional<std::string>>& params) {
  if (!is_open()) return ClientError(ErrorKind::kConnectionLost, "the connection is closed");
  const std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (!SendRecorded(s_->handle, text, [&] {
        return PQsendQueryParams(s_->conn, text.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0) == 1;
      })) {
    DoneRunning(s_->handle);
    return ErrorFromResult(nullptr, s_->conn, s_->info.password);
  }
  DbResult<Rows> r = CollectResults(s_->conn, s_->info.password, s_->liveness);
  DoneRunning(s_->handle);
  // Closing makes is_open() false and lets the server see the end of the session, whenever the
  // network lets the FIN through.
  if (s_->liveness.gave_up) s_->Close();
  return r;
}

DbResult<Rows> Connection::CopyIn(std::string_view sql,
                                  const std::function<bool(std::string&)>& next) {
  if (!is_open()) return ClientError(ErrorKind::kConnectionLost, "the connection is closed");
  PGconn* conn = s_->conn;
  const std::string& password = s_->info.password;
  const std::string text(sql);
  if (!PQsendQuery(conn, text.c_str())) return ErrorFromResult(nullptr, conn, password);
  PGresult* first = PQgetResult(conn);
  if (first == nullptr || PQresultStatus(first) != PGRES_COPY_IN) {
    std::optional<DbError> error;
    if (first != nullptr && PQresultStatus(first) != PGRES_COMMAND_OK &&
        PQresultStatus(first) != PGRES_TUPLES_OK && PQresultStatus(first) != PGRES_EMPTY_QUERY)
      error = ErrorFromResult(first, conn, password);
    PQclear(first);
    DbResult<Rows> rest =
        CollectResults(conn, password, s_->liveness);  // whatever else the text started
    if (error) return *error;
    if (!rest.ok()) return rest;
    return ClientError(ErrorKind::kClient, "not a COPY ... FROM STDIN: " + text);
  }
  PQclear(first);
  std::string buf;
  std::optional<DbError> send_error;
  while (next(buf)) {
    if (PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) != 1) {
      send_error =
          ClientError(ErrorKind::kConnectionLost,
                      "sending COPY data failed: " + OneLine(PQerrorMessage(conn), password));
      break;
    }
    buf.clear();
  }
  // Ending the COPY (with an error message when sending failed) brings the connection back to
  // idle, so that it stays usable after a failure.
  if (PQputCopyEnd(conn, send_error ? "lockstep stopped sending COPY data" : nullptr) != 1) {
    return ClientError(ErrorKind::kConnectionLost,
                       "ending COPY failed: " + OneLine(PQerrorMessage(conn), password));
  }
  DbResult<Rows> result = CollectResults(conn, password, s_->liveness);
  if (send_error) return *send_error;
  return result;
}

DbResult<std::vector<Notification>> Connection::WaitForNotifications(
    std::chrono::milliseconds timeout) {
  if (!is_open()) return ClientError(ErrorKind::kConnectionLost, "the connection is closed");
  PGconn* conn = s_->conn;
  const int fd = PQsocket(conn);
  if (fd < 0) return ClientError(ErrorKind::kConnectionLost, "the connection is closed");
  pollfd p{fd, POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (!PQconsumeInput(conn)) {
    return ClientError(ErrorKind::kConnectionLost,
                       "the connection to the server was lost: " +
                           OneLine(PQerrorMessage(conn), s_->info.password));
  }
  std::vector<Notification> out;
  while (PGnotify* n = PQnotifies(conn)) {
    out.push_back({n->be_pid, n->relname ? n->relname : "", n->extra ? n->extra : ""});
    PQfreemem(n);
  }
  return out;
}

bool Connection::Cancel() {
  if (!s_) return false;
  std::lock_guard<std::mutex> lock(s_->handle.mu);
  if (s_->handle.cancel == nullptr) return false;
  char errbuf[256];
  return PQcancel(s_->handle.cancel, errbuf, sizeof errbuf) == 1;
}

std::vector<std::string> CancelAllAndFreeze() {
  g_exempt = true;
  g_frozen = true;
  std::vector<std::string> canceled;
  std::lock_guard<std::mutex> open_lock(g_open_mu);
  for (CancelHandle* h : g_open) {
    std::lock_guard<std::mutex> lock(h->mu);
    if (h->running.empty() || h->cancel == nullptr) continue;
    char errbuf[256];
    if (PQcancel(h->cancel, errbuf, sizeof errbuf) != 1 || h->observer) continue;
    std::string first = h->running.substr(0, h->running.find('\n'));
    if (first.size() > 100) first = first.substr(0, 97) + "...";
    canceled.push_back(std::move(first));
  }
  return canceled;
}

std::vector<Notice> Connection::TakeNotices() {
  if (!s_) return {};
  return std::exchange(s_->notices, {});
}

int Connection::backend_pid() const { return is_open() ? PQbackendPID(s_->conn) : 0; }
int Connection::server_version_num() const { return is_open() ? PQserverVersion(s_->conn) : 0; }
bool Connection::is_open() const {
  return s_ && s_->conn != nullptr && PQstatus(s_->conn) == CONNECTION_OK;
}
const ConnInfo& Connection::info() const {
  static const ConnInfo kEmpty;
  return s_ ? s_->info : kEmpty;
}
void Connection::Close() {
  if (s_) s_->Close();
}

DbResult<Connection> Connect(const ConnInfo& info, const ConnectOptions& options) {
  std::vector<std::pair<std::string, std::string>> params = info.LibpqParams();
  auto has = [&](std::string_view key) {
    return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == key; });
  };
  // Server error positions count characters; UTF-8 lets callers map them to bytes of the file.
  if (!has("client_encoding")) params.emplace_back("client_encoding", "UTF8");
  // libpq waits forever for a host that accepts and never answers when connect_timeout is
  // absent, 0 or negative. Prisma URLs often carry connect_timeout=0 (Prisma's "no timeout"), yet
  // a deploy must never hang on a silent host: such a value gets the default bound too, unless
  // the user says "none" explicitly with LOCKSTEP_CONNECT_TIMEOUT=none.
  const bool unbounded_asked = [] {
    const char* env = std::getenv("LOCKSTEP_CONNECT_TIMEOUT");
    return env != nullptr && std::string_view(env) == "none";
  }();
  auto timeout = std::find_if(params.begin(), params.end(),
                              [](const auto& p) { return p.first == "connect_timeout"; });
  if (options.default_connect_timeout_seconds > 0 && !unbounded_asked) {
    const std::string bound = std::to_string(options.default_connect_timeout_seconds);
    if (timeout == params.end()) {
      params.emplace_back("connect_timeout", bound);
    } else if (std::atoi(timeout->second.c_str()) <= 0 &&
               timeout->second.find_first_not_of("-0123456789 ") == std::string::npos) {
      timeout->second = bound;  // a non-number stays, for libpq to reject
    }
  }
  // The kernel's defaults notice a dead peer after about two hours; these bound it to about 30 s
  // on this side (libpq ignores them for unix sockets). A URL's own values win.
  for (const auto& [key, value] : {std::pair<const char*, const char*>{"keepalives", "1"},
                                   {"keepalives_idle", "10"},
                                   {"keepalives_interval", "5"},
                                   {"keepalives_count", "3"},
                                   {"tcp_user_timeout", "30000"}}) {
    if (!has(key)) params.emplace_back(key, value);
  }
  if (!has("fallback_application_name")) {
    params.emplace_back("fallback_application_name", options.application_name);
  }
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  auto state = std::make_unique<Connection::State>();
  state->info = info;
  state->conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (state->conn == nullptr || PQstatus(state->conn) != CONNECTION_OK) {
    return ConnectError(state->conn, info);
  }
  PQsetNoticeReceiver(state->conn, ReceiveNotice, &state->notices);
  state->handle.cancel = PQgetCancel(state->conn);
  state->handle.observer = options.observer;
  {
    std::lock_guard<std::mutex> lock(g_open_mu);
    g_open.push_back(&state->handle);
  }
  state->liveness.params = std::move(params);
  state->liveness.silent_server_probe_ms = options.silent_server_probe_ms;
  state->liveness.endpoint = info.Endpoint();
  Connection conn(std::move(state));
  // The same bounds on the server's side, so that the server ends a session whose client was cut
  // off: keepalives and tcp_user_timeout when the peer vanishes, and a session left idle inside
  // a transaction (which would hold its locks, and block the application, for as long as the
  // dead connection lingers) after idle_in_transaction_timeout_ms.
  // A parameter the server does not know (tcp_user_timeout before PostgreSQL 12) is skipped.
  const std::string idle_ms = std::to_string(options.idle_in_transaction_timeout_ms);
  std::string setup =
      "SELECT pg_catalog.set_config(name, b.value, false) FROM (VALUES "
      "('tcp_keepalives_idle', '10'), ('tcp_keepalives_interval', '5'), "
      "('tcp_keepalives_count', '3'), ('tcp_user_timeout', '30000')";
  if (options.idle_in_transaction_timeout_ms > 0) {
    setup += ", ('idle_in_transaction_session_timeout', '" + idle_ms + "')";
  }
  setup +=
      ") AS b (name, value) JOIN pg_catalog.pg_settings s USING (name) WHERE name <> "
      "'idle_in_transaction_session_timeout' OR s.setting::bigint NOT BETWEEN 1 AND " +
      idle_ms;
  if (options.apply_schema && !info.schema.empty()) {
    setup += "; SET search_path TO " + QuoteIdent(info.schema);
  }
  DbResult<Rows> set = conn.Exec(setup);
  if (!set.ok()) return set.error();
  return conn;
}

}  // namespace lockstep::db

// The measured part of `lockstep verify`: C libpq clients sending point reads, updates and
// inserts to the tables a migration touches, each request timed; a monitor that sees when each
// migration statement starts; an optional long read transaction ("a report").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "db/connection.h"
#include "verify/datagen.h"

namespace lockstep::verify {

using Clock = std::chrono::steady_clock;

enum class Op : uint8_t { kRead, kUpdate, kInsert };
const char* OpName(Op op);  // "read", "update", "insert"
inline bool IsWrite(Op op) { return op != Op::kRead; }

// One request as a client saw it. Times are microseconds since the run's start.
struct Request {
  int64_t start_us = 0;
  int64_t latency_us = 0;
  uint16_t table = 0;  // index into FillPlan::tables
  Op op = Op::kRead;
  bool ok = true;
};

struct WorkloadOptions {
  int clients = 8;
  double rate_per_client = 100;  // requests per second; a blocked client does not catch up
  uint64_t seed = 1;
  // Point reads only: the workload of a hot standby (verify --replica), which refuses writes.
  bool reads_only = false;
  std::string application_name = "lockstep verify (workload)";
};

// Runs the clients until StopAt. With three clients or more, client i sends one kind of request
// (i % 3: read, update, insert), round robin over every workload table of the plan; with fewer,
// each client rotates through every kind. Reads and updates address a random loaded row by its key
// (by the first row when the table has no key); inserts add rows with fresh row ids, so that
// foreign-key constraints hold, and say ON CONFLICT DO NOTHING, so that a unique index over
// columns whose values wrap (foreign keys, enums) turns a duplicate into a no-op, not a failure.
class Workload {
 public:
  // Connects every client (before returning), then starts them at `t0`.
  static Result<std::unique_ptr<Workload>> Start(const db::ConnInfo& info, const FillPlan& plan,
                                                 const WorkloadOptions& options,
                                                 Clock::time_point t0);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  // Clients send no request that would start after `t`; a request in flight finishes first.
  void StopAt(Clock::time_point t);
  // Waits for every client; returns all requests ordered by start. Call once.
  std::vector<Request> Join();
  // Server process ids of the clients (so the monitor can tell them from the migration).
  const std::vector<int>& backend_pids() const { return pids_; }
  // Up to a few distinct error messages of failed requests.
  std::vector<std::string> errors() const;

 private:
  struct Client;
  Workload() = default;
  void RunClient(size_t i);

  const FillPlan* plan_ = nullptr;
  WorkloadOptions options_;
  Clock::time_point t0_;
  // Nanoseconds after t0_; "never" is a day, far enough and free of overflow.
  std::atomic<int64_t> stop_ns_{int64_t{86400} * 1000000000};
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::thread> threads_;
  std::vector<int> pids_;
  std::unique_ptr<std::atomic<int64_t>[]> next_insert_;  // per table: the next fresh row id
  bool joined_ = false;
};

// A statement of the migration as the server ran it (pg_stat_activity.query_start).
struct StatementStart {
  double t_ms = 0;   // since the run's start
  std::string text;  // one line, shortened
  // When the command ended (its ddl_command_end event trigger), for a statement seen through a
  // statement mark; nullopt for one seen by polling only (no end is known for those).
  std::optional<double> end_ms;
};
// A span during which the migration's session waited for a lock.
struct LockWait {
  double start_ms = 0;
  double end_ms = 0;
};

// Installs, in the database behind `conn`, event triggers that report the start (and the objects)
// of every DDL command through NOTIFY, with the server's clock_timestamp(): the Monitor then
// sees each statement of a migration, even inside a file sent as one query. They live in their
// own schema, `lockstep_verify`. Needs a superuser; without one the Monitor falls back to what
// it sees in pg_stat_activity.
Status InstallStatementMarks(db::Connection& conn);

// Watches the migration in the run's database: LISTENs for the marks of InstallStatementMarks
// and polls pg_stat_activity every `interval` for the statements of every client backend that is
// not excluded (the workload, the report, itself), and for lock waits. Polling sees statements
// that ran at least as long as the interval, and those that never committed (a lock-timeout
// attempt); the marks see every committed DDL command. Statements that only do bookkeeping
// (_prisma_migrations, SET, BEGIN/COMMIT, advisory locks, catalog look-ups) are left out.
class Monitor {
 public:
  static Result<std::unique_ptr<Monitor>> Start(const db::ConnInfo& info,
                                                std::vector<int> excluded_pids,
                                                Clock::time_point t0,
                                                std::chrono::milliseconds interval);
  ~Monitor();
  // Stops polling; returns what was seen.
  void Stop(std::vector<StatementStart>* statements, std::vector<LockWait>* waits);

 private:
  Monitor() = default;
  void Loop();
  void Listen();
  struct Mark {
    int pid = 0;
    double t_ms = 0;
    std::string text;
    std::optional<double> end_ms;  // a mark's command end; none for a polled statement
  };

  std::optional<db::Connection> conn_;
  std::string excluded_;  // '{1,2,3}'
  Clock::time_point t0_;
  double t0_epoch_ = 0;  // the wall clock at t0, seconds since the epoch
  std::chrono::milliseconds interval_{10};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::thread listener_;
  db::ConnInfo info_;
  std::vector<Mark> polled_;  // from pg_stat_activity
  std::vector<Mark> marks_;   // from the event triggers
  std::vector<LockWait> waits_;
};

// True for statements the migration tools send for bookkeeping, not schema changes.
bool IsBookkeeping(std::string_view sql);

// Microseconds from `t0` to `t`.
inline int64_t MicrosSince(Clock::time_point t0, Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t - t0).count();
}

}  // namespace lockstep::verify

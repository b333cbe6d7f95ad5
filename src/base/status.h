// Status and Result<T>: the one error path across module boundaries (no exceptions escape a
// module).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace lockstep {

// What went wrong, in the modules' terms. Modules below cli/ say which kind of failure they met;
// cli/exit.h alone turns a code into the process exit code that CI scripts act on.
enum class StatusCode {
  kOk,
  kInvalidInput,          // bad arguments, unreadable input, a SQL syntax error
  kPending,               // status: a migration waits to be applied (lint: findings)
  kUnsafe,                // fix: a step cannot be made safe without --allow-unsafe
  kDatabase,              // cannot connect, or the server returned an error
  kMigrationFailed,       // deploy: a migration failed (recorded as Prisma does)
  kBlocked,               // a failed migration blocks the deploy (P3009), or P3005
  kDrift,                 // an applied migration was modified or is missing from disk
  kAuth,                  // the server refused the credentials or the role
  kNotFound,              // the migrations directory does not exist
  kNoMigrations,          // the migrations directory holds none
  kMissingMigrationFile,  // a migration folder without its migration.sql (P3015)
  kLockHeld,              // another deployer holds the migration lock (P1002)
  kTimedOut,              // lock_timeout retries, statement_timeout or a wait ran out
  kInterrupted,           // SIGINT/SIGTERM: the running statements were canceled
  kFleetFailed,           // a fleet target failed or was not started
  kPreflightRefused,      // deploy --preflight refused before anything ran
};

// An error message ready for a user, and its code. `where` is "file:line:col" (or "file") when
// known, so that reporters can print "where: error: message" without re-deriving the position.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  // The invalid-input kind: what every caller of Error means (bad input, not a server's failure).
  static Status Error(std::string message, std::string where = {}) {
    return WithCode(StatusCode::kInvalidInput, std::move(message), std::move(where));
  }
  static Status Database(std::string message, std::string where = {}) {
    return WithCode(StatusCode::kDatabase, std::move(message), std::move(where));
  }
  static Status Auth(std::string message, std::string where = {}) {
    return WithCode(StatusCode::kAuth, std::move(message), std::move(where));
  }
  static Status NotFound(std::string message, std::string where = {}) {
    return WithCode(StatusCode::kNotFound, std::move(message), std::move(where));
  }
  static Status TimedOut(std::string message, std::string where = {}) {
    return WithCode(StatusCode::kTimedOut, std::move(message), std::move(where));
  }
  // Any other non-ok code (`code` must not be kOk).
  static Status WithCode(StatusCode code, std::string message, std::string where = {}) {
    assert(code != StatusCode::kOk);
    Status s;
    s.error_ = Detail{code, std::move(message), std::move(where)};
    return s;
  }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  StatusCode code() const { return ok() ? StatusCode::kOk : error_->code; }
  const std::string& message() const { return error_->message; }
  const std::string& where() const { return error_->where; }
  // "where: error: message", or just the message when no location is known.
  std::string ToString() const {
    if (ok()) return "ok";
    return error_->where.empty() ? error_->message : error_->where + ": error: " + error_->message;
  }

 private:
  struct Detail {
    StatusCode code;
    std::string message;
    std::string where;
  };
  std::optional<Detail> error_;
};

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace lockstep

// Status and Result<T>: the one error path across module boundaries (no exceptions escape a
// module).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace lockstep {

// An error message ready for a user. `where` is "file:line:col" (or "file") when known, so that
// reporters can print "where: error: message" without re-deriving the position.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message, std::string where = {}) {
    Status s;
    s.error_ = Detail{std::move(message), std::move(where)};
    return s;
  }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return error_->message; }
  const std::string& where() const { return error_->where; }
  // "where: error: message", or just the message when no location is known.
  std::string ToString() const {
    if (ok()) return "ok";
    return error_->where.empty() ? error_->message : error_->where + ": error: " + error_->message;
  }

 private:
  struct Detail {
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

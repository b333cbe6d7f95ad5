// The running application in the fix tests that run on a real server: writers, each on a
// connection of its own, doing their unit of work over and over while migrations are applied.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"

namespace lockstep::fixtest {

// Runs `sql` on `c`: "" or the failure, naming the statement.
inline std::string Try(db::Connection& c, const std::string& sql, std::string* value = nullptr) {
  db::DbResult<db::Rows> r = c.Exec(sql);
  if (!r.ok()) return r.error().OneLine() + " in: " + sql;
  if (value && !r->empty() && !r->rows[0].empty()) *value = r->rows[0][0].value_or("");
  return "";
}

// Application writers, each on a connection of its own, running its unit of work (a statement
// or a transaction) over and over until stopped. The first failure stops them all.
class Writers {
 public:
  // `unit(conn, k)` does the k-th unit of work: "" or the failure.
  using Unit = std::function<std::string(db::Connection&, int)>;
  Writers(const db::ConnInfo& conninfo, std::vector<Unit> units) : units_(std::move(units)) {
    for (size_t w = 0; w < units_.size(); ++w) {
      done_.emplace_back(0);
      threads_.emplace_back([this, conninfo, w] {
        db::DbResult<db::Connection> c = db::Connect(conninfo);
        if (!c.ok()) return Fail("writer " + std::to_string(w) + ": " + c.error().OneLine());
        for (int k = 1; !stop_; ++k) {
          if (std::string err = units_[w](*c, k); !err.empty()) {
            Try(*c, "ROLLBACK");
            return Fail("writer " + std::to_string(w) + ": " + err);
          }
          ++done_[w];
        }
      });
    }
  }
  ~Writers() { Stop(); }
  // Waits until every writer has done `more` units more (or a failure, or 10 s).
  void Wait(int more) {
    std::vector<int> until;
    for (const std::atomic<int>& d : done_) until.push_back(d + more);
    for (int i = 0; i < 2000 && !failed_; ++i) {
      bool all = true;
      for (size_t w = 0; w < done_.size(); ++w) all = all && done_[w] >= until[w];
      if (all) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }
  // After Stop: the first failure, or "".
  const std::string& failure() const { return failure_; }
  int done(size_t w) const { return done_[w]; }

 private:
  void Fail(std::string why) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_) failure_ = std::move(why);
    failed_ = true;
    stop_ = true;
  }
  std::vector<Unit> units_;
  std::deque<std::atomic<int>> done_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false}, failed_{false};
  std::mutex mu_;
  std::string failure_;
};

}  // namespace lockstep::fixtest

#include "fleet/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/parallel.h"
#include "base/process_exit.h"
#include "db/connection.h"
#include "deploy/runner.h"

namespace lockstep::fleet {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// What one target prints, kept apart from the others' (they run at once) and shown when it
// matters: on failure, or in the JSON document.
class Capture {
 public:
  Capture() : file_(open_memstream(&buf_, &len_)) {}
  ~Capture() {
    if (file_) std::fclose(file_);
    std::free(buf_);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  bool ok() const { return file_ != nullptr; }
  FILE* file() { return file_; }
  std::string Take() {
    if (file_) std::fclose(file_);
    file_ = nullptr;
    return std::string(buf_ ? buf_ : "", len_);
  }

 private:
  char* buf_ = nullptr;
  size_t len_ = 0;
  FILE* file_;
};

std::string Indented(const std::string& log) {
  std::string out;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    out += "    | " + log.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

// Runs `work` on every target: the canaries first (a failure among them stops everything), then
// the rest, at most `parallel` at once; with OnError::kStop no target starts after a failure.
// Each finished target is reported to `done` (under a lock, in completion order).
using Work = std::function<TargetResult(const FleetTarget&)>;
using Done = std::function<void(size_t index, const TargetResult&)>;

void RunAll(const std::vector<FleetTarget>& targets, const FleetOptions& fleet, const Work& work,
            const Done& done, std::vector<TargetResult>& results) {
  results.assign(targets.size(), TargetResult{});
  std::mutex mu;
  std::atomic<bool> stop{false};
  auto run_range = [&](size_t begin, size_t end, bool canary) {
    const size_t workers = static_cast<size_t>(std::max(1, fleet.parallel));
    ParallelFor(end - begin, workers, [&](size_t, size_t k) {
      if (stop) return;
      const size_t i = begin + k;
      TargetResult r = work(targets[i]);
      std::lock_guard<std::mutex> lock(mu);
      results[i] = std::move(r);
      if (results[i].outcome == Outcome::kFailed && (canary || fleet.on_error == OnError::kStop))
        stop = true;
      done(i, results[i]);
    });
  };
  const size_t canaries =
      std::min<size_t>(static_cast<size_t>(std::max(0, fleet.canary)), targets.size());
  if (canaries > 0) run_range(0, canaries, true);
  if (!stop && canaries < targets.size()) run_range(canaries, targets.size(), false);
}

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kNotStarted:
      return "not started";
  }
  return "?";
}

// Progress for the whole fleet: redrawn on a terminal, a line every progress interval otherwise.
class FleetProgress {
 public:
  FleetProgress(deploy::Printer& out, size_t total, int64_t interval_ms)
      : out_(out), total_(total), interval_ms_(interval_ms), start_(Clock::now()) {}
  void Finished(bool ok) {
    ++(ok ? ok_ : failed_);
    const size_t done = ok_ + failed_;
    const double elapsed = SecondsSince(start_);
    if (!out_.tty() && done < total_ &&
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_).count() <
            interval_ms_)
      return;
    last_ = Clock::now();
    std::string line = "fleet " + deploy::Bar(static_cast<double>(done) / total_) + " " +
                       std::to_string(done) + "/" + std::to_string(total_) + " (" +
                       std::to_string(ok_) + " ok, " + std::to_string(failed_) + " failed), " +
                       Fixed(elapsed, 1) + " s";
    if (done < total_ && done > 0)
      line += ", about " + Fixed(elapsed / done * (total_ - done), 0) + " s left";
    out_.Progress(line);
  }

 private:
  deploy::Printer& out_;
  size_t total_;
  int64_t interval_ms_;
  Clock::time_point start_;
  Clock::time_point last_{};
  size_t ok_ = 0, failed_ = 0;
};

std::string ExitMeaning(StatusCode code) {
  switch (code) {
    case StatusCode::kDatabase:
      return "database error";
    case StatusCode::kMigrationFailed:
      return "a migration failed";
    case StatusCode::kBlocked:
      return "blocked by a failed migration or a non-empty schema";
    case StatusCode::kAuth:
      return "authentication failed";
    case StatusCode::kLockHeld:
      return "another deployer holds the lock";
    case StatusCode::kTimedOut:
      return "lock timeout retries ran out";
    case StatusCode::kInvalidInput:
      return "unusable input";
    default:
      return "exit " + std::to_string(ProcessExitCode(code));
  }
}

// Prisma's migration lock (pg_advisory_lock(72707369)) is one per database, whatever the schema:
// tenant schemas of one database would each take it in turn and deploy one at a time (and a
// target waiting behind a slow one would give up after --lock-wait). The fleet takes it once per
// database that holds several of its targets, on a connection of its own, from the first such
// target that starts until the last one ends; their deploys run without taking it again. Another
// deployer (Prisma, or a second lockstep) is still kept out for as long as any runs.
class MigrationLocks {
 public:
  MigrationLocks(const std::vector<FleetTarget>& targets, const deploy::Options& options)
      : options_(options) {
    std::map<std::string, int> count;
    for (const FleetTarget& t : targets) ++count[Key(t.conn)];
    for (const auto& [key, n] : count)
      if (n > 1) databases_[key].remaining = n;
  }

  // Whether `t`'s database is one the fleet locks (it holds several targets).
  bool Shared(const FleetTarget& t) const { return databases_.count(Key(t.conn)) > 0; }
  // kOk once the lock of `t`'s database is held (taken now, or by an earlier target), else what
  // went wrong, with `error` set. Waits for another deployer's lock as a single deploy does.
  StatusCode Acquire(const FleetTarget& t, std::string& error) {
    Database& d = databases_.at(Key(t.conn));
    std::lock_guard<std::mutex> lock(d.mu);
    if (d.conn) return StatusCode::kOk;
    db::ConnectOptions co;
    co.application_name = "lockstep fleet";
    co.apply_schema = false;
    db::DbResult<db::Connection> conn = db::Connect(t.conn, co);
    if (!conn.ok()) {
      error = "lockstep deploy: error: cannot take the migration lock of the database: " +
              conn.error().OneLine();
      return StatusCode::kDatabase;
    }
    const std::string sql =
        "SELECT pg_catalog.pg_try_advisory_lock(" + std::to_string(deploy::kAdvisoryLockKey) + ")";
    const Clock::time_point start = Clock::now();
    for (;;) {
      db::DbResult<db::Rows> r = conn->Exec(sql);
      if (!r.ok()) {
        error = "lockstep deploy: error: taking the migration lock: " + r.error().OneLine();
        return StatusCode::kDatabase;
      }
      if (!r->empty() && r->rows[0][0] == std::optional<std::string>("t")) break;
      if (SecondsSince(start) * 1000 >= static_cast<double>(options_.advisory_lock_wait_ms)) {
        error =
            "lockstep deploy: error: another deployer holds the migration lock of this "
            "database (pg_advisory_lock(" +
            std::to_string(deploy::kAdvisoryLockKey) + ")); gave up after " +
            deploy::FormatDuration(options_.advisory_lock_wait_ms) +
            " (Prisma P1002). Nothing was applied; run again once it has finished.";
        return StatusCode::kLockHeld;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    d.conn = std::move(*conn);
    return StatusCode::kOk;
  }
  // `t` has finished (or will not start): the last target of a database releases its lock.
  void Done(const FleetTarget& t) {
    auto it = databases_.find(Key(t.conn));
    if (it == databases_.end()) return;
    std::lock_guard<std::mutex> lock(it->second.mu);
    if (--it->second.remaining == 0) it->second.conn.reset();  // closing releases the lock
  }

 private:
  static std::string Key(const db::ConnInfo& c) { return c.Endpoint() + "/" + c.dbname; }
  struct Database {
    std::mutex mu;
    int remaining = 0;
    std::optional<db::Connection> conn;
  };
  deploy::Options options_;
  std::map<std::string, Database> databases_;
};

}  // namespace

StatusCode DeployFleet(const std::vector<deploy::MigrationPlan>& plans,
                       const std::vector<FleetTarget>& targets, const deploy::Options& options,
                       const FleetOptions& fleet, deploy::Printer& out) {
  const Clock::time_point start = Clock::now();
  out.Line("fleet: " + std::to_string(plans.size()) + " migration" +
           (plans.size() == 1 ? "" : "s") + " to " + std::to_string(targets.size()) + " target" +
           (targets.size() == 1 ? "" : "s") + ", " + std::to_string(fleet.parallel) + " at a time" +
           (fleet.canary > 0 ? ", the first " + std::to_string(fleet.canary) + " first (canary)"
                             : std::string()) +
           ", on error: " + (fleet.on_error == OnError::kStop ? "stop" : "continue"));
  FleetProgress progress(out, targets.size(), options.progress_interval_ms);
  size_t finished = 0;
  std::vector<TargetResult> results;
  MigrationLocks locks(targets, options);
  RunAll(
      targets, fleet,
      [&](const FleetTarget& t) {
        TargetResult r;
        const Clock::time_point t0 = Clock::now();
        deploy::Options target_options = options;
        if (options.use_advisory_lock && locks.Shared(t)) {
          std::string error;
          r.code = locks.Acquire(t, error);
          if (r.code != StatusCode::kOk) {
            locks.Done(t);
            r.outcome = Outcome::kFailed;
            r.log = error + "\n";
            r.seconds = SecondsSince(t0);
            return r;
          }
          target_options.advisory_lock_held_by_caller = true;
        }
        struct Release {
          MigrationLocks& locks;
          const FleetTarget& t;
          ~Release() { locks.Done(t); }
        } release{locks, t};
        Capture capture;
        if (!capture.ok()) {
          r.outcome = Outcome::kFailed;
          r.code = StatusCode::kDatabase;
          r.log = "cannot capture the target's output";
          return r;
        }
        deploy::Printer printer(capture.file(), capture.file(), false);
        deploy::DeployStats stats;
        r.code = deploy::Deploy(plans, deploy::TargetFor(t.conn), target_options, printer, &stats);
        r.applied = stats.applied;
        r.seconds = SecondsSince(t0);
        r.log = capture.Take();
        r.outcome = r.code == StatusCode::kOk ? Outcome::kOk : Outcome::kFailed;
        return r;
      },
      [&](size_t i, const TargetResult& r) {
        ++finished;
        const std::string head = "[" + std::to_string(finished) + "/" +
                                 std::to_string(targets.size()) + "] " + targets[i].label + ": ";
        if (r.outcome == Outcome::kOk) {
          out.Line(head +
                   (r.applied == 0 ? std::string("up to date")
                                   : "applied " + std::to_string(r.applied)) +
                   " (" + Fixed(r.seconds, 2) + " s)");
        } else {
          out.Error(head + "FAILED, " + ExitMeaning(r.code) + " (exit " +
                    std::to_string(ProcessExitCode(r.code)) + "):\n" + Indented(r.log));
        }
        progress.Finished(r.outcome == Outcome::kOk);
      },
      results);
  out.ClearProgress();

  int ok = 0, failed = 0, not_started = 0, applied = 0;
  for (const TargetResult& r : results) {
    ok += r.outcome == Outcome::kOk;
    failed += r.outcome == Outcome::kFailed;
    not_started += r.outcome == Outcome::kNotStarted;
    applied += r.applied;
  }
  const StatusCode code = failed + not_started == 0 ? StatusCode::kOk : StatusCode::kFleetFailed;
  const double total = SecondsSince(start);
  if (fleet.json) {
    nlohmann::json doc;
    doc["targets"] = nlohmann::json::array();
    for (size_t i = 0; i < targets.size(); ++i) {
      const TargetResult& r = results[i];
      doc["targets"].push_back({{"target", targets[i].label},
                                {"line", targets[i].line},
                                {"result", OutcomeName(r.outcome)},
                                {"exit_code", ProcessExitCode(r.code)},
                                {"applied", r.applied},
                                {"seconds", r.seconds},
                                {"log", r.log}});
    }
    doc["succeeded"] = ok;
    doc["failed"] = failed;
    doc["not_started"] = not_started;
    doc["applied"] = applied;
    doc["seconds"] = total;
    doc["exit_code"] = ProcessExitCode(code);
    std::printf("%s\n", doc.dump(2).c_str());
    std::fflush(stdout);
  } else {
    size_t width = 6;
    for (const FleetTarget& t : targets) width = std::max(width, t.label.size());
    char row[512];
    out.Line("");
    std::snprintf(row, sizeof row, "%-*s  %7s  %8s  %s", static_cast<int>(width), "target",
                  "applied", "time", "result");
    out.Line(row);
    for (size_t i = 0; i < targets.size(); ++i) {
      const TargetResult& r = results[i];
      std::string result = OutcomeName(r.outcome);
      if (r.outcome == Outcome::kFailed)
        result +=
            " (exit " + std::to_string(ProcessExitCode(r.code)) + ": " + ExitMeaning(r.code) + ")";
      const std::string time = r.outcome == Outcome::kNotStarted ? "-" : Fixed(r.seconds, 2) + " s";
      std::snprintf(row, sizeof row, "%-*s  %7d  %8s  %s", static_cast<int>(width),
                    targets[i].label.c_str(), r.applied, time.c_str(), result.c_str());
      out.Line(row);
    }
  }
  std::string summary = "fleet: " + std::to_string(ok) + " succeeded, " + std::to_string(failed) +
                        " failed, " + std::to_string(not_started) + " not started; " +
                        std::to_string(applied) + " migration" + (applied == 1 ? "" : "s") +
                        " applied in " + Fixed(total, 1) + " s";
  if (fleet.json)
    std::fprintf(stderr, "%s\n", summary.c_str());
  else
    out.Line(summary);
  if (failed > 0) {
    std::string names;
    for (size_t i = 0; i < targets.size(); ++i)
      if (results[i].outcome == Outcome::kFailed)
        names += (names.empty() ? "" : ", ") + targets[i].label;
    out.Error("fleet: failed: " + names);
  }
  if (not_started > 0)
    out.Error("fleet: " + std::to_string(not_started) +
              " target(s) not started (stopped after a failure); fix it and run the same "
              "command again: targets already migrated are skipped, none is applied twice");
  return code;
}

StatusCode FleetStatus(const std::vector<ledger::DiskMigration>& disk,
                       const std::vector<FleetTarget>& targets, const FleetOptions& fleet,
                       deploy::Printer& out) {
  FleetOptions all = fleet;
  all.on_error = OnError::kContinue;
  all.canary = 0;
  std::vector<TargetResult> results;
  RunAll(
      targets, all,
      [&](const FleetTarget& t) {
        TargetResult r;
        const Clock::time_point t0 = Clock::now();
        Capture capture;
        ledger::StatusReport report;
        if (capture.ok()) {
          deploy::Printer printer(capture.file(), capture.file(), false);
          r.code = deploy::ShowStatus(disk, deploy::TargetFor(t.conn), printer, &report);
          r.log = capture.Take();
        } else {
          r.code = StatusCode::kDatabase;
        }
        r.seconds = SecondsSince(t0);
        using S = ledger::MigrationState;
        auto count = [&](S s) { return report.Count(s); };
        switch (r.code) {
          case StatusCode::kOk:
            r.state = "up to date";
            break;
          case StatusCode::kPending:
            r.state = "behind";
            r.detail = std::to_string(count(S::kPending)) + " pending";
            if (count(S::kPartial) > 0)
              r.detail += ", " + std::to_string(count(S::kPartial)) + " partly applied";
            break;
          case StatusCode::kBlocked:
            r.state = "failed";
            r.detail = std::to_string(count(S::kFailed)) + " failed migration(s) block deploy";
            break;
          case StatusCode::kDrift:
            r.state = count(S::kMissingFromDisk) > 0 ? "ahead" : "modified";
            r.detail = std::to_string(count(S::kMissingFromDisk)) + " applied but not on disk, " +
                       std::to_string(count(S::kModified)) + " modified since applied";
            break;
          default: {
            r.state = "unreachable";
            const size_t nl = r.log.find('\n');
            r.detail = r.log.substr(0, nl);
          }
        }
        r.outcome = r.code == StatusCode::kOk ? Outcome::kOk : Outcome::kFailed;
        return r;
      },
      [](size_t, const TargetResult&) {}, results);
  std::map<std::string, int> counts;
  size_t width = 6;
  for (const FleetTarget& t : targets) width = std::max(width, t.label.size());
  nlohmann::json doc;
  doc["targets"] = nlohmann::json::array();
  for (size_t i = 0; i < targets.size(); ++i) {
    const TargetResult& r = results[i];
    ++counts[r.state];
    if (fleet.json) {
      doc["targets"].push_back({{"target", targets[i].label},
                                {"state", r.state},
                                {"detail", r.detail},
                                {"exit_code", ProcessExitCode(r.code)}});
      continue;
    }
    char row[1024];
    std::snprintf(row, sizeof row, "%-*s  %-11s  %s", static_cast<int>(width),
                  targets[i].label.c_str(), r.state.c_str(), r.detail.c_str());
    out.Line(row);
  }
  std::string summary;
  for (const char* s : {"up to date", "behind", "failed", "ahead", "modified", "unreachable"}) {
    summary += (summary.empty() ? "" : ", ") + std::to_string(counts[s]) + " " + s;
  }
  const bool all_current = counts["up to date"] == static_cast<int>(targets.size());
  if (fleet.json) {
    for (const auto& [state, n] : counts) doc["counts"][state] = n;
    doc["up_to_date"] = all_current;
    std::printf("%s\n", doc.dump(2).c_str());
    std::fflush(stdout);
  }
  const std::string line =
      "fleet status: " + std::to_string(targets.size()) + " targets: " + summary;
  if (fleet.json)
    std::fprintf(stderr, "%s\n", line.c_str());
  else
    out.Line(line);
  return all_current ? StatusCode::kOk : StatusCode::kPending;
}

}  // namespace lockstep::fleet

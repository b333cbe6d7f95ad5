// Parses migration files on background threads while discovery is still finding and reading the
// rest. Discovering a large project is mostly system calls on one thread; parsing is CPU work
// that can overlap it instead of waiting for it.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sql/parser.h"

namespace lockstep::analysis {

class ParseAhead {
 public:
  // `options` must be those the consumer (Replay's Options::parse) would parse with.
  ParseAhead(sql::ParseOptions options, unsigned threads);
  ~ParseAhead();  // stops and joins the threads; parses nobody took are dropped
  ParseAhead(const ParseAhead&) = delete;
  ParseAhead& operator=(const ParseAhead&) = delete;

  // Queues `text` (the bytes of the file at `key`) for parsing. The threads are woken once
  // several files wait, or by Flush.
  void Submit(const std::string& key, std::string text);
  // Wakes the threads for whatever is queued: call it once the last file is submitted.
  void Flush();

  // The parse of `key`, if `text` is what was submitted for it: waits while a thread is on it,
  // parses it on the calling thread if none has started. nullopt when `key` was not submitted,
  // was taken already, or its text differs.
  std::optional<sql::ParsedFile> Take(const std::string& key, const std::string& text);

  const sql::ParseOptions& options() const { return options_; }

 private:
  static constexpr size_t kWakeBatch = 8;
  enum class State { kQueued, kRunning, kDone, kTaken };
  struct Entry {
    State state = State::kQueued;
    std::string text;
    sql::ParsedFile parsed;
  };
  void Work();

  sql::ParseOptions options_;
  std::mutex mu_;
  std::condition_variable queued_;  // work for the threads, or stop
  std::condition_variable done_;    // an entry finished
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lockstep::analysis

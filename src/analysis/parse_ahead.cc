#include "analysis/parse_ahead.h"

#include <algorithm>

namespace lockstep::analysis {

ParseAhead::ParseAhead(sql::ParseOptions options, unsigned threads) : options_(options) {
  threads = std::clamp<unsigned>(threads, 1, 16);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

ParseAhead::~ParseAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  queued_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ParseAhead::Submit(const std::string& key, std::string text) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = entries_.try_emplace(key);
    if (!inserted) return;  // the same file reached twice: its first text stands
    it->second.text = std::move(text);
    queue_.push_back(key);
    // Waking a thread per file cost a futex call and a context switch per file (5% of lint's
    // time on the Prisma corpus): a woken thread drains the queue, so wake one per batch.
    // Flush wakes them for the rest; a file still queued when its consumer asks is parsed there.
    wake = queue_.size() >= kWakeBatch;
  }
  if (wake) queued_.notify_one();
}

void ParseAhead::Flush() { queued_.notify_all(); }

void ParseAhead::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    queued_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    const std::string key = std::move(queue_.front());
    queue_.pop_front();
    Entry& e = entries_[key];                 // references stay valid: entries are never erased
    if (e.state != State::kQueued) continue;  // a consumer took it first
    e.state = State::kRunning;
    lock.unlock();
    sql::ParsedFile parsed = sql::ParseString(e.text, options_);
    lock.lock();
    e.parsed = std::move(parsed);
    e.state = State::kDone;
    done_.notify_all();
  }
}

std::optional<sql::ParsedFile> ParseAhead::Take(const std::string& key, const std::string& text) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.state == State::kTaken || it->second.text != text)
    return std::nullopt;
  Entry& e = it->second;
  const bool started = e.state != State::kQueued;
  if (started) done_.wait(lock, [&e] { return e.state == State::kDone; });
  e.state = State::kTaken;  // a thread that pops it later skips it
  std::string().swap(e.text);
  if (!started) {  // nobody started it: parse here rather than wait
    lock.unlock();
    return sql::ParseString(text, options_);
  }
  return std::move(e.parsed);
}

}  // namespace lockstep::analysis

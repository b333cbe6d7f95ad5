// The shared test server of a major (tests/support/pg_server.h), prepared once for tracing.
#pragma once

#include <map>
#include <mutex>

#include "support/pg_server.h"
#include "trace/trace.h"

namespace lockstep::trace {

inline Status PreparedServer(int major) {
  static std::mutex mu;
  static std::map<int, Status> done;
  std::lock_guard<std::mutex> lock(mu);
  auto it = done.find(major);
  if (it != done.end()) return it->second;
  Result<db::EmbeddedServer*> server = testing::SharedPgServer(major);
  Status st = server.ok() ? PrepareServer((*server)->socket_conninfo("postgres")) : server.status();
  done.emplace(major, st);
  return st;
}

}  // namespace lockstep::trace

// SIGINT and SIGTERM for commands that run statements on a server. Their default action ends the
// process at once and says nothing, while the statement it sent runs on in the server (a
// concurrent index build to its end, or until the server notices the closed socket).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace lockstep::db {

struct Interruption {
  const char* signal_name = "";  // "SIGINT" or "SIGTERM"
  // The statements that were running when the signal came and were canceled, each cut to its
  // first line.
  std::vector<std::string> canceled;
};

// From now on, for the rest of the process, the first SIGINT or SIGTERM:
//  1. cancels the statement running on every open Connection (PQcancel), and makes every thread
//     that calls into a Connection afterwards wait for the end of the process, so that nothing
//     more is sent (no failure is recorded for a canceled statement, for example);
//  2. runs `report` on a thread of its own, which says what was done (and may clean up, with
//     connections of its own);
//  3. ends the process with the exit code of StatusCode::kInterrupted
//     (base/process_exit.h) without running destructors. The server then
//     sees what a kill -9 leaves, which a re-run resumes from: the connections close, open
//     transactions roll back, session locks are released.
// A second signal ends the process at once, with the same code. Call once, from the main thread,
// before connecting.
void CancelAndExitOnInterrupt(std::function<void(const Interruption&)> report);

}  // namespace lockstep::db

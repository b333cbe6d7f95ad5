// The one thread pool: work over a list of jobs, on threads started for the call and joined
// before it returns, the calling thread being one of them. Threads that live beside the work
// instead (a lock monitor, the interrupt watcher, ParseAhead's parsers fed while discovery runs)
// are another shape and keep their own std::thread.
#pragma once

#include <cstddef>
#include <functional>

namespace lockstep {

// Calls `body(worker, i)` once for every i in [0, n), on min(workers, n) threads (at least one).
// Each thread takes the lowest index not yet taken, so that a slow job does not hold up the
// others. The calling thread is worker 0: with one worker (or one job) no thread is started.
// Returns when every call has returned. `body` is called concurrently for different indices;
// `worker` (in [0, threads)) is the same for every call on one thread, for per-thread state
// such as a connection.
void ParallelFor(size_t n, size_t workers,
                 const std::function<void(size_t worker, size_t i)>& body);

}  // namespace lockstep

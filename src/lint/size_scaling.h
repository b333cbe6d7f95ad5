// `lint --database`: the severity of a finding whose harm grows with the table (a scan, a
// rewrite, an index build under a lock that blocks traffic) follows the estimate of how long the
// statement blocks traffic on the target: below one threshold a hint, at or above the other an
// error (lockstep.toml [estimates], docs/config.md). Pure: the estimates come from stats/.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "lint/runner.h"

namespace lockstep::lint {

struct SizeThresholds {
  double hint_below_seconds = 1.0;    // blocking less than this: a hint
  double error_above_seconds = 10.0;  // blocking this long or longer: an error
};

// How long one statement (byte range of a file) blocks traffic on the target.
struct StatementBlocking {
  std::string path;
  int begin = 0;
  int end = 0;
  double blocking_seconds = 0;
};

// True for the rules whose finding is about work proportional to the table's size.
bool ScalesWithSize(const std::string& rule);

// Sets the severity of each finding of a ScalesWithSize rule that lies in a statement of
// `statements` from that statement's blocking time; findings of rules whose severity `o`
// overrides (lockstep.toml [rules]) keep it, as do those between the thresholds.
void ScaleBySize(std::vector<Diagnostic>& diagnostics,
                 const std::vector<StatementBlocking>& statements, const SizeThresholds& t,
                 const Options& o);

}  // namespace lockstep::lint

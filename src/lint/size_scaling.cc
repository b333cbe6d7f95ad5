#include "lint/size_scaling.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace lockstep::lint {

bool ScalesWithSize(const std::string& rule) {
  // Each of these reports a scan, rewrite or build of a live table under a lock that blocks
  // traffic: harmless on a small table, an outage on a big one. Rules about correctness
  // (enum ordering, a missing timeout, a dropped column) do not scale.
  static constexpr std::array<std::string_view, 10> kRules = {
      "avoid-rewrite-on-add-column",
      "avoid-rewriting-type-change",
      "avoid-table-rewrite",
      "require-check-before-set-not-null",
      "require-concurrent-index-creation",
      "require-concurrent-reindex",
      "require-not-valid-check",
      "require-not-valid-foreign-key",
      "require-primary-key-using-index",
      "require-unique-using-index",
  };
  return std::find(kRules.begin(), kRules.end(), rule) != kRules.end();
}

void ScaleBySize(std::vector<Diagnostic>& diagnostics,
                 const std::vector<StatementBlocking>& statements, const SizeThresholds& t,
                 const Options& o) {
  for (Diagnostic& d : diagnostics) {
    if (!ScalesWithSize(d.rule) || o.severity_overrides.count(d.rule)) continue;
    for (const StatementBlocking& s : statements) {
      if (s.path != d.path || d.begin < s.begin || d.begin > s.end) continue;
      if (s.blocking_seconds < t.hint_below_seconds) {
        d.severity = Severity::kHint;
      } else if (s.blocking_seconds >= t.error_above_seconds) {
        d.severity = Severity::kError;
      }
      break;
    }
  }
}

}  // namespace lockstep::lint

// A finding about a migration, as plain data: produced by the lint rules (src/rules/), rendered by
// the reporters (src/report/), which therefore need nothing from the rules. Positions are byte
// ranges; lines and columns are computed only when rendering.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/edit.h"

namespace lockstep {

enum class Severity { kHint = 0, kWarning = 1, kError = 2 };
std::string_view SeverityName(Severity s);  // "hint", "warning", "error"

struct Diagnostic {
  std::string rule;  // rule id, kebab-case
  Severity severity = Severity::kWarning;
  std::string message;  // names the lock, the table and what it blocks
  std::string help;     // the safe alternative, in a sentence (SQL allowed)
  std::string path;     // file
  int begin = 0;        // byte range of the offending part of the statement
  int end = 0;
  bool fixable = false;     // `lockstep fix` rewrites this
  std::vector<Edit> edits;  // optional one-file quick fix
};

}  // namespace lockstep

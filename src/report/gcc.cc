// One line per finding, in the format compilers use, for editors and CI logs.
#include <string>

#include "base/printable.h"
#include "report/report.h"

namespace lockstep::report {

std::string RenderGcc(const Report& r, const TextOptions& options) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics) {
    if (!options.show_hints && d.severity == Severity::kHint) continue;
    const Span span = Locate(r, d);
    const std::string_view severity =
        d.severity == Severity::kHint ? "note" : SeverityName(d.severity);
    std::string message = d.message;
    for (char& c : message)
      if (c == '\n') c = ' ';
    // One line per finding, whatever the folder name or the identifiers quoted hold.
    out += EscapeControl(d.path) + ":" + std::to_string(span.begin.line) + ":" +
           std::to_string(span.begin.column) + ": " + std::string(severity) + ": " +
           EscapeControlInLines(message) + " [" + d.rule + "]\n";
  }
  return out;
}

}  // namespace lockstep::report

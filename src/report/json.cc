// The stable JSON document; its schema is docs/json-format.md (bump kJsonVersion on breaking
// changes).
#include <nlohmann/json.hpp>

#include "report/report.h"

namespace lockstep::report {

namespace {
constexpr int kJsonVersion = 1;
}

std::string RenderJson(const Report& r) {
  nlohmann::ordered_json diags = nlohmann::ordered_json::array();
  for (const Diagnostic& d : r.diagnostics) {
    const Span span = Locate(r, d);
    nlohmann::ordered_json edits = nlohmann::ordered_json::array();
    for (const Edit& e : d.edits)
      edits.push_back({{"byte_begin", e.begin}, {"byte_end", e.end}, {"text", e.text}});
    diags.push_back({{"rule", d.rule},
                     {"severity", SeverityName(d.severity)},
                     {"message", d.message},
                     {"help", d.help},
                     {"file", d.path},
                     {"line", span.begin.line},
                     {"column", span.begin.column},
                     {"end_line", span.end.line},
                     {"end_column", span.end.column},
                     {"byte_begin", d.begin},
                     {"byte_end", d.end},
                     {"fixable", d.fixable},
                     {"edits", std::move(edits)}});
  }
  const Counts c = Count(r);
  nlohmann::ordered_json doc = {{"version", kJsonVersion},
                                {"tool", {{"name", "lockstep"}, {"version", LOCKSTEP_VERSION}}},
                                {"files_linted", r.files_linted},
                                {"summary",
                                 {{"errors", c.errors},
                                  {"warnings", c.warnings},
                                  {"hints", c.hints},
                                  {"files_with_findings", c.files_with_findings}}},
                                {"diagnostics", std::move(diags)}};
  // Invalid UTF-8 in a file (messages quote SQL) must not abort the report.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace lockstep::report

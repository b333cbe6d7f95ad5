#include "rules/rule.h"

#include <algorithm>

namespace lockstep::rules {

void Context::Report(Diagnostic d) {
  const sql::Statement& s = statement();
  if (d.begin < 0 || d.end < 0 || d.end < d.begin) {
    d.begin = s.begin;
    d.end = s.end;
  }
  d.begin = std::clamp(d.begin, 0, static_cast<int>(text().size()));
  d.end = std::clamp(d.end, d.begin, static_cast<int>(text().size()));
  if (d.path.empty()) d.path = migration_.source.path();
  diagnostics_.push_back(std::move(d));
}

const Rule* FindRule(std::string_view id) {
  for (const auto& r : AllRules())
    if (r->id() == id) return r.get();
  return nullptr;
}

}  // namespace lockstep::rules

// SARIF 2.1.0 for GitHub code scanning: one run, the rule table in tool.driver.rules, one result
// per finding with a physical location relative to the checkout (the working directory).
#include <cctype>
#include <nlohmann/json.hpp>

#include "report/report.h"

namespace lockstep::report {

namespace {

std::string_view Level(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kHint:
      return "note";
  }
  return "warning";
}

// A relative URI reference for a path: '/'-separated, without "./", reserved bytes escaped.
std::string PathUri(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  std::string out;
  const bool absolute = !path.empty() && path[0] == '/';
  if (absolute) out = "file://";
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string RenderSarif(const Report& r) {
  using Json = nlohmann::ordered_json;
  Json rules = Json::array();
  std::map<std::string, size_t> index;
  auto add_rule = [&](const RuleInfo& info) {
    if (index.count(info.id)) return;
    index[info.id] = rules.size();
    rules.push_back(
        {{"id", info.id},
         {"name", info.id},
         {"shortDescription", {{"text", info.summary.empty() ? info.id : info.summary}}},
         {"helpUri", RuleDocUrl(info.id)},
         {"defaultConfiguration", {{"level", Level(info.severity)}}},
         {"properties", {{"fixable", info.fixable}}}});
  };
  for (const RuleInfo& info : r.rules) add_rule(info);
  // A finding of a rule missing from the table still needs a rule entry.
  for (const Diagnostic& d : r.diagnostics) add_rule({d.rule, d.severity, d.rule, d.fixable});

  Json results = Json::array();
  for (const Diagnostic& d : r.diagnostics) {
    const Span span = Locate(r, d);
    std::string text = d.message;
    if (!d.help.empty()) text += "\nhelp: " + d.help;
    Json region = {{"startLine", span.begin.line}, {"startColumn", span.begin.column},
                   {"endLine", span.end.line},     {"endColumn", span.end.column},
                   {"byteOffset", d.begin},        {"byteLength", d.end - d.begin}};
    results.push_back(
        {{"ruleId", d.rule},
         {"ruleIndex", index[d.rule]},
         {"level", Level(d.severity)},
         {"message", {{"text", text}}},
         {"locations", Json::array({{{"physicalLocation",
                                      {{"artifactLocation", {{"uri", PathUri(d.path)}}},
                                       {"region", std::move(region)}}}}})},
         {"properties", {{"fixable", d.fixable}}}});
  }
  Json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({{{"tool",
                                      {{"driver",
                                        {{"name", "lockstep"},
                                         {"version", LOCKSTEP_VERSION},
                                         {"semanticVersion", LOCKSTEP_VERSION},
                                         {"informationUri", DocsUrl()},
                                         {"rules", std::move(rules)}}}}},
                                     {"columnKind", "unicodeCodePoints"},
                                     {"results", std::move(results)}}})}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace lockstep::report

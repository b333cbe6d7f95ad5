// GitHub Actions workflow commands: each finding becomes an annotation on the pull request diff.
#include <string>

#include "report/report.h"

namespace lockstep::report {

namespace {

// The runner's escaping: '%', CR and LF everywhere; ':' and ',' too inside property values.
std::string Escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view Command(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kHint:
      return "notice";
  }
  return "warning";
}

}  // namespace

std::string RenderGithub(const Report& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics) {
    const Span span = Locate(r, d);
    std::string message = d.message;
    if (!d.help.empty()) message += "\nhelp: " + d.help;
    out += "::" + std::string(Command(d.severity)) + " file=" + Escape(d.path, true) +
           ",line=" + std::to_string(span.begin.line) +
           ",col=" + std::to_string(span.begin.column) +
           ",endLine=" + std::to_string(span.end.line) +
           ",endColumn=" + std::to_string(span.end.column) + ",title=" + Escape(d.rule, true) +
           "::" + Escape(message, false) + "\n";
  }
  return out;
}

}  // namespace lockstep::report

// The pull-request comment: short enough to read in a review, with the marker the GitHub Action
// finds its own earlier comment by (scripts/ci/lint-pr.sh), so a push updates it instead of adding
// another one.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "report/report.h"

namespace lockstep::report {

namespace {

// Prose from findings may hold SQL: `*`, `_`, `<` or `|` would otherwise turn into emphasis,
// HTML or a table column. A newline would end the list item.
std::string Text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '#':
        out += '\\';
        out += c;
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A code span that survives any content: a fence longer than the longest run of backticks in
// it, and `|` escaped, which GitHub's tables require even inside code.
std::string Code(std::string_view s, bool in_table) {
  size_t longest = 0, run = 0;
  std::string body;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '\n' || c == '\r') {
      body += ' ';
    } else if (c == '|' && in_table) {
      body += "\\|";
    } else {
      body += c;
    }
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string Blocks(const BlockingLock& b) {
  if (b.blocks_reads && b.blocks_writes) return "reads, writes";
  if (b.blocks_writes) return "writes";
  if (b.blocks_reads) return "reads";
  return "none";
}

std::string Work(const BlockingLock& b) {
  if (b.rewrites) return "rewrite";
  if (b.scans) return "scan";
  return "none";
}

struct Section {
  const MigrationSummary* summary = nullptr;  // null: a file the caller gave no summary for
  std::string path;
  std::vector<const Diagnostic*> shown;  // errors and warnings
  size_t hints = 0;
  bool fixable = false;
};

}  // namespace

std::string RenderMarkdown(const Report& r) {
  std::vector<Section> sections;
  std::map<std::string, size_t> by_path;
  for (const MigrationSummary& m : r.migrations) {
    by_path.emplace(m.path, sections.size());
    sections.push_back({&m, m.path, {}, 0, false});
  }
  for (const Diagnostic& d : r.diagnostics) {
    auto [it, added] = by_path.emplace(d.path, sections.size());
    if (added) sections.push_back({nullptr, d.path, {}, 0, false});
    Section& s = sections[it->second];
    if (d.severity == Severity::kHint) {
      ++s.hints;
    } else {
      s.shown.push_back(&d);
    }
    s.fixable = s.fixable || d.fixable;
  }

  const Counts c = Count(r);
  std::set<std::pair<std::string, int>> blocking_statements;
  for (const MigrationSummary& m : r.migrations)
    for (const BlockingLock& b : m.blocking) blocking_statements.insert({m.path, b.begin});

  std::string out = "<!-- lockstep -->\n### lockstep lint: ";
  out += Plural(c.errors, "error", "errors") + ", " + Plural(c.warnings, "warning", "warnings") +
         ", " + Plural(c.hints, "hint", "hints") + "\n\n";
  out += Plural(r.files_linted, "migration", "migrations") + " linted; " +
         Plural(blocking_statements.size(), "statement blocks", "statements block") +
         " traffic on live tables.\n";

  for (const Section& s : sections) {
    const bool blocking = s.summary != nullptr && !s.summary->blocking.empty();
    // Hints alone are not worth a section: the heading counts them.
    if (!blocking && s.shown.empty()) continue;
    const std::string name = s.summary != nullptr ? s.summary->name : s.path;
    out += "\n#### " + Code(name, false) + "\n\n" + Code(s.path, false) + "\n";
    const auto found = r.sources.find(s.path);
    const SourceFile* file = found == r.sources.end() ? nullptr : found->second;
    if (blocking) {
      out += "\n| line | statement | lock | table | blocks | est. |\n|---:|---|---|---|---|---|\n";
      for (const BlockingLock& b : s.summary->blocking) {
        const int line = file != nullptr ? file->PositionOf(static_cast<size_t>(b.begin)).line : 1;
        out += "| " + std::to_string(line) + " | " + Code(b.statement, true) + " | " + b.lock +
               " | " + Text(b.table) + " | " + Blocks(b) + " | " + Work(b) + " |\n";
      }
    }
    if (!s.shown.empty()) {
      out += "\n";
      for (const Diagnostic* d : s.shown) {
        const Span span = Locate(r, *d);
        out += "- **" + std::string(SeverityName(d->severity)) + "** " +
               std::to_string(span.begin.line) + ":" + std::to_string(span.begin.column) + " " +
               Text(d->message) + " ([" + d->rule + "](" + RuleDocUrl(d->rule) + "))\n";
      }
    }
    if (s.hints > 0)
      out += "\n" + Plural(s.hints, "hint", "hints") +
             " not listed (`lockstep lint --hints` shows them).\n";
    if (s.fixable && s.summary != nullptr)
      out += "\nFix: " + Code("lockstep fix " + s.summary->fix_target, false) + "\n";
  }
  return out;
}

}  // namespace lockstep::report

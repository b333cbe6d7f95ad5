// The human format: a compiler-style header, the source with the range underlined, help and fix.
#include <algorithm>
#include <string>

#include "base/printable.h"
#include "report/report.h"

namespace lockstep::report {

namespace {

constexpr int kMaxSnippetLines = 4;  // longer ranges show their first and last lines

struct Palette {
  bool on;
  std::string paint(std::string_view code, std::string_view s) const {
    if (!on) return std::string(s);
    return "\033[" + std::string(code) + "m" + std::string(s) + "\033[0m";
  }
};

std::string_view SeverityCode(Severity s) {
  switch (s) {
    case Severity::kError:
      return "1;31";
    case Severity::kWarning:
      return "1;33";
    case Severity::kHint:
      return "1;36";
  }
  return "1";
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The byte offset of 1-based character column `col` in `line` (clamped to its end).
size_t ByteOfColumn(std::string_view line, int col) {
  int c = 1;
  for (size_t i = 0; i < line.size(); ++i) {
    if (IsContinuation(line[i])) continue;
    if (c == col) return i;
    ++c;
  }
  return line.size();
}

int ColumnCount(std::string_view s) {
  return static_cast<int>(
      std::count_if(s.begin(), s.end(), [](char c) { return !IsContinuation(c); }));
}

// Spaces under [0, byte), keeping tabs so that the carets line up with the text above.
std::string Indent(std::string_view line, size_t byte) {
  std::string out;
  for (size_t i = 0; i < byte && i < line.size(); ++i) {
    if (IsContinuation(line[i])) continue;
    out += line[i] == '\t' ? '\t' : ' ';
  }
  return out;
}

std::string Plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

void Snippet(const SourceFile& f, const Span& span, const Palette& p, std::string& out) {
  int first = span.begin.line;
  int last = span.end.line;
  // A range that ends right after a newline does not involve the next line.
  if (last > first && span.end.column == 1) --last;
  last = std::min(last, f.line_count());
  if (first < 1 || first > last) return;
  const int width = static_cast<int>(std::to_string(last).size());
  const std::string pad(width, ' ');
  out += p.paint("1;34", pad + " |") + "\n";
  auto emit = [&](int ln) {
    std::string_view line = f.Line(ln);
    size_t from = 0;
    if (ln == first) {
      from = ByteOfColumn(line, span.begin.column);
    } else {
      from = line.find_first_not_of(" \t");
      if (from == std::string_view::npos) from = line.size();
    }
    size_t to =
        ln == last && span.end.line == ln ? ByteOfColumn(line, span.end.column) : line.size();
    to = std::max(to, from);
    std::string num = std::to_string(ln);
    out += p.paint("1;34", std::string(width - num.size(), ' ') + num + " |") + " " +
           std::string(line) + "\n";
    const int carets = std::max(1, ColumnCount(line.substr(from, to - from)));
    out += p.paint("1;34", pad + " |") + " " + Indent(line, from) +
           p.paint("1;31", std::string(carets, '^')) + "\n";
  };
  if (last - first + 1 <= kMaxSnippetLines) {
    for (int ln = first; ln <= last; ++ln) emit(ln);
  } else {
    emit(first);
    emit(first + 1);
    out += p.paint("1;34", pad + " |") + " ...\n";
    emit(last);
  }
}

}  // namespace

std::string RenderTextFindings(const Report& r, const TextOptions& options) {
  const Palette p{options.color};
  std::string out;
  for (const Diagnostic& d : r.diagnostics) {
    if (!options.show_hints && d.severity == Severity::kHint) continue;
    const Span span = Locate(r, d);
    // A path (a folder name) and a message (quoting identifiers) are untrusted text: their
    // control characters must not reach the terminal.
    out += p.paint("1", EscapeControl(d.path) + ":" + std::to_string(span.begin.line) + ":" +
                            std::to_string(span.begin.column) + ":");
    out += " " + p.paint(SeverityCode(d.severity), SeverityName(d.severity)) + ": ";
    out += p.paint("1", EscapeControlInLines(d.message)) + " " + p.paint("2", "[" + d.rule + "]") +
           "\n";
    auto it = r.sources.find(d.path);
    if (it != r.sources.end() && it->second) Snippet(*it->second, span, p, out);
    if (!d.help.empty()) out += "  = " + p.paint("1;36", "help") + ": " + d.help + "\n";
    if (d.fixable) out += "  = " + p.paint("1;32", "fix") + ": `lockstep fix` rewrites this\n";
    out += "\n";
  }
  return out;
}

std::string RenderTextSummary(const Counts& c, size_t files_linted, const TextOptions& options) {
  const Palette p{options.color};
  std::string summary;
  if (!options.show_hints) {
    // Hints left out: the summary speaks of what was shown, and one more line of the rest.
    if (c.errors + c.warnings == 0) {
      summary = c.hints ? "no errors or warnings" : "no findings";
    } else {
      summary = Plural(c.errors, "error") + ", " + Plural(c.warnings, "warning") + " in " +
                Plural(c.files_with_errors_or_warnings, "file");
    }
  } else if (c.errors + c.warnings + c.hints == 0) {
    summary = "no findings";
  } else {
    summary = Plural(c.errors, "error") + ", " + Plural(c.warnings, "warning");
    if (c.hints) summary += ", " + Plural(c.hints, "hint");
    summary += " in " + Plural(c.files_with_findings, "file");
  }
  summary += " (" + Plural(files_linted, "file") + " linted)";
  const std::string_view code = c.errors ? "1;31" : c.warnings ? "1;33" : "1;32";
  std::string out = p.paint(code, summary) + "\n";
  if (!options.show_hints && c.hints) out += HiddenHintsLine(c.hints) + "\n";
  return out;
}

std::string RenderText(const Report& r, const TextOptions& options) {
  return RenderTextFindings(r, options) + RenderTextSummary(Count(r), r.files_linted, options);
}

}  // namespace lockstep::report

#include "report/report.h"

#include <algorithm>
#include <set>

// Where docs/ is published; the rule pages are docs/rules/<id>.md under it.
#ifndef LOCKSTEP_DOCS_URL
#define LOCKSTEP_DOCS_URL "https://github.com/lockstep-pg/lockstep/blob/main/docs"
#endif

namespace lockstep::report {

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "gcc") return Format::kGcc;
  if (name == "json") return Format::kJson;
  if (name == "sarif") return Format::kSarif;
  if (name == "github") return Format::kGithub;
  if (name == "markdown") return Format::kMarkdown;
  return std::nullopt;
}

Span Locate(const Report& r, const Diagnostic& d) {
  auto it = r.sources.find(d.path);
  if (it == r.sources.end() || it->second == nullptr) return {{1, 1}, {1, 1}};
  const SourceFile& f = *it->second;
  const size_t begin = static_cast<size_t>(std::max(d.begin, 0));
  const size_t end = std::max(begin, static_cast<size_t>(std::max(d.end, 0)));
  return {f.PositionOf(begin), f.PositionOf(end)};
}

Counts Count(const Report& r) {
  Counts c;
  std::set<std::string> files, problem_files;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.severity != Severity::kHint) problem_files.insert(d.path);
    switch (d.severity) {
      case Severity::kError:
        ++c.errors;
        break;
      case Severity::kWarning:
        ++c.warnings;
        break;
      case Severity::kHint:
        ++c.hints;
        break;
    }
    files.insert(d.path);
  }
  c.hints += r.hidden_hints;
  c.files_with_findings = files.size();
  c.files_with_errors_or_warnings = problem_files.size();
  return c;
}

Counts& Counts::operator+=(const Counts& o) {
  errors += o.errors;
  warnings += o.warnings;
  hints += o.hints;
  files_with_findings += o.files_with_findings;
  files_with_errors_or_warnings += o.files_with_errors_or_warnings;
  return *this;
}

std::string DocsUrl() { return LOCKSTEP_DOCS_URL; }

std::string RuleDocUrl(std::string_view rule_id) {
  // The runner's own findings are documented in docs/lint.md, every rule on its own page.
  const std::string base = LOCKSTEP_DOCS_URL;
  if (rule_id == "unused-ignore" || rule_id == "syntax-error")
    return base + "/lint.md#" + std::string(rule_id);
  return base + "/rules/" + std::string(rule_id) + ".md";
}

std::string Render(Format f, const Report& r, const TextOptions& text_options) {
  switch (f) {
    case Format::kText:
      return RenderText(r, text_options);
    case Format::kGcc:
      return RenderGcc(r, text_options) + RenderTrailer(f, Count(r), r.files_linted, text_options);
    case Format::kJson:
      return RenderJson(r);
    case Format::kSarif:
      return RenderSarif(r);
    case Format::kGithub:
      return RenderGithub(r);
    case Format::kMarkdown:
      return RenderMarkdown(r);
  }
  return {};
}

bool RendersInParts(Format f) {
  return f == Format::kText || f == Format::kGcc || f == Format::kGithub;
}

std::string RenderPart(Format f, const Report& part, const TextOptions& text_options) {
  // The part of a format without a trailer is the format itself (JSON and SARIF being whole
  // documents, not meant to be concatenated).
  switch (f) {
    case Format::kText:
      return RenderTextFindings(part, text_options);
    case Format::kGcc:
      return RenderGcc(part, text_options);
    default:
      return Render(f, part, text_options);
  }
}

std::string RenderTrailer(Format f, const Counts& counts, size_t files_linted,
                          const TextOptions& text_options) {
  if (f == Format::kText) return RenderTextSummary(counts, files_linted, text_options);
  if (f == Format::kGcc && !text_options.show_hints && counts.hints > 0)
    return HiddenHintsLine(counts.hints) + "\n";
  return "";
}

std::string HiddenHintsLine(size_t hints) {
  return std::to_string(hints) + (hints == 1 ? " hint" : " hints") +
         " not shown (--hints shows them)";
}

}  // namespace lockstep::report

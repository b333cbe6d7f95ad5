// Reporters: lint diagnostics -> text, gcc, json, sarif, GitHub workflow annotations or a
// markdown pull-request comment.
// One file per format; no lint logic here (what to report and its severity is decided before).
// Positions are computed here from byte ranges: lines and columns are 1-based, columns count
// characters (UTF-8 code points), and an end position points just past the last character.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.h"
#include "base/source.h"

namespace lockstep::report {

enum class Format { kText, kGcc, kJson, kSarif, kGithub, kMarkdown };
// "text", "gcc", "json", "sarif", "github", "markdown"
std::optional<Format> ParseFormat(std::string_view name);

// What a rule is, for formats that describe rules (SARIF) and for `lockstep rules`.
struct RuleInfo {
  std::string id;
  Severity severity = Severity::kWarning;  // default severity
  std::string summary;
  bool fixable = false;
};

// A lock that a statement takes on a live table (one created before the migration, or not in the
// history) and that blocks application traffic. Plain data, filled by the caller from the lock
// model (report/ knows no locks), for the markdown comment's table.
struct BlockingLock {
  int begin = 0;  // byte range of the statement in its file
  int end = 0;
  std::string statement;  // a one-line excerpt, already cut short
  std::string lock;       // as pg_locks.mode spells it: "ShareLock"
  std::string table;      // "public.Member"
  bool blocks_reads = false;
  bool blocks_writes = false;
  // What the statement does to the table under the lock, which decides how long it holds it.
  bool rewrites = false;  // rebuilds the table's storage
  bool scans = false;     // reads the whole table (index build, validation)
};

// One linted migration, as the markdown comment presents it.
struct MigrationSummary {
  std::string path;                    // its SQL file (Diagnostic::path of its findings)
  std::string name;                    // the migration's name (Prisma folder name or file stem)
  std::string fix_target;              // the PATH to give `lockstep fix` for it
  std::vector<BlockingLock> blocking;  // in statement order
};

struct Report {
  std::vector<Diagnostic> diagnostics;  // in the order to print
  // Hints found but not kept in `diagnostics` (text and gcc without --hints show only their
  // number): Count adds them to its hints.
  size_t hidden_hints = 0;
  // The linted files by path (Diagnostic::path). Not owned; must outlive the rendering. A
  // diagnostic whose file is missing is placed at 1:1 without a snippet.
  std::map<std::string, const SourceFile*> sources;
  size_t files_linted = 0;
  std::vector<RuleInfo> rules;  // every rule that could have reported (SARIF's rule table)
  // Every linted migration in order, for markdown (the other formats ignore it). A finding whose
  // file has no summary is listed under its path.
  std::vector<MigrationSummary> migrations;
};

struct Span {
  Position begin;
  Position end;  // just past the last character; equals begin for an empty range
};
// The line/column span of `d` (1:1 when its file is unknown).
Span Locate(const Report& r, const Diagnostic& d);

struct Counts {
  size_t errors = 0;
  size_t warnings = 0;
  size_t hints = 0;
  // Of `diagnostics`: a file whose only findings are hidden hints is not counted (the text
  // summary shows this count only when hints are shown, and then none is hidden).
  size_t files_with_findings = 0;
  size_t files_with_errors_or_warnings = 0;  // what the summary counts when hints are not shown

  // Sums the counts of reports on disjoint sets of files.
  Counts& operator+=(const Counts& o);
};
Counts Count(const Report& r);

// Where the docs are published (docs/ of the repository), and a rule's page under it.
std::string DocsUrl();
std::string RuleDocUrl(std::string_view rule_id);

struct TextOptions {
  bool color = false;  // ANSI colours (the CLI enables them only on a TTY without NO_COLOR)
  // Text and gcc: false leaves hints out of the findings, and the trailer counts them in one line
  // saying how to show them (a real history yields thousands of hints, burying the errors). JSON,
  // SARIF and GitHub annotations always keep every finding.
  bool show_hints = true;
};

// `path:line:col: severity: message [rule]`, then the source line(s) with `^^^` under the
// range, `= help:` and `= fix:` lines; a summary line at the end.
std::string RenderText(const Report& r, const TextOptions& options = {});
// RenderText in two parts: the findings, then the summary line (from counts that may be summed
// over several reports).
std::string RenderTextFindings(const Report& r, const TextOptions& options = {});
std::string RenderTextSummary(const Counts& c, size_t files_linted,
                              const TextOptions& options = {});
// One line per finding: `path:line:col: error|warning|note: message [rule]` (hint -> note,
// as compilers spell it, so that editors' error parsers pick the lines up); with hints not shown,
// a last line counts them.
std::string RenderGcc(const Report& r, const TextOptions& options = {});
// The stable JSON document described in docs/json-format.md.
std::string RenderJson(const Report& r);
// SARIF 2.1.0, as GitHub code scanning accepts it.
std::string RenderSarif(const Report& r);
// GitHub Actions workflow commands: `::error
// file=…,line=…,col=…,endLine=…,endColumn=…,title=…::msg` (warnings as ::warning, hints as
// ::notice).
std::string RenderGithub(const Report& r);
// A compact pull-request comment (docs/ci.md): a hidden `<!-- lockstep -->` marker, a heading
// with the counts, then per migration with something to say its blocking locks as a table, its
// errors and warnings (hints counted), and the `lockstep fix` command when a finding is fixable.
std::string RenderMarkdown(const Report& r);

std::string Render(Format f, const Report& r, const TextOptions& text_options = {});

// Text, gcc and github are one piece per finding then a trailer (text's summary line; gcc's count
// of the hints not shown), so a
// report on disjoint sets of files can be rendered part by part, on several threads, and
// printed in order: RenderPart of each part, then RenderTrailer with their counts summed.
// JSON and SARIF are whole documents: Render only.
bool RendersInParts(Format f);
std::string RenderPart(Format f, const Report& part, const TextOptions& text_options = {});
std::string RenderTrailer(Format f, const Counts& counts, size_t files_linted,
                          const TextOptions& text_options = {});
// "12 hints not shown (--hints shows them)": the line text and gcc end with when hints are left
// out.
std::string HiddenHintsLine(size_t hints);

}  // namespace lockstep::report

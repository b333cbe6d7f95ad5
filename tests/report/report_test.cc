// Each reporter, checked structurally: JSON and SARIF are parsed back, gcc and GitHub lines are
// split into their fields, text is checked for caret placement (character-aware) and colour.
#include "report/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace lockstep::report {
namespace {

// Line 2 has a two-byte character before the flagged range, so byte and character columns differ.
const char kSql[] =
    "CREATE TABLE t (id int);\n"
    "-- é\tCREATE INDEX i ON t (id);\n"
    "ALTER TABLE t\n"
    "  ADD COLUMN a int;\n";

Diagnostic Make(std::string rule, Severity s, std::string msg, int begin, int end) {
  Diagnostic d;
  d.rule = std::move(rule);
  d.severity = s;
  d.message = std::move(msg);
  d.path = "migrations/0001_init/migration.sql";
  d.begin = begin;
  d.end = end;
  return d;
}

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() : file_("migrations/0001_init/migration.sql", kSql) {
    const std::string sql = kSql;
    const int idx = static_cast<int>(sql.find("CREATE INDEX"));
    Diagnostic a = Make("require-concurrent-index", Severity::kError, "CREATE INDEX blocks writes",
                        idx, idx + 12);
    a.help = "use CREATE INDEX CONCURRENTLY, outside a transaction";
    a.fixable = true;
    a.edits.push_back({idx + 12, idx + 12, " CONCURRENTLY"});
    const int alter = static_cast<int>(sql.find("ALTER TABLE"));
    const int semi = static_cast<int>(sql.rfind(';'));
    Diagnostic b = Make("some-warning", Severity::kWarning, "spans lines, with a comma: and colon",
                        alter, semi);
    Diagnostic c = Make("some-hint", Severity::kHint, "first line\nsecond line", 0, 0);
    r_.diagnostics = {a, b, c};
    r_.sources[file_.path()] = &file_;
    r_.files_linted = 3;
    r_.rules = {
        {"require-concurrent-index", Severity::kError, "CREATE INDEX without CONCURRENTLY", true},
        {"some-warning", Severity::kWarning, "a warning", false}};
  }
  SourceFile file_;
  Report r_;
};

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST_F(ReportTest, LocateCountsCharacters) {
  const Span a = Locate(r_, r_.diagnostics[0]);
  EXPECT_EQ(a.begin.line, 2);
  EXPECT_EQ(a.begin.column, 6);  // "-- é\t" is 5 characters (6 bytes)
  EXPECT_EQ(a.end.line, 2);
  EXPECT_EQ(a.end.column, 18);
  const Span b = Locate(r_, r_.diagnostics[1]);
  EXPECT_EQ(b.begin.line, 3);
  EXPECT_EQ(b.begin.column, 1);
  EXPECT_EQ(b.end.line, 4);
  EXPECT_EQ(b.end.column, 19);
  Diagnostic unknown = r_.diagnostics[0];
  unknown.path = "elsewhere.sql";
  EXPECT_EQ(Locate(r_, unknown).begin.line, 1);
}

TEST_F(ReportTest, Json) {
  const auto doc = nlohmann::json::parse(RenderJson(r_));
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["tool"]["name"], "lockstep");
  EXPECT_EQ(doc["files_linted"], 3);
  EXPECT_EQ(doc["summary"]["errors"], 1);
  EXPECT_EQ(doc["summary"]["warnings"], 1);
  EXPECT_EQ(doc["summary"]["hints"], 1);
  EXPECT_EQ(doc["summary"]["files_with_findings"], 1);
  ASSERT_EQ(doc["diagnostics"].size(), 3u);
  const auto& d = doc["diagnostics"][0];
  for (const char* key : {"rule", "severity", "message", "help", "file", "line", "column",
                          "end_line", "end_column", "byte_begin", "byte_end", "fixable", "edits"})
    EXPECT_TRUE(d.contains(key)) << key;
  EXPECT_EQ(d["rule"], "require-concurrent-index");
  EXPECT_EQ(d["severity"], "error");
  EXPECT_EQ(d["file"], "migrations/0001_init/migration.sql");
  EXPECT_EQ(d["line"], 2);
  EXPECT_EQ(d["column"], 6);
  EXPECT_EQ(d["end_column"], 18);
  EXPECT_EQ(d["byte_begin"], r_.diagnostics[0].begin);
  EXPECT_EQ(d["fixable"], true);
  EXPECT_EQ(d["edits"][0]["text"], " CONCURRENTLY");
  EXPECT_EQ(doc["diagnostics"][2]["message"], "first line\nsecond line");
  EXPECT_EQ(doc["diagnostics"][2]["severity"], "hint");
}

TEST_F(ReportTest, JsonSurvivesInvalidUtf8) {
  r_.diagnostics[0].message = "bad \xff byte";
  EXPECT_NO_THROW(nlohmann::json::parse(RenderJson(r_)));
  EXPECT_NO_THROW(nlohmann::json::parse(RenderSarif(r_)));
}

TEST_F(ReportTest, SarifHasWhatCodeScanningRequires) {
  const auto doc = nlohmann::json::parse(RenderSarif(r_));
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_TRUE(doc["$schema"].get<std::string>().find("sarif-2.1.0") != std::string::npos);
  ASSERT_EQ(doc["runs"].size(), 1u);
  const auto& run = doc["runs"][0];
  const auto& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "lockstep");
  const std::set<std::string> levels = {"none", "note", "warning", "error"};
  std::set<std::string> ids;
  for (const auto& rule : driver["rules"]) {
    ASSERT_TRUE(rule["id"].is_string());
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    const std::string uri = rule["helpUri"];
    EXPECT_EQ(uri.rfind("https://", 0), 0u) << uri;
    EXPECT_TRUE(levels.count(rule["defaultConfiguration"]["level"].get<std::string>()));
    ids.insert(rule["id"].get<std::string>());
  }
  // The table lists every rule given plus any rule that reported without being listed.
  EXPECT_EQ(ids, (std::set<std::string>{"require-concurrent-index", "some-warning", "some-hint"}));
  EXPECT_NE(
      driver["rules"][0]["helpUri"].get<std::string>().find("rules/require-concurrent-index.md"),
      std::string::npos);
  ASSERT_EQ(run["results"].size(), 3u);
  for (const auto& res : run["results"]) {
    const std::string id = res["ruleId"];
    EXPECT_EQ(driver["rules"][res["ruleIndex"].get<size_t>()]["id"], id);
    EXPECT_TRUE(levels.count(res["level"].get<std::string>()));
    EXPECT_FALSE(res["message"]["text"].get<std::string>().empty());
    const auto& loc = res["locations"][0]["physicalLocation"];
    const std::string uri = loc["artifactLocation"]["uri"];
    EXPECT_NE(uri[0], '/');
    EXPECT_EQ(uri.find("://"), std::string::npos);
    const auto& reg = loc["region"];
    EXPECT_GE(reg["startLine"].get<int>(), 1);
    EXPECT_GE(reg["startColumn"].get<int>(), 1);
    EXPECT_GE(reg["endLine"].get<int>(), reg["startLine"].get<int>());
  }
  const auto& first = run["results"][0];
  EXPECT_EQ(first["level"], "error");
  EXPECT_EQ(first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "migrations/0001_init/migration.sql");
  EXPECT_EQ(first["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
  EXPECT_EQ(first["locations"][0]["physicalLocation"]["region"]["startColumn"], 6);
  EXPECT_EQ(first["locations"][0]["physicalLocation"]["region"]["endColumn"], 18);
  EXPECT_NE(first["message"]["text"].get<std::string>().find("help: use CREATE INDEX CONCURRENTLY"),
            std::string::npos);
  EXPECT_EQ(run["results"][2]["level"], "note");
}

TEST_F(ReportTest, SarifUriEscaping) {
  r_.diagnostics.resize(1);
  r_.diagnostics[0].path = "./my dir/a#b.sql";
  const auto doc = nlohmann::json::parse(RenderSarif(r_));
  EXPECT_EQ(
      doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
      "my%20dir/a%23b.sql");
}

TEST_F(ReportTest, Gcc) {
  const auto lines = Lines(RenderGcc(r_));
  ASSERT_EQ(lines.size(), 3u);
  const std::regex re(R"(^([^:]+):(\d+):(\d+): (error|warning|note): (.*) \[([a-z-]+)\]$)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, re)) << lines[0];
  EXPECT_EQ(m[1], "migrations/0001_init/migration.sql");
  EXPECT_EQ(m[2], "2");
  EXPECT_EQ(m[3], "6");
  EXPECT_EQ(m[4], "error");
  EXPECT_EQ(m[6], "require-concurrent-index");
  ASSERT_TRUE(std::regex_match(lines[1], m, re)) << lines[1];
  EXPECT_EQ(m[4], "warning");
  ASSERT_TRUE(std::regex_match(lines[2], m, re)) << lines[2];
  EXPECT_EQ(m[4], "note");
  EXPECT_EQ(m[5], "first line second line");  // one line per finding
}

// Splits `::cmd k=v,k=v::message` into its parts, undoing the runner's escaping.
struct Annotation {
  std::string command;
  std::map<std::string, std::string> props;
  std::string message;
};
std::string Unescape(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
Annotation ParseAnnotation(const std::string& line) {
  Annotation a;
  EXPECT_EQ(line.rfind("::", 0), 0u);
  const size_t sp = line.find(' ');
  const size_t sep = line.find("::", 2);
  a.command = line.substr(2, sp - 2);
  std::string props = line.substr(sp + 1, sep - sp - 1);
  std::istringstream in(props);
  for (std::string kv; std::getline(in, kv, ',');) {
    const size_t eq = kv.find('=');
    a.props[kv.substr(0, eq)] = Unescape(kv.substr(eq + 1));
  }
  a.message = Unescape(line.substr(sep + 2));
  return a;
}

TEST_F(ReportTest, Github) {
  r_.diagnostics[1].path = "a,b:c.sql";  // properties must escape ',' and ':'
  const auto lines = Lines(RenderGithub(r_));
  ASSERT_EQ(lines.size(), 3u);  // newlines inside messages are escaped
  Annotation a = ParseAnnotation(lines[0]);
  EXPECT_EQ(a.command, "error");
  EXPECT_EQ(a.props["file"], "migrations/0001_init/migration.sql");
  EXPECT_EQ(a.props["line"], "2");
  EXPECT_EQ(a.props["col"], "6");
  EXPECT_EQ(a.props["endLine"], "2");
  EXPECT_EQ(a.props["endColumn"], "18");
  EXPECT_EQ(a.props["title"], "require-concurrent-index");
  EXPECT_EQ(
      a.message,
      "CREATE INDEX blocks writes\nhelp: use CREATE INDEX CONCURRENTLY, outside a transaction");
  Annotation b = ParseAnnotation(lines[1]);
  EXPECT_EQ(b.command, "warning");
  EXPECT_EQ(b.props["file"], "a,b:c.sql");
  EXPECT_EQ(b.message, "spans lines, with a comma: and colon");
  EXPECT_EQ(ParseAnnotation(lines[2]).command, "notice");
  EXPECT_EQ(ParseAnnotation(lines[2]).message, "first line\nsecond line");
}

TEST_F(ReportTest, TextCaretsUnderTheRange) {
  const std::string out = RenderText(r_);
  EXPECT_EQ(out.find("\033["), std::string::npos);
  const auto lines = Lines(out);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0],
            "migrations/0001_init/migration.sql:2:6: error: CREATE INDEX blocks writes "
            "[require-concurrent-index]");
  // The source line, then the carets: the tab is kept and 'é' counts as one column.
  EXPECT_EQ(lines[2], "2 | -- é\tCREATE INDEX i ON t (id);");
  EXPECT_EQ(lines[3],
            "  | "
            "    \t^^^^^^^^^^^^");  // 4 columns of "-- é", then the tab
  EXPECT_NE(out.find("  = help: use CREATE INDEX CONCURRENTLY"), std::string::npos);
  EXPECT_NE(out.find("  = fix: "), std::string::npos);
  // A two-line range underlines both lines (the second from its first non-blank).
  EXPECT_NE(out.find("3 | ALTER TABLE t\n  | ^^^^^^^^^^^^^\n4 |   ADD COLUMN a int;\n  |   "
                     "^^^^^^^^^^^^^^^^\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(lines.back(), "1 error, 1 warning, 1 hint in 1 file (3 files linted)");
}

TEST_F(ReportTest, TextColourOnlyWhenAsked) {
  TextOptions o;
  o.color = true;
  const std::string out = RenderText(r_, o);
  EXPECT_NE(out.find("\033[1;31merror\033[0m"), std::string::npos);
}

TEST_F(ReportTest, TextSummaryWhenClean) {
  r_.diagnostics.clear();
  EXPECT_EQ(RenderText(r_), "no findings (3 files linted)\n");
  EXPECT_EQ(RenderGcc(r_), "");
  EXPECT_EQ(RenderGithub(r_), "");
  EXPECT_EQ(nlohmann::json::parse(RenderSarif(r_))["runs"][0]["results"].size(), 0u);
}

TEST_F(ReportTest, TextLongRangeIsElided) {
  std::string sql;
  for (int i = 1; i <= 10; ++i) sql += "line" + std::to_string(i) + "\n";
  SourceFile f("x.sql", sql);
  Report r;
  r.sources["x.sql"] = &f;
  Diagnostic d = Make("r", Severity::kError, "m", 0, static_cast<int>(sql.size()) - 1);
  d.path = "x.sql";
  r.diagnostics = {d};
  const std::string out = RenderText(r);
  EXPECT_NE(out.find(" 1 | line1\n"), std::string::npos) << out;
  EXPECT_NE(out.find(" 2 | line2\n"), std::string::npos);
  EXPECT_NE(out.find("   | ...\n"), std::string::npos);
  EXPECT_NE(out.find("10 | line10\n"), std::string::npos);
  EXPECT_EQ(out.find("line5"), std::string::npos);
}

// The CLI renders each directory's findings on its own thread and prints the parts in order:
// that must print exactly what rendering the whole report does.
TEST_F(ReportTest, PartsConcatenateToTheWhole) {
  SourceFile other("migrations/0002_more/migration.sql", "DROP TABLE t;\n");
  Diagnostic d = Make("ban-drop-table", Severity::kError, "drops t", 0, 13);
  d.path = other.path();
  Report whole = r_;
  whole.diagnostics.push_back(d);
  whole.sources[other.path()] = &other;
  Report first = r_;
  Report second;
  second.diagnostics = {d};
  second.sources[other.path()] = &other;
  Counts summed = Count(first);
  summed += Count(second);
  EXPECT_EQ(summed.errors, 2u);
  EXPECT_EQ(summed.files_with_findings, 2u);
  for (const bool color : {false, true})
    for (const bool hints : {false, true}) {
      TextOptions o;
      o.color = color;
      o.show_hints = hints;
      for (const Format f : {Format::kText, Format::kGcc, Format::kGithub}) {
        ASSERT_TRUE(RendersInParts(f));
        const std::string parts = RenderPart(f, first, o) + RenderPart(f, second, o) +
                                  RenderTrailer(f, summed, whole.files_linted, o);
        EXPECT_EQ(parts, Render(f, whole, o)) << static_cast<int>(f);
      }
    }
  EXPECT_FALSE(RendersInParts(Format::kJson));
  EXPECT_FALSE(RendersInParts(Format::kSarif));
}

// A real history yields thousands of hints: text and gcc show errors and warnings, then one line
// counting the hints; the machine formats keep everything.
TEST_F(ReportTest, HintsHiddenFromTextAndGccCountedInOneLine) {
  TextOptions hidden;
  hidden.show_hints = false;
  for (const Format f : {Format::kText, Format::kGcc}) {
    const std::string shown = Render(f, r_);
    const std::string out = Render(f, r_, hidden);
    EXPECT_NE(shown.find("some-hint"), std::string::npos) << shown;
    EXPECT_EQ(out.find("some-hint"), std::string::npos) << out;
    EXPECT_NE(out.find("some-warning"), std::string::npos) << out;
    EXPECT_NE(out.find("require-concurrent-index"), std::string::npos) << out;
    const std::vector<std::string> lines = Lines(out);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "1 hint not shown (--hints shows them)") << out;
  }
  EXPECT_EQ(Lines(Render(Format::kText, r_, hidden)).end()[-2],
            "1 error, 1 warning in 1 file (3 files linted)");
  for (const Format f : {Format::kJson, Format::kSarif, Format::kGithub})
    EXPECT_EQ(Render(f, r_, hidden), Render(f, r_)) << static_cast<int>(f);
  // Nothing but hints: the summary does not claim findings it hides.
  Report only_hints = r_;
  only_hints.diagnostics = {r_.diagnostics[2]};
  EXPECT_EQ(RenderText(only_hints, hidden),
            "no errors or warnings (3 files linted)\n1 hint not shown (--hints shows them)\n");
}

// The comment's structure; its exact bytes on real lint runs are held by golden files
// (tests/e2e/lint_markdown.sh).
TEST_F(ReportTest, MarkdownComment) {
  MigrationSummary m;
  m.path = "migrations/0001_init/migration.sql";
  m.name = "0001_init";
  m.fix_target = "migrations/0001_init";
  BlockingLock b;
  b.begin = r_.diagnostics[0].begin;
  b.end = r_.diagnostics[0].end;
  b.statement = "CREATE INDEX \"a|b\" ON t (id)";
  b.lock = "ShareLock";
  b.table = "public.t";
  b.blocks_writes = true;
  b.scans = true;
  m.blocking.push_back(b);
  r_.migrations = {m};
  r_.diagnostics[1].message = "a *starred* <b>tag</b>";
  const std::string out = RenderMarkdown(r_);
  const std::vector<std::string> lines = Lines(out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "<!-- lockstep -->");  // the action finds its own comment by this line
  EXPECT_EQ(lines[1], "### lockstep lint: 1 error, 1 warning, 1 hint");
  // A `|` inside the statement would split the table row: escaped, even inside code.
  EXPECT_NE(
      out.find("| 2 | `CREATE INDEX \"a\\|b\" ON t (id)` | ShareLock | public.t | writes | scan |"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("a \\*starred\\* \\<b\\>tag\\</b\\>"), std::string::npos) << out;
  EXPECT_NE(out.find("- **error** 2:6 CREATE INDEX blocks writes"), std::string::npos) << out;
  // Hints are counted, not listed.
  EXPECT_EQ(out.find("first line"), std::string::npos) << out;
  EXPECT_NE(out.find("1 hint not listed"), std::string::npos) << out;
  EXPECT_NE(out.find("Fix: `lockstep fix migrations/0001_init`"), std::string::npos) << out;
  // No fixable finding: no fix command.
  r_.diagnostics[0].fixable = false;
  EXPECT_EQ(RenderMarkdown(r_).find("lockstep fix"), std::string::npos);
  EXPECT_EQ(Render(Format::kMarkdown, r_), RenderMarkdown(r_));
}

TEST(Format, Parse) {
  EXPECT_EQ(ParseFormat("sarif"), Format::kSarif);
  EXPECT_EQ(ParseFormat("github"), Format::kGithub);
  EXPECT_EQ(ParseFormat("markdown"), Format::kMarkdown);
  EXPECT_FALSE(ParseFormat("xml").has_value());
}

}  // namespace
}  // namespace lockstep::report

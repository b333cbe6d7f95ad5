// A rule test case file (tests/rules/<rule-id>/*.sql, format in tests/rules/README.md): its
// settings, its migrations (all but the last are history, or all but the Prisma 8 packages of the
// run at the end) and its inline expectations.
#pragma once

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/source.h"
#include "lint/runner.h"
#include "rules/rule.h"

namespace lockstep::testing {

struct Expectation {
  int line = 0;    // 1-based line of the case file
  int column = 0;  // 1-based; 0 = any column
  std::string rule;
};

struct RuleCase {
  std::string path;
  rules::Settings settings;
  std::set<std::string> rules;  // empty = all rules
  std::vector<analysis::MigrationText> migrations;
  std::vector<int> first_line;  // file line of each migration's first line
  // The migrations from this one on are linted: the last one, or the packages of the run that
  // ends the file (`-- ==== package:`), one transaction.
  size_t analysed_from = 0;
  std::vector<Expectation> expectations;
  std::vector<std::string> errors;  // malformed header or expectation lines
};

// A diagnostic placed on the case file: line and column of its start.
struct Placed {
  int line = 0;
  int column = 0;
  const Diagnostic* d = nullptr;
};

namespace detail {

inline std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

inline bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

inline std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(detail::Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(detail::Trim(cur));
  return out;
}

}  // namespace detail

// Applies one "key=value" of a `-- settings:` header; false when the key or value is unknown.
inline bool ApplySetting(rules::Settings& s, const std::string& key, const std::string& value) {
  auto boolean = [&](bool& out) {
    if (value == "true")
      out = true;
    else if (value == "false")
      out = false;
    else
      return false;
    return true;
  };
  if (key == "pg_version") {
    if (value.empty() || !std::all_of(value.begin(), value.end(), ::isdigit)) return false;
    s.pg_version = std::stoi(value);
    return true;
  }
  if (key == "assume_in_transaction") return boolean(s.assume_in_transaction);
  if (key == "deployed_by_lockstep") return boolean(s.deployed_by_lockstep);
  return false;
}

// Parses a case file's text. `default_rule` is the folder's rule id (run alone unless a
// `-- rules:` header says otherwise).
inline RuleCase ParseRuleCase(const std::string& path, const std::string& text,
                              const std::string& default_rule) {
  RuleCase c;
  c.path = path;
  c.rules = {default_rule};
  // Split into lines keeping the terminators, so that migration texts are exact substrings.
  std::vector<std::string> lines;
  for (size_t i = 0; i < text.size();) {
    size_t j = text.find('\n', i);
    j = j == std::string::npos ? text.size() : j + 1;
    lines.push_back(text.substr(i, j - i));
    i = j;
  }
  const std::string kMarker = "-- ==== migration:";
  const std::string kPackage = "-- ==== package:";
  bool any_marker = false;
  for (const std::string& l : lines)
    any_marker = any_marker || detail::StartsWith(l, kMarker) || detail::StartsWith(l, kPackage);
  std::string cur;
  std::string cur_name = "case";
  int cur_first = 1;
  bool in_migration = !any_marker;
  bool cur_package = false;
  std::vector<bool> package;  // of each migration
  auto flush = [&]() {
    if (!in_migration) return;
    c.migrations.push_back({cur_name, path + "#" + cur_name, cur});
    c.first_line.push_back(cur_first);
    package.push_back(cur_package);
  };
  for (size_t n = 0; n < lines.size(); ++n) {
    const int line_no = static_cast<int>(n) + 1;
    const std::string line = lines[n];
    const std::string trimmed = detail::Trim(line);
    const bool is_package = detail::StartsWith(trimmed, kPackage);
    if (is_package || detail::StartsWith(trimmed, kMarker)) {
      flush();
      cur.clear();
      cur_name = detail::Trim(trimmed.substr((is_package ? kPackage : kMarker).size()));
      cur_first = line_no + 1;
      in_migration = true;
      cur_package = is_package;
      continue;
    }
    if (detail::StartsWith(trimmed, "-- settings:")) {
      std::istringstream in(trimmed.substr(12));
      std::string kv;
      while (in >> kv) {
        const size_t eq = kv.find('=');
        if (eq == std::string::npos ||
            !ApplySetting(c.settings, kv.substr(0, eq), kv.substr(eq + 1)))
          c.errors.push_back("line " + std::to_string(line_no) + ": bad setting '" + kv + "'");
      }
    } else if (detail::StartsWith(trimmed, "-- rules:")) {
      const std::string v = detail::Trim(trimmed.substr(9));
      c.rules.clear();
      if (v != "all")
        for (const std::string& r : detail::Split(v, ',')) c.rules.insert(r);
    }
    const size_t e = line.find("-- expect:");
    if (e != std::string::npos) {
      for (const std::string& item : detail::Split(detail::Trim(line.substr(e + 10)), ',')) {
        Expectation x;
        x.line = line_no;
        const size_t at = item.find('@');
        x.rule = detail::Trim(item.substr(0, at));
        if (at != std::string::npos) {
          const std::string col = detail::Trim(item.substr(at + 1));
          if (col.empty() || !std::all_of(col.begin(), col.end(), ::isdigit)) {
            c.errors.push_back("line " + std::to_string(line_no) + ": bad column in '" + item +
                               "'");
            continue;
          }
          x.column = std::stoi(col);
        }
        if (x.rule.empty()) {
          c.errors.push_back("line " + std::to_string(line_no) + ": empty expectation");
          continue;
        }
        c.expectations.push_back(x);
      }
    }
    cur += line;
  }
  flush();
  if (c.migrations.empty()) c.errors.push_back("no migration in the file");
  // The packages that end the file are one run, continuing one transaction (as
  // migrations::PlaceInOneRun marks them); a package followed by a plain migration is history.
  c.analysed_from = c.migrations.empty() ? 0 : c.migrations.size() - 1;
  while (c.analysed_from > 0 && package[c.analysed_from] && package[c.analysed_from - 1])
    --c.analysed_from;
  for (size_t i = c.analysed_from + 1; i < c.migrations.size(); ++i)
    c.migrations[i].continues_transaction = true;
  // Expectations belong to the analysed migrations.
  if (!c.first_line.empty())
    for (const Expectation& x : c.expectations)
      if (x.line < c.first_line[c.analysed_from])
        c.errors.push_back("line " + std::to_string(x.line) +
                           ": expectation in a history migration (history is not linted)");
  return c;
}

// Lints the case (history replayed, the last migration or the run of packages analysed).
// Every field of every finding, one line each: what two ways of linting must agree on.
inline std::string Everything(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) {
    out += d.path + ":" + std::to_string(d.begin) + "-" + std::to_string(d.end) + " " + d.rule +
           " " + std::to_string(static_cast<int>(d.severity)) + (d.fixable ? " fixable " : " ") +
           d.message + " | " + d.help;
    for (const Edit& e : d.edits)
      out += " [" + std::to_string(e.begin) + "," + std::to_string(e.end) + ")=" + e.text;
    out += "\n";
  }
  return out;
}

// `streamed`: as lint streams a large file (lint::ReplayForLint's stream_above), every analysed
// migration streamed a statement at a time, to check that rules see the same either way.
inline std::vector<Diagnostic> LintCase(const RuleCase& c, bool streamed = false) {
  analysis::History h = lint::ReplayForLint(c.migrations, c.analysed_from, c.settings, nullptr,
                                            streamed ? 0 : SIZE_MAX);
  lint::Options o;
  o.settings = c.settings;
  o.only_rules = c.rules;
  if (streamed) o.stream_batch_bytes = 1;
  return lint::Run(h, o);
}

// Places the diagnostics on the case file: line and column of each start, in the migration its
// path names (the last one when none does).
inline std::vector<Placed> Place(const RuleCase& c, const std::vector<Diagnostic>& ds) {
  std::vector<Placed> out;
  for (const Diagnostic& d : ds) {
    size_t m = c.migrations.size() - 1;
    for (size_t i = c.analysed_from; i < c.migrations.size(); ++i)
      if (c.migrations[i].path == d.path) m = i;
    const SourceFile src(c.migrations[m].path, c.migrations[m].text);
    const Position p = src.PositionOf(static_cast<size_t>(d.begin));
    out.push_back({c.first_line[m] + p.line - 1, p.column, &d});
  }
  return out;
}

}  // namespace lockstep::testing

#include "lint/config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#if __has_include(<toml++/toml.h>)
#include <toml++/toml.h>
#define LOCKSTEP_HAVE_TOML 1
#endif

namespace lockstep::lint {

namespace fs = std::filesystem;

std::optional<FailOn> ParseFailOn(std::string_view s) {
  if (s == "hint") return FailOn::kHint;
  if (s == "warning") return FailOn::kWarning;
  if (s == "error") return FailOn::kError;
  if (s == "none") return FailOn::kNone;
  return std::nullopt;
}

bool Fails(FailOn f, Severity s) {
  switch (f) {
    case FailOn::kNone:
      return false;
    case FailOn::kHint:
      return true;
    case FailOn::kWarning:
      return s >= Severity::kWarning;
    case FailOn::kError:
      return s >= Severity::kError;
  }
  return false;
}

#ifdef LOCKSTEP_HAVE_TOML

namespace {

std::string Where(const std::string& path, const toml::source_region& src) {
  return path + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

Status Bad(const std::string& path, const toml::node& n, std::string message) {
  return Status::Error(std::move(message), Where(path, n.source()));
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, const std::string& path,
                           const std::vector<std::string>& known_rules) {
  Config c;
  c.path = path;
  c.base_dir = fs::path(path).parent_path().string();
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::Error(std::string(e.description()), Where(path, e.source()));
  }
  for (auto&& [key, node] : doc) {
    if (key != "lint" && key != "rules" && key != "estimates")
      return Bad(path, node,
                 "unknown section '" + std::string(key.str()) +
                     "' (expected [lint], [rules] or [estimates])");
    if (!node.is_table())
      return Bad(path, node, "'" + std::string(key.str()) + "' must be a table");
  }
  if (const toml::table* lint = doc["lint"].as_table()) {
    for (auto&& [key, node] : *lint) {
      const std::string k(key.str());
      if (k == "pg_version") {
        auto v = node.value_exact<int64_t>();
        if (!v || *v < 11 || *v > 18)
          return Bad(path, node, "pg_version must be a PostgreSQL major version from 11 to 18");
        c.options.settings.pg_version = static_cast<int>(*v);
        c.pg_version_set = true;
      } else if (k == "assume_in_transaction") {
        auto v = node.value_exact<bool>();
        if (!v) return Bad(path, node, "assume_in_transaction must be true or false");
        c.options.settings.assume_in_transaction = *v;
      } else if (k == "deployer") {
        auto v = node.value_exact<std::string>();
        if (!v || (*v != "lockstep" && *v != "other"))
          return Bad(path, node, "deployer must be \"lockstep\" or \"other\"");
        c.options.settings.deployed_by_lockstep = *v == "lockstep";
      } else if (k == "exclude") {
        const toml::array* a = node.as_array();
        if (!a) return Bad(path, node, "exclude must be an array of glob strings");
        for (const toml::node& g : *a) {
          auto s = g.value_exact<std::string>();
          if (!s) return Bad(path, g, "exclude must be an array of glob strings");
          c.exclude.push_back(*s);
        }
      } else if (k == "fail_on") {
        auto v = node.value_exact<std::string>();
        std::optional<FailOn> f = v ? ParseFailOn(*v) : std::nullopt;
        if (!f)
          return Bad(path, node, "fail_on must be \"hint\", \"warning\", \"error\" or \"none\"");
        c.fail_on = f;
      } else {
        return Bad(path, node,
                   "unknown key '" + k +
                       "' in [lint] (expected pg_version, assume_in_transaction, deployer, "
                       "exclude, fail_on)");
      }
    }
  }
  if (const toml::table* est = doc["estimates"].as_table()) {
    for (auto&& [key, node] : *est) {
      const std::string k(key.str());
      std::optional<double> v = node.value<double>();  // integers too
      if (k != "hint_below_seconds" && k != "error_above_seconds")
        return Bad(path, node,
                   "unknown key '" + k +
                       "' in [estimates] (expected hint_below_seconds, error_above_seconds)");
      if (!v || *v < 0 || !node.is_number())
        return Bad(path, node, k + " must be a number of seconds, 0 or more");
      (k == "hint_below_seconds" ? c.sizes.hint_below_seconds : c.sizes.error_above_seconds) = *v;
    }
    if (c.sizes.hint_below_seconds > c.sizes.error_above_seconds)
      return Bad(path, *est, "hint_below_seconds must not exceed error_above_seconds");
  }
  if (const toml::table* rules_table = doc["rules"].as_table()) {
    for (auto&& [key, node] : *rules_table) {
      const std::string id(key.str());
      if (std::find(known_rules.begin(), known_rules.end(), id) == known_rules.end())
        return Status::Error("unknown rule '" + id + "' (`lockstep rules` lists them)",
                             Where(path, key.source()));
      auto v = node.value_exact<std::string>();
      if (v && *v == "off") {
        c.options.disabled_rules.insert(id);
      } else if (v && (*v == "hint" || *v == "warning" || *v == "error")) {
        c.options.severity_overrides[id] = *v == "hint"      ? Severity::kHint
                                           : *v == "warning" ? Severity::kWarning
                                                             : Severity::kError;
      } else {
        return Bad(path, node,
                   "rule '" + id + "' must be \"off\", \"hint\", \"warning\" or \"error\"");
      }
    }
  }
  return c;
}

#else

Result<Config> ParseConfig(std::string_view, const std::string& path,
                           const std::vector<std::string>&) {
  return Status::Error("this lockstep was built without toml++, so it cannot read lockstep.toml",
                       path);
}

#endif

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read config file", path);
  std::ostringstream buf;
  buf << in.rdbuf();
  std::vector<std::string> known = {kUnusedIgnore};
  for (const auto& r : rules::AllRules()) known.emplace_back(r->id());
  return ParseConfig(buf.str(), path, known);
}

std::optional<std::string> FindConfig(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  while (true) {
    fs::path candidate = dir / "lockstep.toml";
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

namespace {

bool MatchComponent(std::string_view g, std::string_view s) {
  // Classic wildcard match with backtracking over the last '*'.
  size_t gi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (gi < g.size() && (g[gi] == '?' || g[gi] == s[si])) {
      ++gi;
      ++si;
    } else if (gi < g.size() && g[gi] == '*') {
      star = gi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      gi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (gi < g.size() && g[gi] == '*') ++gi;
  return gi == g.size();
}

std::vector<std::string_view> Split(std::string_view p) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i && p.substr(i, j - i) != ".") out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Matches glob components against a prefix of the path's components (a directory match
// covers its contents).
bool MatchParts(const std::vector<std::string_view>& g, size_t gi,
                const std::vector<std::string_view>& p, size_t pi) {
  if (gi == g.size()) return true;  // matched a directory (or the whole path)
  if (g[gi] == "**") {
    for (size_t k = pi; k <= p.size(); ++k)
      if (MatchParts(g, gi + 1, p, k)) return true;
    return false;
  }
  if (pi == p.size()) return false;
  return MatchComponent(g[gi], p[pi]) && MatchParts(g, gi + 1, p, pi + 1);
}

}  // namespace

bool GlobMatch(std::string_view glob, std::string_view path) {
  return MatchParts(Split(glob), 0, Split(path), 0);
}

bool Excluded(const Config& c, const std::string& file) {
  if (c.exclude.empty()) return false;
  std::vector<std::string> forms = {file};
  if (!c.base_dir.empty()) {
    std::error_code ec;
    fs::path abs = fs::absolute(file, ec).lexically_normal();
    fs::path base = fs::absolute(c.base_dir, ec).lexically_normal();
    fs::path rel = abs.lexically_relative(base);
    if (!rel.empty() && *rel.begin() != "..") forms.push_back(rel.generic_string());
  }
  for (const std::string& g : c.exclude)
    for (const std::string& f : forms)
      if (GlobMatch(g, f)) return true;
  return false;
}

}  // namespace lockstep::lint

// lockstep.toml: what `lockstep lint` reads to decide which rules run, how severe they are, the
// PostgreSQL version to assume and which files to skip. Format documented in docs/config.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "lint/runner.h"
#include "lint/size_scaling.h"

namespace lockstep::lint {

// Which findings make `lockstep lint` exit 1.
enum class FailOn { kHint, kWarning, kError, kNone };
std::optional<FailOn> ParseFailOn(std::string_view s);  // "hint", "warning", "error", "none"
// True when a finding of severity `s` fails the run.
bool Fails(FailOn f, Severity s);

struct Config {
  std::string path;      // the file read; empty when no config file was found
  std::string base_dir;  // its directory: `exclude` globs are relative to it
  Options options;       // settings, disabled rules and severity overrides
  std::vector<std::string> exclude;
  std::optional<FailOn> fail_on;
  // [lint] pg_version was written (options.settings.pg_version holds it): a database's server
  // version does not override it.
  bool pg_version_set = false;
  SizeThresholds sizes;  // [estimates]: used only with statistics (`lint --database`)
};

// Parses the text of a lockstep.toml. `path` is for messages ("path:line:col: error: …") and
// gives base_dir. `known_rules` are the rule ids [rules] may name (others are an error).
Result<Config> ParseConfig(std::string_view text, const std::string& path,
                           const std::vector<std::string>& known_rules);
// Reads and parses `path`; known rules are every registered rule plus "unused-ignore".
Result<Config> LoadConfig(const std::string& path);
// The nearest lockstep.toml in `start` (a file's directory, or the directory itself) or above.
std::optional<std::string> FindConfig(const std::string& start);

// True when `file` matches one of the config's exclude globs. A glob is matched against the
// file's path relative to base_dir (and against the path as given); `*` and `?` stay within a
// path component, `**` spans components, and a glob matching a directory excludes what is in it.
bool Excluded(const Config& c, const std::string& file);
bool GlobMatch(std::string_view glob, std::string_view path);

}  // namespace lockstep::lint

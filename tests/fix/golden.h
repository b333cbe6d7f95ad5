// Shared helpers of the fix tests: the golden cases under tests/fix/golden/ and running the whole
// fix pipeline (discovery, replay, plan, layout) on them, without the CLI.
//
// A case is tests/fix/golden/<name>/ holding
//   input/     a Prisma migrations directory; the fix target is its last migration
//              (or a file INPUT naming such a directory relative to the source tree)
//   expected/  the target folder and every new folder, byte for byte
//   OPTIONS    optional, one per line: "minimal", "pg-version N"
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fix/planner.h"
#include "fix/writer.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR

namespace lockstep::fixtest {

namespace fs = std::filesystem;

inline fs::path SourceDir() {
  const char* env = std::getenv("LOCKSTEP_SOURCE_DIR");
  return env ? fs::path(env) : fs::path(LOCKSTEP_SOURCE_DIR);
}

inline std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct GoldenCase {
  std::string name;
  fs::path dir;
  fs::path input;  // the migrations directory
  fix::Options options;
  // AMEND_ORIGINAL.sql: what fix deliberately does beyond the original, run on the original's
  // database after its history before the schemas are compared ("" for none).
  std::string amend_original;
};

inline void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

inline std::vector<GoldenCase> GoldenCases() {
  std::vector<GoldenCase> out;
  const fs::path root = SourceDir() / "tests" / "fix" / "golden";
  for (const auto& e : fs::directory_iterator(root)) {
    if (!e.is_directory() || !fs::is_directory(e.path() / "expected")) continue;
    GoldenCase c;
    c.name = e.path().filename().string();
    c.dir = e.path();
    c.input = e.path() / "input";
    if (fs::exists(e.path() / "INPUT")) {
      std::string rel = ReadAll(e.path() / "INPUT");
      while (!rel.empty() && (rel.back() == '\n' || rel.back() == ' ')) rel.pop_back();
      c.input = SourceDir() / rel;
    }
    if (fs::exists(e.path() / "AMEND_ORIGINAL.sql"))
      c.amend_original = ReadAll(e.path() / "AMEND_ORIGINAL.sql");
    std::istringstream opts(fs::exists(e.path() / "OPTIONS") ? ReadAll(e.path() / "OPTIONS") : "");
    std::string word;
    while (opts >> word) {
      if (word == "minimal") c.options.minimal = true;
      if (word == "pg-version") opts >> c.options.pg_version;
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const GoldenCase& a, const GoldenCase& b) { return a.name < b.name; });
  return out;
}

struct Fixed {
  fix::FixInput input;
  fix::Plan plan;
  std::vector<fix::OutputFile> files;
};

inline Result<Fixed> RunFix(const fs::path& path, const fix::Options& options) {
  Result<fix::FixInput> in = fix::FindFixInput(path.string());
  if (!in.ok()) return in.status();
  Result<fix::Plan> plan = fix::PlanFixOf(fix::MigrationTexts(*in), options);
  if (!plan.ok()) return plan.status();
  Result<std::vector<fix::OutputFile>> files = fix::LayOut(*in, *plan);
  if (!files.ok()) return files.status();
  return Fixed{std::move(*in), std::move(*plan), std::move(*files)};
}

// Every regular file under `dir`, by path relative to it.
inline std::map<std::string, std::string> ReadTree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = ReadAll(e.path());
  return out;
}

// A fresh empty temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lockstep-fix-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? fs::path(tmpl) : fs::path();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace lockstep::fixtest

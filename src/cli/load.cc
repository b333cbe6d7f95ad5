#include "cli/load.h"

#include <cstdio>
#include <filesystem>

#include "migrations/layout.h"

namespace lockstep::cli {

Result<LoadedMigrations> LoadForAnalysis(const std::vector<std::string>& paths) {
  Result<migrations::MigrationSet> set = migrations::Discover(paths);
  if (!set.ok()) return set.status();
  for (const migrations::Note& n : set->notes) std::fprintf(stderr, "%s\n", n.ToString().c_str());
  LoadedMigrations out;
  if (!set->sources.empty()) out.directory = set->sources[0].directory.string();
  if (set->sources.size() == 1 && set->sources[0].kind == migrations::LayoutKind::kPrismaFolder &&
      set->migrations.size() == 1) {
    // One folder: replay its siblings that sort before it.
    const migrations::Migration& target = set->migrations[0];
    Result<migrations::MigrationSet> dir = migrations::Discover(set->sources[0].directory.string());
    if (dir.ok()) {
      for (migrations::Migration& m : dir->migrations) {
        if (m.name >= target.name) break;
        out.migrations.push_back({m.name, m.sql_path.string(), std::move(m.sql)});
      }
    }
    out.history_count = out.migrations.size();
  }
  for (migrations::Migration& m : set->migrations)
    out.migrations.push_back({m.name, m.sql_path.string(), std::move(m.sql)});
  return out;
}

Result<std::optional<db::MigrationUrl>> FindProjectDatabase(const std::string& directory) {
  namespace fs = std::filesystem;
  std::vector<fs::path> places = {fs::current_path()};
  if (!directory.empty()) {
    const fs::path dir = fs::absolute(directory).lexically_normal();
    places.push_back(dir.parent_path());
    places.push_back(dir.parent_path().parent_path());
  }
  return db::FindMigrationUrl(directory, places);
}

}  // namespace lockstep::cli

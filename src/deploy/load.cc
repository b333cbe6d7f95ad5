#include "deploy/load.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "base/printable.h"
#include "base/status.h"

namespace lockstep::deploy {
namespace {

namespace fs = std::filesystem;

// Folders of a Prisma migrations directory that lack migration.sql (hidden ones aside).
std::vector<fs::path> FoldersWithoutScript(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path p = it->path();
    if (p.filename().string().starts_with('.')) continue;
    if (it->is_symlink(ec) || !it->is_directory(ec)) continue;
    if (!fs::exists(p / "migration.sql", ec)) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool IsEmptyDirectory(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name != "migration_lock.toml" && !name.starts_with('.')) return false;
  }
  return true;
}

Loaded Error(StatusCode code, std::string message) {
  Loaded l;
  l.status = Status::WithCode(code, std::move(message));
  return l;
}

}  // namespace

Loaded LoadMigrations(const std::string& path) {
  if (LooksLikeUrl(path)) {
    // Discover's error, which never quotes the password.
    return Error(StatusCode::kInvalidInput, migrations::Discover(path).status().ToString());
  }
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    return Error(StatusCode::kNotFound, Printable(path) +
                                            ": error: no such migrations directory (give the "
                                            "directory as PATH)");
  }
  if (fs::is_directory(st)) {
    if (IsEmptyDirectory(path)) {
      return Error(StatusCode::kNoMigrations,
                   path + ": error: no migrations: the directory is empty");
    }
  }
  Result<migrations::MigrationSet> set = migrations::Discover(path);
  if (!set.ok()) {
    if (fs::is_directory(st)) {
      const std::vector<fs::path> missing = FoldersWithoutScript(path);
      if (!missing.empty()) {
        return Error(StatusCode::kMissingMigrationFile,
                     Printable(missing.front().string()) +
                         ": error: migration folder without migration.sql (Prisma P3015): "
                         "restore the file or delete the folder");
      }
      // Only a directory without migrations is "no migrations"; a file that cannot be used
      // (unreadable, UTF-16, a NUL byte, another provider's lock file) is bad input.
      const bool none = set.status().message().starts_with("no migrations");
      return Error(none ? StatusCode::kNoMigrations : StatusCode::kInvalidInput,
                   set.status().ToString());
    }
    return Error(StatusCode::kInvalidInput, set.status().ToString());
  }
  if (Status s = migrations::RefusePrisma8(
          *set, "lockstep deploy",
          "waits for Prisma 8's migration format to be final (a release candidate today); "
          "`lockstep lint`, `plan` and `trace` read these packages, `prisma db migrate` applies "
          "them");
      !s.ok()) {
    return Error(StatusCode::kInvalidInput, s.ToString());
  }
  Loaded out;
  out.set = std::move(*set);
  for (const migrations::Source& s : out.set.sources) {
    if (out.directory.empty()) out.directory = s.directory.string();
    if (s.kind != migrations::LayoutKind::kPrismaDirectory) continue;
    const std::vector<fs::path> missing = FoldersWithoutScript(s.directory);
    if (!missing.empty()) {
      return Error(StatusCode::kMissingMigrationFile,
                   Printable(missing.front().string()) +
                       ": error: migration folder without migration.sql (Prisma P3015): restore "
                       "the file or delete the folder");
    }
  }
  return out;
}

std::vector<MigrationPlan> PlanAll(std::vector<migrations::Migration> migrations,
                                   const Options& options) {
  std::vector<MigrationPlan> plans;
  plans.reserve(migrations.size());
  for (migrations::Migration& m : migrations) plans.push_back(PlanMigration(std::move(m), options));
  return plans;
}

std::vector<ledger::DiskMigration> DiskMigrations(const migrations::MigrationSet& set) {
  std::vector<ledger::DiskMigration> out;
  for (const migrations::Migration& m : set.migrations) out.push_back({m.name, m.sql});
  return out;
}

}  // namespace lockstep::deploy

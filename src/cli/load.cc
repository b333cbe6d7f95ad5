#include "cli/load.h"

#include <cstdio>
#include <filesystem>

#include "base/paths.h"
#include "base/printable.h"
#include "migrations/layout.h"

namespace lockstep::cli {
namespace fs = std::filesystem;

size_t AppliedPrefix(const std::vector<const migrations::Migration*>& pending,
                     const ledger::AppliedState& applied, bool* unknown_marker) {
  if (unknown_marker) *unknown_marker = false;
  size_t through_marker = 0;  // packages up to the marker's, counted from the first
  bool any_package = false;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i]->kind != migrations::MigrationKind::kPrisma8Package) continue;
    any_package = true;
    if (applied.marker_hash && pending[i]->prisma8_to_hash == applied.marker_hash)
      through_marker = i + 1;
  }
  if (any_package && applied.marker_hash && through_marker == 0 && unknown_marker)
    *unknown_marker = true;
  size_t n = 0;
  while (n < pending.size() &&
         (n < through_marker || (pending[n]->kind == migrations::MigrationKind::kPrismaFolder &&
                                 applied.names.count(pending[n]->name))))
    ++n;
  return n;
}

LoadedMigrations LoadDiscovered(migrations::MigrationSet set, const ledger::AppliedState* applied) {
  LoadedMigrations out;
  if (!set.sources.empty()) out.directory = set.sources[0].directory.string();
  const bool one_kind =
      !set.sources.empty() && (set.sources[0].kind == migrations::LayoutKind::kPrismaFolder ||
                               set.sources[0].kind == migrations::LayoutKind::kPrisma8Package);
  if (set.sources.size() == 1 && one_kind && set.migrations.size() == 1) {
    // One folder: replay its siblings that sort before it.
    const migrations::Migration& target = set.migrations[0];
    Result<migrations::MigrationSet> dir = migrations::Discover(set.sources[0].directory.string());
    if (dir.ok()) {
      for (migrations::Migration& m : dir->migrations) {
        if (m.name >= target.name) break;
        out.migrations.push_back({m.name, m.sql_path.string(), std::move(m.sql)});
      }
    }
  }
  // What the PATHs name and the database does not record as applied is pending, after the
  // history: Prisma 8 runs all of it in one transaction, so which packages are applied must be
  // known before the run's BEGIN and COMMIT are placed.
  size_t applied_count = 0;
  if (applied) {
    std::vector<const migrations::Migration*> all;
    for (const migrations::Migration& m : set.migrations) all.push_back(&m);
    bool unknown_marker = false;
    applied_count = AppliedPrefix(all, *applied, &unknown_marker);
    if (unknown_marker)
      std::fprintf(stderr,
                   "%s: warning: the database's prisma_contract.marker is at contract %s, which "
                   "no package's migration.json names as its \"to\": every package is pending\n",
                   EscapeControl(out.directory).c_str(),
                   EscapeControl(*applied->marker_hash).c_str());
  }
  for (size_t i = 0; i < applied_count; ++i) {
    migrations::Migration& m = set.migrations[i];
    out.migrations.push_back({m.name, m.sql_path.string(), std::move(m.sql)});
  }
  out.history_count = out.migrations.size();
  std::vector<migrations::Migration*> pending;
  for (size_t i = applied_count; i < set.migrations.size(); ++i)
    pending.push_back(&set.migrations[i]);
  const std::vector<bool> continues = migrations::PlaceInOneRun(pending);
  for (size_t i = 0; i < pending.size(); ++i) {
    migrations::Migration& m = *pending[i];
    out.migrations.push_back({m.name, m.sql_path.string(), std::move(m.sql), continues[i]});
  }
  return out;
}

Result<std::optional<db::MigrationUrl>> FindProjectDatabase(
    const std::string& directory, const std::optional<db::ConfiguredDatasource>& configured) {
  std::vector<fs::path> places = {fs::current_path()};
  if (!directory.empty()) {
    const fs::path dir = fs::absolute(directory).lexically_normal();
    places.push_back(dir.parent_path());
    places.push_back(dir.parent_path().parent_path());
  }
  return db::FindMigrationUrl(directory, places, {}, configured ? &*configured : nullptr);
}

Result<std::optional<migrations::PrismaConfig>> FindProjectConfig(const std::string& flag,
                                                                  const std::string& path) {
  std::optional<fs::path> file;
  if (!flag.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(flag, ec))
      return Status::Error("--config: no such file", Printable(flag));
    file = fs::path(flag);
  } else {
    // Relative paths stay relative: the migrations found through the config are printed as
    // reached from here.
    std::error_code ec;
    fs::path dir = path.empty() ? fs::path(".") : fs::path(path);
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
    if (dir.empty()) dir = ".";
    // Prisma's CLI looks in the working directory; a PATH inside a project (its migrations
    // directory) finds the project's config up to two levels above it.
    const int levels = path.empty() || path == "." ? 1 : 3;
    for (int up = 0; up < levels && !file; ++up, dir /= "..")
      file = migrations::FindPrismaConfig(dir);
    if (!file) file = migrations::FindPrismaConfig(".");
    if (file) file = LexicallyNormal(*file);
  }
  if (!file) return std::optional<migrations::PrismaConfig>();
  Result<migrations::PrismaConfig> config = migrations::ReadPrismaConfig(*file);
  if (!config.ok()) return config.status();
  return std::optional<migrations::PrismaConfig>(std::move(*config));
}

Result<std::vector<std::string>> PathsOrConfigured(
    const std::vector<std::string>& paths, const std::string& schema,
    const std::optional<migrations::PrismaConfig>& config, const std::string& fallback) {
  if (!paths.empty()) return paths;
  if (!schema.empty()) return std::vector<std::string>{schema};
  if (config) {
    Result<std::optional<fs::path>> dir = migrations::ConfigMigrationsDirectory(*config);
    if (!dir.ok()) return dir.status();
    if (*dir) return std::vector<std::string>{(*dir)->lexically_normal().string()};
  }
  return std::vector<std::string>{fallback};
}

Result<std::optional<db::ConfiguredDatasource>> ConfiguredDatasourceOf(
    const std::optional<migrations::PrismaConfig>& config) {
  if (!config || (!config->url && !config->direct_url))
    return std::optional<db::ConfiguredDatasource>();
  db::ConfiguredDatasource out;
  out.file = EscapeControl(config->path.string());
  auto convert = [](const migrations::ConfigValue& v) {
    db::DatasourceValue d;
    if (v.form == migrations::ConfigValue::Form::kEnv) {
      d.env_name = v.env_name;
    } else {
      d.literal = v.literal;
    }
    return d;
  };
  // Prisma connects with directUrl when there is one: only that value must be readable.
  const std::optional<migrations::ConfigValue>& used =
      config->direct_url ? config->direct_url : config->url;
  if (used->form == migrations::ConfigValue::Form::kComputed) {
    return migrations::ComputedValueError(
        *used, config->direct_url ? "datasource.directUrl" : "datasource.url",
        "pass --database URL");
  }
  if (config->url && config->url->form != migrations::ConfigValue::Form::kComputed)
    out.datasource.url = convert(*config->url);
  if (config->direct_url) out.datasource.direct_url = convert(*config->direct_url);
  return std::optional<db::ConfiguredDatasource>(std::move(out));
}

void AddProjectOptions(CLI::App& app, ProjectFlags& flags) {
  app.add_option("--config", flags.config,
                 "Prisma 7's prisma.config.ts (default: the project's): without PATH, its "
                 "migrations.path");
  app.add_option("--schema", flags.schema,
                 "a Prisma schema file (or folder), as Prisma's --schema: without PATH, the "
                 "migrations/ beside it");
}

Result<Project> LoadProject(const std::vector<std::string>& paths, const ProjectFlags& flags) {
  Project p;
  Result<std::optional<migrations::PrismaConfig>> config = FindProjectConfig(flags.config, ".");
  if (config.ok()) {
    p.config = std::move(*config);
  } else if (paths.empty() || !flags.config.empty()) {
    return config.status();
  } else {
    p.config_error = config.status();
  }
  Result<std::vector<std::string>> chosen = PathsOrConfigured(paths, flags.schema, p.config, ".");
  if (!chosen.ok()) return chosen.status();
  Result<migrations::MigrationSet> set = migrations::Discover(*chosen);
  if (!set.ok()) return set.status();
  for (const migrations::Note& n : set->notes) std::fprintf(stderr, "%s\n", n.ToString().c_str());
  if (!set->sources.empty()) p.directory = set->sources[0].directory.string();
  p.discovered = std::move(*set);
  return p;
}

}  // namespace lockstep::cli

// Loading migrations for the analysing commands (plan, trace): discovery plus the history that
// comes before them (and, given what a database records as applied, ledger/applied.h, which of
// them are history too); and the Prisma 7 config (prisma.config.ts) every command that finds
// migrations or a database honours.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/status.h"
#include "db/connection.h"
#include "db/datasource.h"
#include "ledger/applied.h"
#include "migrations/layout.h"
#include "migrations/prisma_config.h"

namespace lockstep::cli {

struct LoadedMigrations {
  std::vector<analysis::MigrationText> migrations;
  size_t history_count = 0;  // the first history_count are replayed only
  std::string directory;     // the first source's directory (where the project's files are)
};

// How many of `pending` (in execution order), from the first, `applied` records: Prisma 5-7
// folders by name; Prisma 8 packages up to the one whose migration.json `to` is the marker's
// contract hash (`unknown_marker` set when the database has a marker that no package leads to).
size_t AppliedPrefix(const std::vector<const migrations::Migration*>& pending,
                     const ledger::AppliedState& applied, bool* unknown_marker);

// Loads discovered migrations. A single Prisma migration folder (or package) gets the earlier
// folders of its migrations directory as history, so that the catalog knows the tables it
// touches. With `applied` (a database's state), the discovered migrations that it records as
// applied (AppliedPrefix) are history too, and the Prisma 8 packages after them are the one
// pending run; a marker no package leads to is said in a warning on stderr.
LoadedMigrations LoadDiscovered(migrations::MigrationSet set, const ledger::AppliedState* applied);

// The database of the project whose migrations are in `directory`, as deploy finds it when
// --database is not given: schema.prisma's directUrl, else its url (DATABASE_URL without a
// schema), from the environment or a .env file in the working directory, its prisma/, or next to
// the migrations directory; `configured` (prisma.config.ts's datasource, ConfiguredDatasourceOf)
// replaces schema.prisma's. nullopt when nothing names one.
Result<std::optional<db::MigrationUrl>> FindProjectDatabase(
    const std::string& directory, const std::optional<db::ConfiguredDatasource>& configured = {});

// The Prisma 7 config of a command, as Prisma's CLI picks it: `flag` (--config) when given (an
// error when it cannot be read), else the prisma.config.* of `path` (a project root), of its
// parent or grandparent (a migrations directory in prisma/), else of the working directory.
// nullopt when there is none.
Result<std::optional<migrations::PrismaConfig>> FindProjectConfig(const std::string& flag,
                                                                  const std::string& path);

// The PATHs a command works on, as Prisma's CLI decides: `paths` when given; else `schema`
// (--schema: a schema file or folder, whose migrations/ is beside it) when given; else, with
// `config` naming a migrations directory (migrations.path or its schema's), that directory; else
// `fallback`.
Result<std::vector<std::string>> PathsOrConfigured(
    const std::vector<std::string>& paths, const std::string& schema,
    const std::optional<migrations::PrismaConfig>& config, const std::string& fallback);

// The datasource of `config` for db::FindMigrationUrl: nullopt without a config or when it has
// no datasource (schema.prisma's then applies, as in Prisma 6). The value Prisma would connect
// with (directUrl, else url) being computed is an error that says to pass --database.
Result<std::optional<db::ConfiguredDatasource>> ConfiguredDatasourceOf(
    const std::optional<migrations::PrismaConfig>& config);

// Prisma's --config and --schema, as the analysing commands (plan, trace) take them.
struct ProjectFlags {
  std::string config;  // --config: a prisma.config.ts
  std::string schema;  // --schema: a schema file or folder
};
void AddProjectOptions(CLI::App& app, ProjectFlags& flags);

// What plan and trace work on: the migrations (discovered from the PATHs PathsOrConfigured
// picks, to be loaded with LoadDiscovered once the database, if any, is known) and the project's
// Prisma 7 config, searched once.
struct Project {
  migrations::MigrationSet discovered;
  std::string directory;  // the first source's directory (where the project's files are)
  // The project's config (FindProjectConfig(flags.config, ".")); nullopt when there is none or
  // when it could not be read and was not needed to find the migrations (`config_error` says why).
  std::optional<migrations::PrismaConfig> config;
  lockstep::Status config_error;
};
// A config that cannot be read is an error only when it decides where the migrations are (no
// PATH, or --config given); with a PATH it is kept in `config_error` for what else reads it (a
// datasource for estimates).
Result<Project> LoadProject(const std::vector<std::string>& paths, const ProjectFlags& flags);

}  // namespace lockstep::cli

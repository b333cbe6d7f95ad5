// Which database Prisma's migrate commands use: the `datasource` block of schema.prisma.
//
//   datasource db {
//     provider  = "postgresql"
//     url       = env("DATABASE_URL")   // the application's, often a pooler (pgbouncer)
//     directUrl = env("DIRECT_URL")     // what `prisma migrate` connects to when present
//   }
//
// As Prisma: `directUrl` when the block has one, else `url`; either is `env("NAME")` (looked up
// in the environment, then the .env files, db/dotenv.h) or a string literal. A variable the
// schema names but nobody sets is an error that names it (Prisma: "Environment variable not
// found"). Without a schema file, DATABASE_URL.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/dotenv.h"

namespace lockstep::db {

// `env("NAME")` or a literal.
struct DatasourceValue {
  std::string env_name;  // set for env("NAME")
  std::string literal;   // set for "postgresql://…"
};

struct Datasource {
  std::optional<DatasourceValue> url;
  std::optional<DatasourceValue> direct_url;
};

// The first `datasource` block of a schema's text (comments skipped); nullopt without one.
std::optional<Datasource> ParseDatasource(std::string_view schema_text);

// The schema file of a project whose migrations are in `migrations_dir`: its parent's
// schema.prisma (prisma/schema.prisma; also when `migrations_dir` is the project root or its
// prisma/ folder), else `cwd`'s prisma/schema.prisma or schema.prisma, as Prisma looks for it.
// nullopt when there is none.
std::optional<std::filesystem::path> FindPrismaSchema(const std::filesystem::path& migrations_dir,
                                                      const std::filesystem::path& cwd);

struct MigrationUrl {
  std::string url;
  std::string
      source;  // for messages, e.g. "DIRECT_URL (directUrl of prisma/schema.prisma) from .env"
};

// The datasource of a Prisma 7 project's prisma.config.ts (read by the caller with
// migrations/prisma_config.h): when given, it takes the place of schema.prisma's datasource
// block, as in Prisma 7.
struct ConfiguredDatasource {
  std::string file;  // the config file, for messages
  Datasource datasource;
};

// The URL `prisma migrate` would use for a project whose migrations are in `migrations_dir`:
// each env("NAME") is looked up with FindEnvVariable in `env_places`, in order (`getenv` as
// there), or only in the environment when `env_places` is empty. nullopt when nothing is set and
// the schema names nothing (or there is no schema and no DATABASE_URL). An error when the schema
// file cannot be read, or names a variable that is unset.
Result<std::optional<MigrationUrl>> FindMigrationUrl(
    const std::filesystem::path& migrations_dir,
    const std::vector<std::filesystem::path>& env_places, const EnvLookup& getenv = {},
    const ConfiguredDatasource* configured = nullptr);

}  // namespace lockstep::db

// Prisma 7's `prisma.config.ts`, read without a JavaScript engine: the options lockstep needs
// (where the migrations and the schema are, which database `prisma migrate` uses), in the forms
// Prisma's own templates and docs write them:
//
//   export default defineConfig({              // or `export default { … } satisfies PrismaConfig`
//     schema: "prisma/schema.prisma",
//     migrations: { path: "prisma/migrations" },
//     datasource: { url: env("DATABASE_URL"), directUrl: process.env.DIRECT_URL },
//   });
//
// A value is understood when it is a string literal ('…', "…", or `…` without ${}), env("NAME")
// (also env<…>("NAME")), process.env.NAME or process.env["NAME"]. Any other expression (a
// variable, a call, `??`, a template with ${}) is kept as "computed", with its position, so that
// the command needing it can say which value it cannot read and what to pass instead. Other keys
// are skipped, whatever they hold. docs/prisma.md lists what is and is not understood.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace lockstep::migrations {

struct ConfigValue {
  enum class Form { kLiteral, kEnv, kComputed };
  Form form = Form::kLiteral;
  std::string literal;   // kLiteral: the string's value
  std::string env_name;  // kEnv: the variable's name
  std::string source;    // kComputed: the expression's text, for messages (one line, shortened)
  std::string where;     // "path:line:col" of the value
};

struct PrismaConfig {
  std::filesystem::path path;  // the file read; relative values are relative to its directory
  std::optional<ConfigValue> schema;
  std::optional<ConfigValue> migrations_path;
  std::optional<ConfigValue> url;
  std::optional<ConfigValue> direct_url;
  std::optional<ConfigValue> shadow_database_url;
};

// The names Prisma's CLI looks for in a directory, in its order: prisma.config.{ts,mts,cts,js,
// mjs,cjs}, then .config/prisma.{…}. nullopt when `dir` has none.
std::optional<std::filesystem::path> FindPrismaConfig(const std::filesystem::path& dir);

// Parses the text of a config file named `path`. Errors (at path:line:col): no configuration
// object (`defineConfig({…})` or `export default {…}`), an unterminated string or comment, an
// unbalanced bracket. Pure.
Result<PrismaConfig> ParsePrismaConfig(const std::filesystem::path& path, std::string_view text);
// Reads and parses `path`; the error names the path when it cannot be read.
Result<PrismaConfig> ReadPrismaConfig(const std::filesystem::path& path);

// The error for a computed `value` of option `option` (e.g. "datasource.url"): one line naming
// where it is and `instead`, what to pass instead (e.g. "pass --database URL").
Status ComputedValueError(const ConfigValue& value, std::string_view option,
                          std::string_view instead);

// A path option (schema, migrations.path) as a path: relative to the config file's directory.
// Env values and computed ones are errors (ComputedValueError with `instead`).
Result<std::filesystem::path> ConfigPath(const PrismaConfig& config, const ConfigValue& value,
                                         std::string_view option, std::string_view instead);

// The migrations directory the config names: migrations.path, else the `migrations` folder next
// to `schema` (a schema file's directory, or a schema folder itself), as Prisma derives it.
// nullopt when the config names neither.
Result<std::optional<std::filesystem::path>> ConfigMigrationsDirectory(const PrismaConfig& config);

}  // namespace lockstep::migrations

// Finding DATABASE_URL the way Prisma does: the process environment first, then `.env` files.
//
// Dotenv syntax, as the npm `dotenv` (v16) + `dotenv-expand` packages Prisma uses: `KEY=value` (or
// `KEY: value`), optional `export ` prefix, `#` starts a comment anywhere outside quotes (so a `#`
// in an unquoted URL cuts it, as in dotenv), values in '...', "..." (where \n and \r are newline
// and carriage return) or `...`, which may span lines. Lines that do not parse are ignored, as
// dotenv does. `${VAR}`, `${VAR:-default}` and `$VAR` expand in unquoted and double-quoted values,
// from the process environment first, then from keys defined earlier in the file; `\$` is a literal
// `$`.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace lockstep::db {

// Reads a process environment variable; nullopt when unset. Tests pass a fake.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The keys and values of a dotenv text in file order; a later duplicate key appears again (the
// last one wins). `getenv` resolves ${VAR} (defaults to std::getenv).
std::vector<std::pair<std::string, std::string>> ParseDotenv(std::string_view text,
                                                             const EnvLookup& getenv = {});

struct FoundVariable {
  std::string value;
  std::string source;  // "environment" or the path of the .env file it came from
};

// Looks `name` up in the environment, else in `dir/.env`, else in `dir/prisma/.env`. A missing
// file is skipped; an unreadable one is an error. Returns nullopt when not found. An empty value
// counts as unset, as in Prisma.
Result<std::optional<FoundVariable>> FindEnvVariable(const std::filesystem::path& dir,
                                                     const std::string& name = "DATABASE_URL",
                                                     const EnvLookup& getenv = {});

}  // namespace lockstep::db

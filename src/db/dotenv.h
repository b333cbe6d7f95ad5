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

struct DotenvEntry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based line of the key
  // The value opens a quote that is never closed; dotenv then keeps the quote as text, which
  // makes a URL unusable, so callers say so rather than report a malformed URL.
  bool unterminated_quote = false;
};

// The entries of a dotenv text in file order; a later duplicate key appears again (the last one
// wins). `getenv` resolves ${VAR} (defaults to std::getenv).
std::vector<DotenvEntry> ParseDotenvEntries(std::string_view text, const EnvLookup& getenv = {});
// The same, keys and values only.
std::vector<std::pair<std::string, std::string>> ParseDotenv(std::string_view text,
                                                             const EnvLookup& getenv = {});

struct FoundVariable {
  std::string value;
  std::string source;               // "environment" or the path of the .env file it came from
  int line = 0;                     // 1-based line in `source`; 0 for the environment
  bool unterminated_quote = false;  // DotenvEntry's
};

// Looks `name` up in the environment, else in `dir/.env`, else in `dir/prisma/.env`. A missing
// file is skipped; an unreadable one is an error. Returns nullopt when not found. An empty value
// counts as unset, as in Prisma.
Result<std::optional<FoundVariable>> FindEnvVariable(const std::filesystem::path& dir,
                                                     const std::string& name = "DATABASE_URL",
                                                     const EnvLookup& getenv = {});

}  // namespace lockstep::db

// Names of migrations: the order Prisma applies them in, the `YYYYMMDDHHMMSS_` timestamp prefix,
// names for new folders that `fix` inserts after an existing one, and snake_case suffixes.
// Everything here is pure (no file system) and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lockstep::migrations {

// --- Order ------------------------------------------------------------------------------------

// The execution order: plain byte-wise comparison of the names (prisma-engines sorted folder names
// with Rust's `str::cmp`, i.e. bytes). Returns <0, 0, >0.
int CompareNames(std::string_view a, std::string_view b);

// How the Prisma CLI (6.x/7.x, `listMigrations`) orders names: `a.localeCompare(b)`, i.e. ICU
// root collation (punctuation < digits < letters, case only breaks ties, lowercase first). For
// names of printable ASCII this reproduces it exactly; nullopt when either name has another byte
// (the result would depend on the user's locale). Used to warn when the two orders disagree:
// e.g. `20241231_x` sorts after `20241231000000_y` by bytes but before it in the CLI.
std::optional<int> CompareNamesLikePrismaCli(std::string_view a, std::string_view b);

// --- Timestamps -------------------------------------------------------------------------------

// A UTC calendar time with one-second resolution, as in Prisma's folder prefixes.
struct Timestamp {
  int year = 0;    // 0000-9999
  int month = 0;   // 1-12
  int day = 0;     // 1-31, valid for the month
  int hour = 0;    // 0-23
  int minute = 0;  // 0-59
  int second = 0;  // 0-59 (Prisma never writes leap seconds)
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// The timestamp of a folder name that starts with exactly 14 digits followed by '_' or the end,
// forming a valid calendar time. nullopt for `0_init`, `01_init`, 8- or 12-digit prefixes,
// `20261399…` and the like.
std::optional<Timestamp> ParseTimestampPrefix(std::string_view folder_name);

// "YYYYMMDDHHMMSS". Precondition: `t` is valid.
std::string FormatTimestamp(const Timestamp& t);

// `t` moved by `seconds` (may be negative), rolling over minutes, hours, days, months, years and
// leap days (proleptic Gregorian calendar). nullopt when the result leaves years 0000-9999.
std::optional<Timestamp> AddSeconds(const Timestamp& t, int64_t seconds);

// --- New folder names -------------------------------------------------------------------------

// Names for `suffixes.size()` new migrations that must run right after the existing migration
// `after`, in the given order: each name sorts (CompareNames) after `after`, after the previous
// new name, and before the first name of `existing` that sorts after `after`, and none equals a
// name in `existing`. `existing` holds every folder (or file stem) already in the migrations
// directory, including folders Prisma ignores, since a new folder must not collide with them;
// `after` need not be in it. Each suffix must be a non-empty snake_case name (see SnakeCase).
//
// Scheme, first that fits for all the new names:
//   1. `after` has a timestamp T: `<T+1s>_<suffix1>`, `<T+2s>_<suffix2>`, … (Prisma's own style).
//   2. Otherwise (`0_init`, `01_init`, `20241231_x`, or no free second before the next folder):
//      `<after>_<k>_<suffix>` with k = 1, 2, … zero-padded to a common width of at least two
//      digits, e.g. `0_init_01_add_index`. A name that extends `after` always sorts after it, and
//      before the next folder unless `after` is a prefix of that folder's name.
// Error when neither fits (e.g. the next folder is `<after>_00…`) or a suffix is invalid.
Result<std::vector<std::string>> NamesAfter(std::string_view after,
                                            const std::vector<std::string>& existing,
                                            const std::vector<std::string>& suffixes);

// --- snake_case -------------------------------------------------------------------------------

// Prisma's folder names allow up to 255 bytes (VARCHAR(255) in _prisma_migrations); suffixes are
// kept well below so that prefixes and the `_<k>_` of NamesAfter always fit.
inline constexpr size_t kDefaultSnakeMaxLength = 60;

// A readable, stable snake_case form of identifiers and words: `BenchmarkSubmission` ->
// `benchmark_submission`, `memberId` -> `member_id`, `HTTPServer` -> `http_server`,
// `add "User".emailVerified index` -> `add_user_email_verified_index`, `v2Tables` ->
// `v2_tables`. Only [a-z0-9_] comes out: every other byte (punctuation, spaces, non-ASCII)
// separates words, and runs of separators become one '_', never leading or trailing. Longer
// results are cut at the last word boundary within `max_length` (or hard at `max_length` when
// that boundary would keep less than half). Empty when the input has no ASCII letter or digit.
std::string SnakeCase(std::string_view text, size_t max_length = kDefaultSnakeMaxLength);

}  // namespace lockstep::migrations

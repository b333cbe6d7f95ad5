// Process exit codes, shared by every subcommand so that CI scripts can act on them.
#pragma once

namespace lockstep::exit_code {
inline constexpr int kOk = 0;
inline constexpr int kFindings = 1;      // lint findings at/above --fail-on; status: something pending
inline constexpr int kUsage = 2;         // bad arguments, unreadable input, SQL syntax error
inline constexpr int kUnsafe = 3;        // fix: a step cannot be made safe without --allow-unsafe
inline constexpr int kDatabase = 4;      // cannot connect / authenticate / server error
inline constexpr int kMigrationFailed = 5;  // deploy: a migration failed (recorded like Prisma does)
inline constexpr int kBlocked = 6;       // deploy: a failed migration blocks (P3009) or lock held (P1002)
inline constexpr int kDrift = 7;         // status: applied migration modified or missing from disk
}  // namespace lockstep::exit_code

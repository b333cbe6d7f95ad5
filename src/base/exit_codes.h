// Process exit codes, shared by every subcommand so that CI scripts can act on them.
#pragma once

namespace lockstep::exit_code {
inline constexpr int kOk = 0;
inline constexpr int kFindings = 1;  // lint findings at/above --fail-on; status: something pending
inline constexpr int kUsage = 2;     // bad arguments, unreadable input, SQL syntax error
inline constexpr int kUnsafe = 3;    // fix: a step cannot be made safe without --allow-unsafe
inline constexpr int kDatabase = 4;  // cannot connect, or a server error (credentials: kAuth)
inline constexpr int kMigrationFailed =
    5;                                    // deploy: a migration failed (recorded like Prisma does)
inline constexpr int kBlocked = 6;        // deploy: a failed migration blocks (P3009), or P3005
inline constexpr int kDrift = 7;          // status: applied migration modified or missing from disk
inline constexpr int kAuth = 8;           // the server rejected the credentials or the role
inline constexpr int kNotFound = 9;       // deploy/status: the migrations directory does not exist
inline constexpr int kNoMigrations = 10;  // deploy/status: the migrations directory holds none
inline constexpr int kMissingMigrationFile =
    11;                               // a migration folder without migration.sql (P3015)
inline constexpr int kLockHeld = 12;  // deploy/resolve: another deployer holds the lock (P1002)
inline constexpr int kTimedOut = 13;  // deploy: lock_timeout retries or statement_timeout ran out
inline constexpr int kInterrupted = 14;  // SIGINT/SIGTERM: running statements canceled, run again
inline constexpr int kFleetFailed = 15;  // deploy --fleet: a target failed or was not started
inline constexpr int kPreflight = 16;    // deploy --preflight strict: refused before anything ran
}  // namespace lockstep::exit_code

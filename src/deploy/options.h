// What a deploy run may do, and durations as users write them ("100ms", "2s", "5min").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/url.h"

namespace lockstep::deploy {

// Prisma's advisory lock key (prisma-engines: `pg_advisory_lock(72707369)`), shared so that
// lockstep and Prisma never deploy to one database at the same time.
inline constexpr int64_t kAdvisoryLockKey = 72707369;

// What deploy does before its first statement (preflight.h): nothing, report what would hurt and
// go on, or refuse to start when anything would.
enum class PreflightMode { kOff, kWarn, kStrict };

struct Options {
  // The PostgreSQL major whose grammar lockstep parses with (sql::GrammarVersionNum()). A pending
  // migration that does not parse is sent anyway, with a warning, when the server is newer than
  // this: its syntax may be valid there. Tests set it to exercise that path.
  int grammar_major = 0;  // 0: the linked libpg_query's
  // The longest any query of the application may be made to wait behind one of lockstep's lock
  // requests. Applies to every statement lockstep sends: as lock_timeout, except for concurrent
  // builds, whose lock waits the monitor bounds (their waits for older transactions block
  // nobody and are bounded by retry_deadline_ms; monitor.h, WaitBounds).
  int64_t lock_timeout_ms = 100;
  // statement_timeout for statements that hold locks blocking traffic (0 = none). Unset: the
  // session's own, i.e. what the role, the database or the URL's options set (a DBA's bound is
  // kept; without one it is none, as in Prisma). Concurrent builds, VALIDATE CONSTRAINT, VACUUM
  // and DETACH … CONCURRENTLY always run without one: they block nobody while they work.
  std::optional<int64_t> statement_timeout_ms;
  // Lock timeouts (55P03), deadlocks (40P01) and serialization failures (40001) are retried, per
  // step, until either bound is hit.
  int max_attempts = 30;
  int64_t retry_deadline_ms = 10 * 60 * 1000;
  // Exponential backoff: the n-th wait is min(max, base * 2^(n-1)), then jittered to 50–100 %.
  int64_t retry_base_ms = 200;
  int64_t retry_max_ms = 10 * 1000;
  // How long to wait for the advisory lock held by another deployer (Prisma: 10 s, then P1002).
  int64_t advisory_lock_wait_ms = 10 * 1000;
  // Plain progress lines (no TTY) for long statements, at most this often.
  int64_t progress_interval_ms = 10 * 1000;
  // Statements running longer than this get elapsed-time reports.
  int64_t long_statement_ms = 5 * 1000;
  // Batched backfills (docs/backfill.md): each batch's size is adapted so that its transaction
  // (and so the row locks it holds) lasts about this long; and the pause after each batch.
  int64_t backfill_batch_ms = 100;
  int64_t backfill_pause_ms = 0;
  // Honour PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK as Prisma does.
  bool use_advisory_lock = true;
  // A fleet deploy holds the migration lock of the target's database on a connection of its own
  // (tenant schemas of one database share it, so each deploy taking it would run one at a time):
  // do not take it again, but treat it as lockstep's (a waiter for it waits for lockstep).
  bool advisory_lock_held_by_caller = false;
  // Hot standbys whose readers the deploy protects (--replica, LOCKSTEP_REPLICA_URLS;
  // docs/replicas.md): before a step locking a table beyond ROW EXCLUSIVE, lockstep waits (and
  // retries as for lock timeouts) while a standby session holds or waits for a lock on it.
  std::vector<db::ConnInfo> replicas;
  // Between concurrent index builds, pause while a replica replays further behind than this.
  int64_t max_replica_lag_ms = 1000;
  // Before the first statement, a read-only look at the target (--preflight; preflight.h).
  PreflightMode preflight = PreflightMode::kWarn;
  // A transaction open at least this long, holding or waiting for a lock on a table the pending
  // migrations lock beyond ROW EXCLUSIVE (or anywhere in the database when one of them waits for
  // older transactions, as CREATE INDEX CONCURRENTLY does), is reported (--preflight-age).
  int64_t preflight_transaction_age_ms = 5000;
  // An active replication slot holding back more WAL than this is reported; an inactive one is
  // whenever it holds back any (--preflight-slot-wal).
  int64_t preflight_slot_wal_bytes = int64_t{1} << 30;
};

// "off", "warn" or "strict"; errors name the accepted values.
Result<PreflightMode> ParsePreflightMode(std::string_view text);

// A size as PostgreSQL writes one: an integer with an optional unit B, kB, MB, GB or TB (1024
// based). Errors name the text and the accepted forms.
Result<int64_t> ParseBytes(std::string_view text);

// "512 kB", "16.0 MB", "1.5 GB": for messages.
std::string FormatBytes(int64_t bytes);

// Parses a duration: an integer or decimal followed by us, ms, s, min, h or d (no unit: ms), which
// also reads what PostgreSQL's SHOW prints for a timeout.
// Errors name the text and the accepted forms.
Result<int64_t> ParseDurationMs(std::string_view text);

// "100ms", "1.5s", "2min": for messages.
std::string FormatDuration(int64_t ms);

// The value for SET lock_timeout / statement_timeout: "'100ms'" or "0".
std::string PgDuration(int64_t ms);

}  // namespace lockstep::deploy

// The plan of a migration: per statement, what PostgreSQL will lock and do. Built from the
// analysed history (`lockstep plan`) or from observations on a real server (`lockstep trace`),
// so both print and serialise the same way and can be compared entry by entry.
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "locks/lock_model.h"

namespace lockstep::plan {

// A table a statement locks, as the target database holds it now (`plan --database`).
struct TableSize {
  sql::QName relation;
  int64_t rows = 0;   // estimated live rows (pg_class.reltuples, else a sample)
  int64_t bytes = 0;  // heap, TOAST and indexes (pg_total_relation_size)
};

// How long a statement should take on the target, from its statistics and measured throughput
// (docs/estimates.md).
struct Estimate {
  double seconds = 0;           // the statement's duration
  double blocking_seconds = 0;  // of which application reads or writes wait (0 for CONCURRENTLY)
};

// What `lockstep fix` would do with the statement (issue 13 item 4), when plan asked it: only for
// statements on tables that existed before their migration, which fix rewrites or leaves alone.
struct FixExplanation {
  bool fixable = false;  // fix rewrites it; false: fix leaves it unchanged
  std::string how;       // fixable: the steps fix writes; else why it cannot
  // What each contract migration the rewrite needs drops (their purposes), which wait in
  // `contract_directory` (beside the migrations directory) until `lockstep contract release`.
  std::vector<std::string> contract;
  std::string contract_directory;
};

struct Entry {
  std::string file;
  std::string migration;
  int line = 0;  // 1-based start of the statement
  int column = 0;
  int byte_begin = 0;
  int byte_end = 0;
  std::string statement;  // a one-line excerpt
  std::string kind;       // sql::KindName
  std::vector<locks::RelationLock> locks;
  std::vector<sql::QName> rewrites;
  std::vector<sql::QName> scans;
  bool transactional = true;
  bool new_table = false;
  bool fails_if_rows = false;
  std::vector<std::string> notes;
  // Locks the transaction already holds when the statement starts, taken in earlier migrations
  // that share its transaction (the packages of one Prisma 8 run), at the strongest mode each:
  // held until the run commits. Empty when the migration has its own transaction.
  std::vector<locks::RelationLock> held_from_earlier_migrations;
  // Only with statistics of a target (`plan --database`, `with_statistics`): the tables it
  // locks, as the target holds them, and the estimate, nullopt when a table the statement works
  // on is not on the target (nothing to measure).
  bool with_statistics = false;
  std::vector<TableSize> tables;
  std::optional<Estimate> estimate;
  std::optional<FixExplanation> fix;
};

// One entry per statement of every analysed migration, in order.
std::vector<Entry> FromHistory(const analysis::History& h);

// A one-line excerpt of a statement: white space folded, cut at `max_chars` characters with "…".
std::string Excerpt(std::string_view text, size_t max_chars = 96);

// Human-readable plan. `color` adds ANSI colours (only on a TTY).
std::string RenderText(const std::vector<Entry>& entries, bool color);
// RenderText written to `out` entry by entry: a plan of a long migration is never held whole.
void PrintText(const std::vector<Entry>& entries, bool color, std::FILE* out);

// JSON array; every object has at least file, line, column, statement, locks [{relation, mode}],
// rewrites, scans, transactional, new_table; held_from_earlier_migrations (as locks) when not
// empty; with statistics also tables [{relation, rows, bytes}] and estimate {seconds,
// blocking_seconds}; and fix {fixable, how, contract, contract_directory} where plan asked
// `lockstep fix` (documented in docs/plan.md).
nlohmann::json ToJson(const std::vector<Entry>& entries);
// ToJson(entries).dump(2) and a newline, written to `out` entry by entry (the whole document as
// nlohmann::json takes many times the size of its text).
void PrintJson(const std::vector<Entry>& entries, std::FILE* out);

}  // namespace lockstep::plan

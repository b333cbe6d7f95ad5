// The fix planner: turns one analysed migration into a zero-downtime sequence — text edits on the
// migration itself plus new migrations to run after it — the way the seed's team did by hand.
//
// Each rewrite is a small step (src/fix/steps/) offered every statement, or every ALTER TABLE
// action, of the target. What no step can make safe is left untouched and explained (`unsafe`).
#pragma once

#include <string>
#include <vector>

#include "analysis/history.h"
#include "base/status.h"
#include "fix/edit.h"

namespace lockstep::fix {

struct Options {
  int pg_version = 15;
  // false: the seed's policy, every index and foreign key is moved or made NOT VALID, even on
  // tables created by the same migration. true: only what locks a table that existed before.
  bool minimal = false;
};

// A migration to write after the target. `slug` is the snake_case name part; the timestamp
// prefix is chosen when the plan is laid out on disk (fix/layout.h).
struct NewMigration {
  std::string slug;
  std::string sql;            // the whole migration.sql
  bool transactional = true;  // false: exactly one statement that must run outside a transaction
  std::string purpose;        // one line for the readable plan
  // Contract migrations only: the byte offset in the target of the statement whose rewrite
  // needs it (so that `lockstep plan` shows it under that statement); -1 otherwise.
  int contract_of = -1;
};

// A line of the readable plan. `offset` is the statement's byte offset in the target.
struct Note {
  int offset = 0;
  std::string what;  // "CREATE INDEX \"X\" ON \"T\"" …
  std::string how;   // what fix does, or why it leaves it alone
};

struct Unsafe {
  int offset = 0;
  std::string what;
  std::string why;                 // the lock and what it blocks
  std::vector<std::string> steps;  // the expand/contract sequence to do by hand
};

struct Plan {
  std::string original;   // the target's text
  std::string rewritten;  // after `edits`
  std::vector<Edit> edits;
  std::vector<NewMigration> after;  // in execution order, right after the target
  // The contract phase (drop the old column, the sync trigger, the compatibility view): in
  // execution order, run only once the application that still uses the old shape is gone
  // (docs/expand-contract.md); never part of `after`.
  std::vector<NewMigration> contract;
  std::vector<Note> rewrites;    // what changes and why
  std::vector<Note> left_alone;  // candidates not rewritten (policy, dependencies) and why
  std::vector<Unsafe> unsafe;    // cannot be made safe automatically
  bool changed() const { return rewritten != original || !after.empty() || !contract.empty(); }
};

// Plans the fix of `history.migrations[target]`, which must have been analysed by
// analysis::Replay with AnalysisOptionsFor's options (token scanning and the catalog it starts
// from, keep_start_catalogs). Fails on a syntax error in
// the target (file:line:col). Pure: reads nothing from disk.
Result<Plan> PlanFix(const analysis::History& history, size_t target, const Options& options = {});

// Replays `migrations` (the target is the last one; all earlier ones are history) with the
// settings PlanFix needs, then plans the fix of the last one.
Result<Plan> PlanFixOf(std::vector<analysis::MigrationText> migrations,
                       const Options& options = {});

// Plans the fix of each migration of a history in turn while replaying every migration only once
// (PlanFixOf on each prefix would replay the history again for every migration), and copying
// the catalog twice per planned migration, never once per statement. Not thread-safe.
class HistoryPlanner {
 public:
  explicit HistoryPlanner(const Options& options = {});
  // Plans the fix of `m` as if it came right after the migrations added so far, then adds it.
  Result<Plan> PlanAndAdd(const analysis::MigrationText& m);
  // Adds `m` without planning it (replayed only: history).
  void Add(const analysis::MigrationText& m);

 private:
  Options options_;
  analysis::History history_;
};

// The analysis options PlanFix expects.
analysis::Options AnalysisOptionsFor(const Options& options);

}  // namespace lockstep::fix

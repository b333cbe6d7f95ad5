// The lint runner: every enabled rule over every analysed migration of a replayed history, with
// per-statement transaction state, inline ignores and syntax errors turned into diagnostics.
// Pure computation: no I/O, no printing (reporters live in src/report/).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analysis/history.h"
#include "rules/rule.h"

namespace lockstep::lint {

// Pseudo rule ids: produced by the runner itself, not by a rules::Rule.
inline constexpr const char* kUnusedIgnore =
    "unused-ignore";                                         // warning; can be disabled/overridden
inline constexpr const char* kSyntaxError = "syntax-error";  // always an error; never filtered

struct Options {
  rules::Settings settings;
  std::set<std::string> only_rules;  // non-empty: run only these rule ids (tests use this)
  std::set<std::string> disabled_rules;
  std::map<std::string, Severity> severity_overrides;
  // When set, these rules are used instead of rules::AllRules() (tests inject their own rules).
  // Not owned; must outlive Run.
  const std::vector<const rules::Rule*>* rule_set = nullptr;
  // When set, hints that no ignore suppresses are counted here by file (Diagnostic::path; added
  // to) instead of returned: text and gcc output without --hints only count them, and a long
  // file yields one per statement or more. Not owned.
  std::map<std::string, size_t>* dropped_hints = nullptr;
  // How much of a streamed migration (ReplayForLint's `stream_above`) a parse batch holds at
  // least; 0: sql::ParseEach's default. Tests make it small, so that every statement is a batch.
  size_t stream_batch_bytes = 0;
};

// True when rule `id` (a real rule or kUnusedIgnore) runs under `o`.
bool RuleEnabled(const Options& o, const std::string& id);

// Runs every enabled rule over every analysed migration of `h` (built by analysis::Replay with
// Options::keep_catalogs = true, or by ReplayForLint). Tracks the TransactionState per statement
// (explicit BEGIN/COMMIT/ROLLBACK, settings.assume_in_transaction, SET lock_timeout/
// statement_timeout, locks already held in the current transaction from earlier statements'
// Effects), applies inline ignores (`-- lockstep-ignore <rule>[, <rule>] [reason]` before a
// statement; `-- lockstep-ignore-file <rule>` anywhere in the file), reports ignores that suppress
// nothing as diagnostics of rule id "unused-ignore" (warning), and returns diagnostics sorted by
// file (in history order) then offset.
//
// Contract with rules: the runner fills in Diagnostic::rule (the rule's id) and sets the
// severity to the rule's default_severity() or the override from `o` (rules do not choose it).
// Each migration gets two passes: Collect for every statement, then CheckStatement for every
// statement, then CheckMigration; Context::statement_count is set before the first.
// CheckMigration is called with `current` = the last statement and `tx` = the state after it;
// it is not called for a migration without statements. Syntax errors (parsed.errors) become
// "syntax-error" diagnostics whatever `o` says, and cannot be ignored.
//
// A migration the replay left unparsed (ReplayForLint's `stream_above`) is streamed: parsed
// twice through sql::ParseEach, a batch at a time, Collect over the first pass and the rest over
// the second, each statement analysed against the live catalog (below) as its rules reach it.
// Only the statements of the open transaction (and the current batch) are kept, with their
// tokens: rules see the same statements, tokens and catalog as in a whole parse. It is parsed
// whole instead (and freed once linted) when it has a syntax error, psql meta-commands, a
// transaction shared with the migration before or after it, or a statement for which a rule
// NeedsWholeMigration.
//
// Catalogs: with per-statement snapshots (keep_catalogs) every `before` is exact. Without them
// (ReplayForLint: a snapshot per statement costs a copy of the whole catalog, quadratic over a
// long history), Run replays one catalog alongside the rules and points every `before` of the
// migration being linted at it: ctx.catalog() is exact, but the `before` of another statement
// shows the catalog before the *current* one (its name resolution, Resolve(), is the same).
// The non-const overload sets those pointers in `h` while it runs and resets them afterwards;
// the const one works on a copy. Not thread-safe on the same History.
std::vector<Diagnostic> Run(analysis::History& h, const Options& o);
std::vector<Diagnostic> Run(const analysis::History& h, const Options& o);

// The transaction state before each statement of `m` (index-aligned with m.statements); what
// Run gives rules as Context::tx. Exposed for tests and for `plan`.
std::vector<rules::TransactionState> TrackTransactions(const analysis::AnalyzedMigration& m,
                                                       const rules::Settings& settings);

// Replays `migrations` for linting: the lock model at settings.pg_version, tokens and comments
// scanned (ignores need them), no per-statement catalog snapshots (Run keeps a live catalog).
// The first `history_count` are history only. Parses that `ahead` (ParseOptionsForLint) already
// started are taken from it. From the first analysed migration larger than `stream_above` bytes
// on, the analysed ones are left unparsed for Run to stream (analysis::Options::
// leave_unparsed_above): only Run can then lint them, and the History has no analysis of them
// (plan::FromHistory needs the default).
analysis::History ReplayForLint(std::vector<analysis::MigrationText> migrations,
                                size_t history_count, const rules::Settings& settings,
                                analysis::ParseAhead* ahead = nullptr,
                                size_t stream_above = SIZE_MAX);

// What the CLI streams (ReplayForLint's `stream_above`): a file this large holds thousands of
// statements, whose whole parse is tens of times its size. sql::ParseEach's batch: a smaller
// file would be one batch, its parse whole anyway.
inline constexpr size_t kStreamAboveBytes = size_t{1} << 18;

// How ReplayForLint parses: with tokens and comments.
sql::ParseOptions ParseOptionsForLint();

}  // namespace lockstep::lint

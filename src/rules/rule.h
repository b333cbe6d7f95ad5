// The lint rule interface. One rule per file (src/rules/<rule-id>.cc), registered in
// src/rules/registry.cc (alphabetical), documented in docs/rules/<rule-id>.md, tested by
// tests/rules/<rule-id>/*.sql files that carry their expected diagnostics inline.
//
// Diagnostics are plain data; reporters (src/report/) turn them into text, gcc, json, sarif or
// GitHub annotations. Rules never print.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/history.h"
#include "base/diagnostic.h"
#include "base/scratch.h"
#include "locks/lock_model.h"
#include "schema/catalog.h"
#include "sql/ast.h"

namespace lockstep::rules {

// Settings that change what rules report (from lockstep.toml and flags).
struct Settings {
  int pg_version = 15;
  // Treat each file as running inside one transaction (Prisma's native engine sends the whole
  // file as one implicit transaction; psql -1, Rails, Django … wrap files too).
  bool assume_in_transaction = false;
  // `lockstep deploy` sets lock_timeout/statement_timeout itself, so rules that ask for them are
  // off unless this is false (users deploying with other tools set `deployer = "other"`).
  bool deployed_by_lockstep = true;
};

// Where a statement runs, derived from the file's BEGIN/COMMIT and the settings.
// A lock the transaction holds, and where it was taken at that mode.
struct HeldLock {
  locks::RelationLock lock;
  // Byte offset of the earliest statement of the transaction that took `lock.mode`, so that a
  // rule can point at it without rescanning the transaction (quadratic on a long file).
  int taken_at = -1;
  // The migration `taken_at` is an offset into: another than the current one when the
  // transaction spans migrations (a Prisma 8 run); nullptr when unknown.
  const analysis::AnalyzedMigration* taken_in = nullptr;
};

// A statement that ran in the current transaction.
struct TransactionStatement {
  const analysis::AnalyzedMigration* migration = nullptr;
  const sql::Statement* statement = nullptr;
};

struct TransactionState {
  bool in_transaction = false;  // inside an explicit BEGIN … COMMIT, or assumed
  bool explicit_block = false;  // inside an explicit BEGIN … COMMIT
  // Strongest lock already held in this transaction on each relation (from earlier statements).
  std::vector<HeldLock> held;
  bool lock_timeout_set = false;  // SET [LOCAL] lock_timeout seen earlier in the file
  bool statement_timeout_set = false;
  // The transaction goes on in the next migration (a Prisma 8 run's packages share one), so the
  // end of this file does not end it. Set for CheckMigration.
  bool continues_in_next_migration = false;
  // The statements of the transaction so far, oldest first, those of earlier migrations included
  // when it spans several: the first `statement_count` of `*statements`. The vector is shared by
  // the states of one transaction and only appended to, so that a state is cheap to copy. Null
  // outside a transaction.
  std::shared_ptr<const std::vector<TransactionStatement>> statements;
  size_t statement_count = 0;
};

class Context {
 public:
  Context(const analysis::AnalyzedMigration& m, const Settings& settings)
      : migration_(m), settings_(settings) {}

  const analysis::AnalyzedMigration& migration() const { return migration_; }
  const Settings& settings() const { return settings_; }
  std::string_view text() const { return migration_.source.text(); }

  // Set by the runner before each Collect and CheckStatement call.
  const analysis::AnalyzedStatement* current = nullptr;
  // The ordinal of `current` in the migration (its index in migration().statements when the
  // migration is parsed whole; a streamed migration keeps only a window of them).
  size_t index = 0;
  TransactionState tx;
  // The number of statements of the migration, set before the first CheckStatement (a streamed
  // migration's is known only once its first pass is over).
  size_t statement_count = 0;

  const sql::Statement& statement() const { return *current->statement; }
  const locks::Effect& effect() const { return current->effect; }
  // The catalog just before the current statement.
  const schema::Catalog& catalog() const { return *current->before; }
  // Origin of a table just before the current statement.
  schema::Origin OriginOf(const sql::QName& t) const { return catalog().OriginOf(t); }
  // True when the table is visible to other sessions (existed before this migration, or is
  // unknown to the history and so must be assumed live).
  bool IsLive(const sql::QName& t) const { return OriginOf(t) != schema::Origin::kThisMigration; }

  // Reports a finding. `begin`/`end` default to the statement's range when negative.
  void Report(Diagnostic d);
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  // Per-migration scratch of type T for the caller identified by `owner` (a rule passes `this`),
  // value-initialised on first use and kept while this Context lives (one migration). Rules are
  // const and shared between threads, so a rule that needs an index over the whole migration
  // (instead of rescanning the earlier statements for every statement, quadratic on a long file)
  // builds it here once.
  // An owner may keep several, one per type (base/scratch.h).
  template <typename T>
  T& Scratch(const void* owner) {
    return scratch_.Get<T>(owner);
  }

 private:
  const analysis::AnalyzedMigration& migration_;
  const Settings& settings_;
  std::vector<Diagnostic> diagnostics_;
  ScratchMap scratch_;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view id() const = 0;
  virtual Severity default_severity() const = 0;
  virtual std::string_view summary() const = 0;   // one line, for `lockstep rules`
  virtual bool fixable() const { return false; }  // `lockstep fix` rewrites what it finds
  // Called for every statement of an analysed migration, in order, in a pass of its own before
  // the first CheckStatement. What a rule needs to know of the statements after the current one,
  // or of earlier ones outside its transaction, it gathers here into ctx.Scratch as values
  // (names, offsets, ordinals), and CheckStatement must not read other statements through
  // those ordinals: CheckStatement reads no statement but the current one and those of its
  // transaction (tx.statements), so that lint streams a long file instead of keeping it whole
  // (issue 17; the runner then keeps only the open transaction's statements). Only the
  // statement, its tokens, ctx.index and ctx.catalog().Resolve (the same for every statement of
  // a migration) mean anything here: no effect, no transaction state, no catalog contents, no
  // statement_count.
  virtual void Collect(Context& ctx) const {}
  // Asked of every statement in the first pass: true when CheckStatement, on this migration,
  // must read statements other than the current one and its transaction's, through
  // migration().parsed.statements. lint then parses the migration whole instead of streaming it.
  virtual bool NeedsWholeMigration(const sql::Statement& s) const { return false; }
  // Called for every statement of an analysed migration, in order.
  virtual void CheckStatement(Context& ctx) const {}
  // Called once per migration after all statements (for whole-file rules).
  virtual void CheckMigration(Context& ctx) const {}
};

// Every rule, sorted by id. Defined in registry.cc.
const std::vector<std::unique_ptr<Rule>>& AllRules();
const Rule* FindRule(std::string_view id);

}  // namespace lockstep::rules

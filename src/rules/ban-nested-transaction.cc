// squawk transaction-nesting: a BEGIN inside a transaction block is ignored with a warning (and the
// first COMMIT then ends the outer transaction), a COMMIT with no transaction does nothing, and a
// COMMIT or ROLLBACK inside the transaction a migration tool runs the file in ends that
// transaction early: later statements are no longer atomic with the earlier ones.
//
// With settings.assume_in_transaction the file runs as one implicit transaction (Prisma's native
// engine sends it as one multi-statement query): there a first BEGIN only turns the implicit block
// into an explicit one, which PostgreSQL accepts without a warning.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanNestedTransaction : public Rule {
 public:
  std::string_view id() const override { return "ban-nested-transaction"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "BEGIN inside a transaction, COMMIT/ROLLBACK with none or of the tool's transaction";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kTransaction) return;
    using K = sql::TransactionKind;
    if (s.transaction == K::kBegin) {
      if (!ctx.tx.explicit_block) return;
      Report(ctx, *this,
             "BEGIN inside a transaction block: PostgreSQL ignores it with a warning, and the "
             "first COMMIT will end the outer transaction",
             "Remove the inner BEGIN (use SAVEPOINT for a nested unit of work)");
      return;
    }
    if (s.transaction != K::kCommit && s.transaction != K::kRollback) return;
    const std::string what = s.transaction == K::kCommit ? "COMMIT" : "ROLLBACK";
    if (!ctx.tx.in_transaction) {
      Report(ctx, *this, what + " with no transaction in progress: it does nothing",
             "Remove it, or add the BEGIN it was meant to close");
    } else if (!ctx.tx.explicit_block) {
      Report(ctx, *this,
             what +
                 " ends the transaction the migration tool runs this file in: the statements "
                 "after it are no longer atomic with those before it",
             "Remove it and let the tool commit; split the file into two migrations if the parts "
             "must commit separately");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanNestedTransaction() {
  return std::make_unique<BanNestedTransaction>();
}

}  // namespace lockstep::rules

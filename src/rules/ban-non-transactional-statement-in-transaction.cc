// squawk ban-concurrent-index-creation-in-transaction, pgfence: CREATE INDEX CONCURRENTLY (and
// every other statement PostgreSQL refuses in a transaction block: DROP INDEX / REINDEX /
// DETACH … CONCURRENTLY, VACUUM …) fails with SQLSTATE 25001 inside BEGIN … COMMIT, or inside the
// transaction a tool wraps a multi-statement file in (settings.assume_in_transaction). Whether a
// statement may run in a transaction is the lock model's Effect::transactional.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanNonTransactionalStatementInTransaction : public Rule {
 public:
  std::string_view id() const override { return "ban-non-transactional-statement-in-transaction"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "CONCURRENTLY / VACUUM inside a transaction block: fails with SQLSTATE 25001";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    if (ctx.effect().transactional || !ctx.tx.in_transaction) return;
    const bool alone = ctx.statement_count == 1;
    // A tool's assumed transaction around a one-statement file is no transaction block.
    if (!ctx.tx.explicit_block && alone) return;
    const std::string what = StatementHead(ctx);
    Report(ctx, *this,
           what + " cannot run inside a transaction block, and here it runs inside " +
               (ctx.tx.explicit_block ? std::string("BEGIN … COMMIT")
                                      : std::string("the transaction the migration tool wraps "
                                                    "this file in")) +
               ": it fails with SQLSTATE 25001 and the migration is rolled back",
           "Put the statement in a migration of its own, with nothing else in the file and no "
           "BEGIN/COMMIT around it");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanNonTransactionalStatementInTransaction() {
  return std::make_unique<BanNonTransactionalStatementInTransaction>();
}

}  // namespace lockstep::rules

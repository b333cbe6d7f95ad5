// History-aware (the Prisma migration layout): Prisma's native engine sends a migration.sql as ONE
// multi-statement query, which PostgreSQL runs as one implicit transaction, so CREATE INDEX
// CONCURRENTLY (or any statement refused in a transaction block) fails there unless it is alone in
// its file. Newer engines split files into statements, so the same folder may work on one machine
// and fail on another; a folder must be safe under both. (Inside BEGIN … COMMIT or an assumed
// transaction, ban-non-transactional-statement-in-transaction reports it instead.)
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class IsolateNonTransactionalStatement : public Rule {
 public:
  std::string_view id() const override { return "isolate-non-transactional-statement"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "CREATE INDEX CONCURRENTLY (or VACUUM …) in a multi-statement migration file";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    if (ctx.effect().transactional || ctx.tx.in_transaction) return;
    const size_t n = ctx.statement_count;
    if (n < 2) return;
    Report(ctx, *this,
           StatementHead(ctx) + " shares its migration file with " + std::to_string(n - 1) +
               " other statement" + (n > 2 ? "s" : "") +
               ": a tool that sends the file as one query (Prisma's native engine) runs it in an "
               "implicit transaction, where it fails with SQLSTATE 25001",
           "Move it into a migration of its own, with nothing else in the file");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeIsolateNonTransactionalStatement() {
  return std::make_unique<IsolateNonTransactionalStatement>();
}

}  // namespace lockstep::rules

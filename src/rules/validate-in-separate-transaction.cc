// squawk constraint-missing-not-valid (its NOT VALID + VALIDATE case), pgfence: the point of NOT
// VALID is that VALIDATE CONSTRAINT then scans under SHARE UPDATE EXCLUSIVE. In the same
// transaction as the NOT VALID add, the add's lock (ACCESS EXCLUSIVE for CHECK, SHARE ROW EXCLUSIVE
// for FOREIGN KEY) is still held during the scan. Under Prisma's native engine the whole file is
// one transaction (settings.assume_in_transaction), which makes this easy to do by accident, and
// so are all the packages of a Prisma 8 run: the add may be in an earlier package of the run.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class ValidateInSeparateTransaction : public Rule {
 public:
  std::string_view id() const override { return "validate-in-separate-transaction"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "VALIDATE CONSTRAINT in the same transaction as its NOT VALID add: the lock is held";
  }
  bool fixable() const override { return true; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !ctx.IsLive(s.table)) return;
    // Nearest first: this migration's statements, then those of earlier migrations of the
    // transaction.
    std::vector<TransactionStatement> earlier;
    for (size_t j : EarlierInSameTransaction(ctx))
      earlier.push_back({&ctx.migration(), ctx.migration().statements[j].statement});
    if (ctx.tx.in_transaction) {
      std::vector<TransactionStatement> before = EarlierMigrationsInSameTransaction(ctx);
      earlier.insert(earlier.end(), before.rbegin(), before.rend());
    }
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      const sql::AlterCmd& c = s.cmds[i];
      if (c.type != sql::AlterType::kValidateConstraint) continue;
      const TransactionStatement* added = nullptr;
      for (const TransactionStatement& e : earlier) {
        const sql::Statement& o = *e.statement;
        if (o.kind != sql::Kind::kAlterTable || !SameRelation(ctx, o.table, s.table)) continue;
        for (const sql::AlterCmd& oc : o.cmds)
          if (oc.type == sql::AlterType::kAddConstraint && oc.constraint &&
              oc.constraint->not_valid && oc.name == c.name)
            added = &e;
        if (added) break;
      }
      if (!added) continue;
      const sql::QName resolved = ctx.catalog().Resolve(s.table);
      locks::LockMode held = locks::LockMode::kNone;
      for (const HeldLock& h : ctx.tx.held)
        if (h.lock.relation == resolved) held = std::max(held, h.lock.mode);
      const auto [b, e] = AlterCmdRange(ctx, i);
      Report(
          ctx, *this,
          "VALIDATE CONSTRAINT \"" + c.name +
              "\" runs in the same transaction as its NOT "
              "VALID add on " +
              LineIn(ctx, *added->migration, added->statement->begin) +
              (held != locks::LockMode::kNone
                   ? ", so " + LockPhrase(held, s.table) + " is still held while it reads every row"
                   : ", so the add's lock is still held while it reads every row"),
          "Commit in between: run the VALIDATE CONSTRAINT in a later migration (or after "
          "COMMIT), where it only takes SHARE UPDATE EXCLUSIVE",
          b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeValidateInSeparateTransaction() {
  return std::make_unique<ValidateInSeparateTransaction>();
}

}  // namespace lockstep::rules

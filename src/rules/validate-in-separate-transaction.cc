// squawk constraint-missing-not-valid (its NOT VALID + VALIDATE case), pgfence: the point of NOT
// VALID is that VALIDATE CONSTRAINT then scans under SHARE UPDATE EXCLUSIVE. In the same
// transaction as the NOT VALID add, the add's lock (ACCESS EXCLUSIVE for CHECK, SHARE ROW EXCLUSIVE
// for FOREIGN KEY) is still held during the scan. Under Prisma's native engine the whole file is
// one transaction (settings.assume_in_transaction), which makes this easy to do by accident, and
// so are all the packages of a Prisma 8 run: the add may be in an earlier package of the run.
#include <algorithm>
#include <map>
#include <string>

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
    NotValidAdds& adds = AddsBefore(ctx);
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    if (ctx.IsLive(s.table)) {
      for (size_t i = 0; i < s.cmds.size(); ++i) {
        const sql::AlterCmd& c = s.cmds[i];
        if (c.type != sql::AlterType::kValidateConstraint) continue;
        auto found = adds.by_constraint.find(Key(ctx, s.table, c.name));
        if (found != adds.by_constraint.end()) ReportValidate(ctx, i, found->second);
      }
    }
    if (ctx.tx.in_transaction) Record(ctx, ctx.migration(), s, adds);
  }

 private:
  // Where a NOT VALID add is: its migration and its offset there.
  struct Add {
    const analysis::AnalyzedMigration* migration = nullptr;
    int at = 0;
  };
  // The NOT VALID adds of the transaction so far, by (table, constraint): the latest of each
  // (the nearest to a VALIDATE), kept as the statements go by instead of looking back over the
  // transaction at every ALTER TABLE (quadratic in a long transaction).
  struct NotValidAdds {
    size_t statement_count = 0;  // the transaction's, before the last statement seen
    std::map<std::string, Add> by_constraint;
  };

  static std::string Key(const Context& ctx, const sql::QName& table, const std::string& name) {
    const sql::QName q = ctx.catalog().Resolve(table);
    return q.Key() + '\0' + name;  // NUL: no identifier holds one
  }

  static void Record(const Context& ctx, const analysis::AnalyzedMigration& m,
                     const sql::Statement& o, NotValidAdds& adds) {
    if (o.kind != sql::Kind::kAlterTable) return;
    for (const sql::AlterCmd& oc : o.cmds)
      if (oc.type == sql::AlterType::kAddConstraint && oc.constraint && oc.constraint->not_valid)
        adds.by_constraint[Key(ctx, o.table, oc.name)] = {&m, o.begin};
  }

  // The adds before the current statement in its transaction. A transaction goes on while each
  // statement finds one more statement in it than the one before; one that began in an earlier
  // migration (a Prisma 8 run) is read once, at this migration's first statement.
  NotValidAdds& AddsBefore(Context& ctx) const {
    NotValidAdds& adds = ctx.Scratch<NotValidAdds>(this);
    const size_t count = ctx.tx.in_transaction ? ctx.tx.statement_count : 0;
    if (!ctx.tx.in_transaction || count != adds.statement_count + 1) {
      adds.by_constraint.clear();
      if (ctx.tx.in_transaction)
        for (const TransactionStatement& e : EarlierMigrationsInSameTransaction(ctx))
          Record(ctx, *e.migration, *e.statement, adds);
    }
    adds.statement_count = count;
    return adds;
  }

  void ReportValidate(Context& ctx, size_t i, const Add& added) const {
    const sql::Statement& s = ctx.statement();
    const sql::AlterCmd& c = s.cmds[i];
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
            LineIn(ctx, *added.migration, added.at) +
            (held != locks::LockMode::kNone
                 ? ", so " + LockPhrase(held, s.table) + " is still held while it reads every row"
                 : ", so the add's lock is still held while it reads every row"),
        "Commit in between: run the VALIDATE CONSTRAINT in a later migration (or after "
        "COMMIT), where it only takes SHARE UPDATE EXCLUSIVE",
        b, e);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeValidateInSeparateTransaction() {
  return std::make_unique<ValidateInSeparateTransaction>();
}

}  // namespace lockstep::rules

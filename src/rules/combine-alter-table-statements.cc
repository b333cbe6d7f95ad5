// eugene W12: several ALTER TABLE statements on the same live table, where at least one scans or
// rewrites it, mean several scans and several ACCESS EXCLUSIVE acquisitions where one statement
// with comma-separated actions would do one of each.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Heavy(const locks::Effect& e, const sql::QName& resolved) {
  for (const auto* list : {&e.scans, &e.rewrites})
    for (const sql::QName& q : *list)
      if (q == resolved) return true;
  return false;
}

class CombineAlterTableStatements : public Rule {
 public:
  std::string_view id() const override { return "combine-alter-table-statements"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "several ALTER TABLE statements on one table where one would scan it once";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    const sql::QName me = ctx.catalog().Resolve(s.table);
    const bool heavy = Heavy(ctx.effect(), me);
    const auto& st = ctx.migration().statements;
    for (size_t j = 0; j < ctx.index; ++j) {
      const sql::Statement& o = *st[j].statement;
      if (o.kind != sql::Kind::kAlterTable || !(st[j].before->Resolve(o.table) == me)) continue;
      if (!heavy && !Heavy(st[j].effect, me)) continue;
      Report(ctx, *this,
             "Another ALTER TABLE of " + Quoted(s.table) + " ran on line " +
                 std::to_string(LineOf(ctx, o.begin)) +
                 ": two statements queue for the table's lock twice and read the table more "
                 "often than one statement with both actions would",
             "Combine the actions into one ALTER TABLE, separated by commas (ALTER TABLE t ADD "
             "CONSTRAINT a …, ADD CONSTRAINT b …)");
      return;
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeCombineAlterTableStatements() {
  return std::make_unique<CombineAlterTableStatements>();
}

}  // namespace lockstep::rules

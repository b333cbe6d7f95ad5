// eugene W12: several ALTER TABLE statements on the same live table, where at least one scans or
// rewrites it, mean several scans and several ACCESS EXCLUSIVE acquisitions where one statement
// with comma-separated actions would do one of each.
#include <map>
#include <optional>
#include <string>

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
    // The earlier ALTER TABLEs of each table, kept as we go instead of rescanning the file for
    // every statement (quadratic on a long file): only the first one, and the first heavy one,
    // can ever be reported.
    auto& seen = ctx.Scratch<std::map<std::string, Earlier>>(this);
    const sql::QName me = ctx.catalog().Resolve(s.table);
    const bool heavy = Heavy(ctx.effect(), me);
    Earlier& e = seen[me.Key()];
    const std::optional<int> other = heavy ? e.first : e.first_heavy;
    if (!e.first) e.first = s.begin;
    if (heavy && !e.first_heavy) e.first_heavy = s.begin;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l) || !other) return;
    Report(ctx, *this,
           "Another ALTER TABLE of " + Quoted(s.table) + " ran on line " +
               std::to_string(LineOf(ctx, *other)) +
               ": two statements queue for the table's lock twice and read the table more "
               "often than one statement with both actions would",
           "Combine the actions into one ALTER TABLE, separated by commas (ALTER TABLE t ADD "
           "CONSTRAINT a …, ADD CONSTRAINT b …)");
  }

 private:
  // Where they start in the file: an offset, not the statement (the runner need not keep it).
  struct Earlier {
    std::optional<int> first;        // the first ALTER TABLE of the table in this file
    std::optional<int> first_heavy;  // the first one that scans or rewrites it
  };
};

}  // namespace

std::unique_ptr<Rule> MakeCombineAlterTableStatements() {
  return std::make_unique<CombineAlterTableStatements>();
}

}  // namespace lockstep::rules

// squawk changing-column-type, eugene E5, strong_migrations, pgfence alter-column: ALTER COLUMN …
// TYPE rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE, unless the change is
// binary-coercible (varchar(n) -> varchar(m >= n), varchar -> text, numeric widening, …), which the
// lock model knows: this rule fires only when Effect::rewrites says the table is rewritten.
// `lockstep fix` rewrites a finding as expand/contract when locks::TypeChangeRewriteBlocker, the
// predicate its step uses, finds nothing in the way; only those findings are marked fixable.
#include "locks/key_conversion.h"
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class AvoidRewritingTypeChange : public Rule {
 public:
  std::string_view id() const override { return "avoid-rewriting-type-change"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ALTER COLUMN … TYPE that rewrites the table (not binary-coercible)";
  }
  bool fixable() const override { return true; }
  // The fixability of a type change depends on every other statement of the migration
  // (locks::TypeChangeRewriteBlocker, shared with fix).
  bool NeedsWholeMigration(const sql::Statement& s) const override {
    if (s.kind != sql::Kind::kAlterTable) return false;
    for (const sql::AlterCmd& c : s.cmds)
      if (c.type == sql::AlterType::kAlterColumnType) return true;
    return false;
  }

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !Rewrites(ctx, s.table)) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    const schema::Table* t = ctx.catalog().FindTable(s.table);
    locks::Options opt;
    opt.pg_version = ctx.settings().pg_version;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      const sql::AlterCmd& c = s.cmds[i];
      if (c.type != sql::AlterType::kAlterColumnType || !c.column) continue;
      const schema::Column* col = t ? t->FindColumn(c.name) : nullptr;
      // Another sub-command may be the one that rewrites; this one only if it is not free.
      if (col && !c.has_using && locks::IsBinaryCoercible(col->type, c.column->type, opt)) continue;
      std::string why;
      if (!col) {
        why =
            " (the column's current type is not in the migration history, so lockstep assumes "
            "the change is not binary-coercible)";
      } else if (c.has_using) {
        why = " (a USING expression always rewrites)";
      }
      const auto [b, e] = AlterCmdRange(ctx, i);
      const std::string blocker = locks::TypeChangeRewriteBlocker(ctx.migration().parsed.statements,
                                                                  ctx.index, i, ctx.catalog(), opt);
      Diagnostic d;
      d.rule = std::string(id());
      d.severity = default_severity();
      d.message = "Changing the type of \"" + c.name + "\" to " + TypeText(ctx, c.column->type) +
                  " rewrites " + Quoted(s.table) + " and rebuilds its indexes under " +
                  LockPhrase(l->mode, s.table) + why;
      d.help =
          "Add a new column of the new type, backfill it in batches (and keep it in sync with "
          "a trigger), switch the application to it, then drop the old column; changes such as "
          "varchar(n) to varchar(m > n) or to text need no rewrite";
      const bool key = locks::IsKeyConversionMember(ctx.migration().parsed.statements, ctx.index, i,
                                                    ctx.catalog());
      d.help += blocker.empty()
                    ? " (lockstep fix writes these steps: the new column and its trigger "
                      "here, a backfill migration lockstep deploy runs in batches, a swap of the "
                      "names in one short transaction, and the old column dropped by a contract "
                      "migration" +
                          std::string(kContractWaits) +
                          (key ? "; for a primary key and the columns referencing it, all "
                                 "together, each table's expand in a migration of its own: the "
                                 "new key's unique index built CONCURRENTLY, the key, a serial's "
                                 "sequence (made bigint) and the foreign keys moved in the swap "
                                 "(NOT VALID, the key's table locked first), then validated)"
                               : ")")
                    : " (lockstep fix cannot write them: " + blocker + ")";
      d.begin = b;
      d.end = e;
      if (b >= 0 && e < 0) d.end = TokenEnd(ctx, b);
      d.fixable = blocker.empty();
      ctx.Report(std::move(d));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAvoidRewritingTypeChange() {
  return std::make_unique<AvoidRewritingTypeChange>();
}

}  // namespace lockstep::rules

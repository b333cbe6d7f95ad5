// squawk adding-field-with-default, eugene E11, strong_migrations (auto-increment, stored
// generated and volatile-default columns), pgfence add-column: an ADD COLUMN that has to fill
// every existing row rewrites the table while holding ACCESS EXCLUSIVE. Whether it rewrites is the
// lock model's call (Effect::rewrites); this rule only names the column and the cause.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

// The volatile part of a default, or empty when the lock model would call it stable.
std::string VolatileCall(const sql::Expr& e) {
  if (e.has_subquery) return "a sub-query";
  for (const std::string& f : e.functions)
    if (f == "nextval" || locks::IsVolatileFunction(f)) return f + "()";
  return {};
}

const sql::Constraint* FindConstraint(const sql::ColumnDef& c, sql::Constraint::Type t) {
  for (const sql::Constraint& k : c.constraints)
    if (k.type == t) return &k;
  return nullptr;
}

class AvoidRewriteOnAddColumn : public Rule {
 public:
  std::string_view id() const override { return "avoid-rewrite-on-add-column"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ADD COLUMN that rewrites the table (volatile default, serial, identity, stored "
           "generated; any default before PostgreSQL 11)";
  }
  // The volatile-default and serial findings: fix rewrites those
  // (src/fix/steps/volatile_default.cc, serial_column.cc).
  bool fixable() const override { return true; }

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !Rewrites(ctx, s.table)) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type != sql::AlterType::kAddColumn || !c.column) continue;
      const sql::ColumnDef& col = *c.column;
      std::string cause, help;
      int at = -1;
      bool fixable = false;
      using T = sql::Constraint::Type;
      const bool pg18 = ctx.settings().pg_version >= 18;
      const std::string not_null_steps = pg18 ? "NOT NULL … NOT VALID and VALIDATE"
                                              : "NOT NULL through CHECK … NOT VALID, VALIDATE "
                                                "and SET NOT NULL";
      if (!locks::SerialIntegerType(col.type).empty()) {
        cause = "a " + col.type.base() + " column gives every existing row a nextval()";
        at = col.type.location;
        fixable = locks::IsBackfillableSerialColumn(col, ctx.settings().pg_version);
        help = "Create the sequence, add a nullable " +
               std::string(locks::SerialIntegerType(col.type)) + " column with ALTER COLUMN " +
               col.name +
               " SET DEFAULT nextval('seq') for new rows, backfill the existing rows "
               "in batches (UPDATE … SET " +
               col.name + " = nextval('seq') WHERE " + col.name +
               " IS NULL), then make it NOT NULL without a scan";
        if (fixable)
          help +=
              " (lockstep fix writes these steps: the sequence OWNED BY the column as serial "
              "does, the backfill in a migration of its own, which lockstep deploy runs in "
              "batches, then " +
              not_null_steps + ")";
      } else if (col.identity) {
        const sql::Constraint* k = FindConstraint(col, T::kIdentity);
        cause = "an identity column gives every existing row a value";
        at = k ? k->location : col.location;
        fixable = locks::IsBackfillableIdentityColumn(col, ctx.settings().pg_version);
        // ADD GENERATED … AS IDENTITY needs the column NOT NULL first and creates its sequence
        // at its START (ACCESS EXCLUSIVE, no scan: checked on PostgreSQL 18), so the backfill
        // needs a sequence of its own and the identity's is moved past it with setval() in the
        // same short transaction.
        help =
            "Add a nullable column with a default from a sequence of its own, backfill the "
            "existing rows in batches, make it NOT NULL without a scan, then in one short "
            "transaction DROP DEFAULT, ALTER COLUMN … ADD GENERATED … AS IDENTITY (ACCESS "
            "EXCLUSIVE, no scan, but it needs NOT NULL and starts its sequence afresh), setval() "
            "the identity's sequence past the backfilled values and drop the other sequence";
        if (fixable)
          help +=
              " (lockstep fix writes these steps: the backfill in a migration of its own, which "
              "lockstep deploy runs in batches, " +
              not_null_steps + ", then the identity in a migration of its own)";
      } else if (col.generated_stored) {
        const sql::Constraint* k = FindConstraint(col, T::kGenerated);
        cause = "a stored generated column is computed for every existing row";
        at = k ? k->location : col.location;
        help =
            "Add a plain nullable column kept up to date by a trigger, and backfill it in "
            "batches (PostgreSQL 18's virtual generated columns need no rewrite)";
      } else if (col.default_expr && col.default_expr->kind != sql::Expr::Kind::kNull) {
        const std::string call = VolatileCall(*col.default_expr);
        if (!call.empty()) {
          cause = "its default calls " + call + ", which is evaluated for every existing row";
          fixable = locks::IsBackfillableVolatileDefault(col, ctx.settings().pg_version);
        } else if (ctx.settings().pg_version < 11) {
          cause = "before PostgreSQL 11 any default is written into every existing row";
        } else {
          continue;
        }
        at = col.default_expr->location;
        help = "Add the column without the default, set the default for new rows (ALTER COLUMN " +
               col.name + " SET DEFAULT …), then backfill existing rows in batches";
        if (fixable)
          help +=
              " (lockstep fix writes these steps: the backfill in a migration of its own, "
              "which lockstep deploy runs in batches" +
              (col.not_null ? ", then " + not_null_steps + ")" : std::string(")"));
      } else {
        continue;
      }
      const int begin = at >= 0 ? at : c.location;
      Diagnostic d;
      d.rule = std::string(id());
      d.severity = default_severity();
      d.message = "Adding column \"" + col.name + "\" rewrites " + Quoted(s.table) + " under " +
                  LockPhrase(l->mode, s.table) + ", until the rewrite ends: " + cause;
      d.help = std::move(help);
      d.begin = begin;
      d.end = begin >= 0 ? ExprEnd(ctx, begin) : -1;
      if (begin >= 0 && d.end < 0) d.end = TokenEnd(ctx, begin);
      d.fixable = fixable;
      ctx.Report(std::move(d));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAvoidRewriteOnAddColumn() {
  return std::make_unique<AvoidRewriteOnAddColumn>();
}

}  // namespace lockstep::rules

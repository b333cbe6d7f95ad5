// squawk adding-required-field, pgfence add-column NOT NULL: ADD COLUMN … NOT NULL without a
// default fails as soon as the table has a row. History-aware: a table created earlier in this
// migration is known to be empty, one from an earlier migration is assumed to have rows, and one
// the history does not know is assumed to have rows too (the message says which). Whether the
// statement fails on rows is the lock model's Effect::fails_if_rows.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireDefaultForNotNullColumn : public Rule {
 public:
  std::string_view id() const override { return "require-default-for-not-null-column"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ADD COLUMN … NOT NULL without a default on a table that has rows: fails";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterTable || !ctx.effect().fails_if_rows) return;
    const schema::Origin origin = ctx.OriginOf(s.table);
    if (origin == schema::Origin::kThisMigration) return;
    const std::string why = origin == schema::Origin::kExisting
                                ? " was created by an earlier migration (" +
                                      ctx.catalog().FindTable(s.table)->created_in +
                                      "), so it is assumed to have rows"
                                : " is not in the migration history, so it may have rows";
    for (const sql::AlterCmd& c : s.cmds) {
      if (c.type != sql::AlterType::kAddColumn || !c.column) continue;
      const sql::ColumnDef& col = *c.column;
      if (!col.not_null || col.default_expr || col.identity || col.generated_stored ||
          col.generated_virtual)
        continue;
      const std::string& b = col.type.base();
      if (b.find("serial") != std::string::npos) continue;
      Report(
          ctx, *this,
          "Adding NOT NULL column \"" + col.name +
              "\" without a default fails with "
              "\"column contains null values\" if " +
              Quoted(s.table) + " has any row; " + Quoted(s.table) + why,
          "Give it a default (ADD COLUMN " + col.name +
              " … NOT NULL DEFAULT <value>, which "
              "PostgreSQL 11+ adds without a rewrite), or add it nullable, backfill, and then make "
              "it NOT NULL through a CHECK constraint",
          c.location, c.location >= 0 ? ClauseEnd(ctx, c.location) : -1);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireDefaultForNotNullColumn() {
  return std::make_unique<RequireDefaultForNotNullColumn>();
}

}  // namespace lockstep::rules

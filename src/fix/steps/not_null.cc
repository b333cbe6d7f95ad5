// NOT NULL for a column of a live table without a scan under ACCESS EXCLUSIVE, shared by the
// steps that make a column NOT NULL (set_not_null.cc, volatile_default.cc).
//
// PostgreSQL 18 has NOT NULL constraints of their own, which may be added NOT VALID (new rows are
// checked, old ones not) and validated later under SHARE UPDATE EXCLUSIVE; the validated
// constraint is the column's NOT NULL (attnotnull), so nothing follows. It gets the name 18
// would give `SET NOT NULL` (<table>_<column>_not_null), so that the schema is the original's.
// Before 18: CHECK (col IS NOT NULL) NOT VALID, validated, then SET NOT NULL (12+ skips its scan
// when a valid CHECK proves the column non-null) and DROP the CHECK in a migration after the
// validations.
//
// NOT VALID spares the rows already there, not the versions an UPDATE writes: while a new
// column still has NULLs for the backfill to fill, the constraint would make every UPDATE of such
// a row by the running application fail. So a backfilled column gets it only after the backfill.
#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool NotNullConstraintsCanBeNotValid(const Context& ctx) { return ctx.options().pg_version >= 18; }

std::string DeferNotNull(Context& ctx, const sql::QName& table, const std::string& column,
                         const std::string& column_text, bool after_backfill) {
  const std::string table_text = ctx.TableText();
  const std::string& quoted = column_text;
  if (NotNullConstraintsCanBeNotValid(ctx)) {
    const std::string name =
        QuoteIdent(ChooseConstraintName(ctx.before(), table, column, "not_null"));
    ctx.Validate("ALTER TABLE " + table_text + " VALIDATE CONSTRAINT " + name, "check");
    if (!after_backfill)
      return ctx.Kw("ADD CONSTRAINT ") + name + ctx.Kw(" NOT NULL ") + quoted +
             ctx.Kw(" NOT VALID");
    ctx.AfterBackfill("ALTER TABLE " + table_text + " ADD CONSTRAINT " + name + " NOT NULL " +
                      quoted + " NOT VALID");
    return "";
  }
  // Not "<table>_<col>_not_null": PostgreSQL 18 gives NOT NULL constraints that name.
  const std::string check =
      QuoteIdent(ChooseConstraintName(ctx.before(), table, column + "_not_null", "check"));
  ctx.Validate("ALTER TABLE " + table_text + " VALIDATE CONSTRAINT " + check, "check");
  ctx.AfterValidation("ALTER TABLE " + table_text + " ALTER COLUMN " + quoted + " SET NOT NULL");
  ctx.AfterValidation("ALTER TABLE " + table_text + " DROP CONSTRAINT " + check);
  if (!after_backfill)
    return ctx.Kw("ADD CONSTRAINT ") + check + ctx.Kw(" CHECK (") + quoted +
           ctx.Kw(" IS NOT NULL) NOT VALID");
  ctx.AfterBackfill("ALTER TABLE " + table_text + " ADD CONSTRAINT " + check + " CHECK (" + quoted +
                    " IS NOT NULL) NOT VALID");
  return "";
}

}  // namespace lockstep::fix::steps

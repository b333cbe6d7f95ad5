// ALTER TABLE t RENAME COLUMN a TO b on a live table: the running application keeps writing `a`
// and fails the moment the name changes. Rewritten as expand/contract (issue 13 item 2):
//
// expand (here): b added nullable with a's type, and a BEFORE INSERT OR UPDATE trigger that keeps
//   a and b equal whichever one the writer set; then a backfill migration (UPDATE t SET b = a,
//   batched by lockstep deploy), NOT NULL through CHECK … NOT VALID + VALIDATE + SET NOT NULL when
//   a was NOT NULL (PostgreSQL 18: NOT NULL b NOT VALID + VALIDATE, which leaves b NOT NULL), and
//   each index on a built again on b CONCURRENTLY, in migrations of their own under temporary
//   names (a's indexes still hold the names).
// contract (Context::Contract, after the rollout of the application that uses b): the trigger
//   and its function dropped, b given a's default, a dropped (its indexes with it), the new
//   indexes given the old names (on 18, b's NOT NULL constraint too: a rename keeps the
//   constraint's name, <table>_<a>_not_null), all in one transaction, so that the end state is
//   the original rename's (the column's position aside).
//
// Why the default waits for the contract: during expand a BEFORE INSERT trigger cannot tell a
// column the writer left out from one it set to its default. With the default on a only, b is
// NULL exactly when the writer did not set it, so "b set wins, else b := a" is right for the old
// application (writes a, or relies on a's default) and the new one (writes b). The one case it
// gets wrong is a new-application INSERT of an explicit NULL into b while a has a default; the
// docs say so.
#include "analysis/rename.h"
#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

std::string Qualified(const sql::QName& written, const std::string& name) {
  return QuoteQName(sql::QName{written.schema, name});
}

// The name `ix` has at the end of the migration: a hand-written rename migration often renames
// the column's index after it (ALTER INDEX "T_a_key" RENAME TO "T_b_key"), which the expand
// applies to the old index; the new index must end up with that name.
std::string FinalIndexName(const Context& ctx, const schema::Index& ix) {
  std::string name = ix.name.name;
  for (size_t j = ctx.index + 1; j < ctx.statement_count(); ++j) {
    const sql::Statement& o = ctx.stmt(j);
    if (o.kind == sql::Kind::kRename && o.object_type == sql::ObjectType::kIndex &&
        ctx.Resolve(o.table) == sql::QName{ix.name.schema, name})
      name = o.rename_to;
  }
  return name;
}

}  // namespace

const analysis::RenameWalk& Renames(const Context& ctx) {
  static const char kTag = 0;  // this memo's owner
  return ctx.MemoOnce<analysis::RenameWalk>(&kTag, [&](analysis::RenameWalk& walk) {
    for (size_t i = 0; i < ctx.statement_count(); ++i)
      walk.Add(ctx.stmt(i), i, ctx.before(), ctx.migration().source);
  });
}

bool RenameColumnStep(Context& ctx) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kRename || s.object_type != sql::ObjectType::kColumn ||
      s.table.name.empty() || ctx.IsNew(s.table) ||
      ctx.before().OriginOf(s.table) != schema::Origin::kExisting ||
      Renames(ctx).HalfOfASwap(ctx.index))  // keeps every name (type change)
    return false;
  const std::vector<std::string> by_hand = {
      "expand: add the new column, keep both written (a trigger), backfill it in batches",
      "deploy code that reads and writes the new column",
      "contract: drop the old column in a later migration"};
  std::string why = analysis::ColumnRenameBlocker(ctx.before(), s);
  if (why.empty() && ctx.options().pg_version < 12)
    why = "PostgreSQL before 12 cannot use a CHECK to skip SET NOT NULL's scan";
  if (why.empty()) {
    why = Renames(ctx).LaterUse(ctx.index);
  }
  if (!why.empty()) {
    ctx.MarkUnsafe(
        "renaming a column breaks every running instance of the application that "
        "still uses the old name, and fix cannot rewrite it: " +
            why,
        by_hand);
    return true;
  }

  const sql::QName tab = ctx.before().Resolve(s.table);
  const schema::Table& t = *ctx.before().FindTable(tab);
  const schema::Column& col = *t.FindColumn(s.rename_from);
  const std::string table = QuoteQName(s.table);
  const std::string a = QuoteIdent(s.rename_from), b = QuoteIdent(s.rename_to);
  const std::string sync = PgObjectName(tab.name, s.rename_from + "_" + s.rename_to, "sync");
  const std::string fn = Qualified(s.table, sync);

  std::string expand =
      "ALTER TABLE " + table + " ADD COLUMN " + b + " " + *analysis::TypeSql(col.type);
  // The constraint that makes b NOT NULL. The sync trigger fills b in every row written from the
  // expand on (an UPDATE of a row the backfill has yet to reach included), so it can be there
  // from the start. On 18 it is b's own NOT NULL, added NOT VALID; once validated, b is NOT NULL
  // in the catalog and nothing follows.
  const bool not_null_not_valid = NotNullConstraintsCanBeNotValid(ctx);
  std::string check;
  if (col.not_null && not_null_not_valid) {
    check = QuoteIdent(ChooseConstraintName(ctx.before(), tab, s.rename_to, "not_null"));
    expand += ", ADD CONSTRAINT " + check + " NOT NULL " + b + " NOT VALID";
  } else if (col.not_null) {
    check = QuoteIdent(ChooseConstraintName(ctx.before(), tab, s.rename_to + "_not_null", "check"));
    expand += ", ADD CONSTRAINT " + check + " CHECK (" + b + " IS NOT NULL) NOT VALID";
  }
  // No recursion to guard: the trigger only assigns NEW, it never writes the table itself.
  expand += ";\nCREATE FUNCTION " + fn +
            "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP = 'INSERT' THEN\n"
            "    IF NEW." +
            b + " IS NULL THEN NEW." + b + " := NEW." + a + "; ELSE NEW." + a + " := NEW." + b +
            "; END IF;\n"
            "  ELSIF NEW." +
            b + " IS DISTINCT FROM OLD." + b +
            " THEN\n"
            "    NEW." +
            a + " := NEW." + b +
            ";\n"
            "  ELSE\n"
            "    NEW." +
            b + " := NEW." + a +
            ";\n"
            "  END IF;\n"
            "  RETURN NEW;\n"
            "END\n"
            "$$;\n"
            "CREATE TRIGGER " +
            QuoteIdent(sync) + " BEFORE INSERT OR UPDATE ON " + table +
            " FOR EACH ROW EXECUTE FUNCTION " + fn + "()";
  ctx.Replace(s.begin, s.end, expand);

  NewMigration fill;
  fill.slug = SnakeCase("backfill_" + tab.name + "_" + s.rename_to);
  fill.sql = "UPDATE " + table + " SET " + b + " = " + a + " WHERE " + b + " IS NULL AND " + a +
             " IS NOT NULL;\n";
  fill.purpose = "copies " + s.rename_from + " into " + s.rename_to +
                 " for the existing rows (lockstep deploy: in batches)";
  ctx.Backfill(std::move(fill));
  if (col.not_null) {
    ctx.Validate("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check, "check");
    if (!not_null_not_valid) {
      ctx.AfterValidation("ALTER TABLE " + table + " ALTER COLUMN " + b + " SET NOT NULL");
      ctx.AfterValidation("ALTER TABLE " + table + " DROP CONSTRAINT " + check);
    }
  }

  std::string renames;
  for (const schema::Index* ix : ctx.before().IndexesOn(tab)) {
    if (std::find(ix->columns.begin(), ix->columns.end(), s.rename_from) == ix->columns.end())
      continue;
    const std::string temp = TemporaryIndexName(ctx, tab.schema, ix->name.name);
    std::string cols;
    for (size_t k = 0; k < ix->columns.size(); ++k) {
      cols += (k ? ", " : "") +
              QuoteIdent(ix->columns[k] == s.rename_from ? s.rename_to : ix->columns[k]);
      if (k < ix->opclasses.size() && !ix->opclasses[k].empty())
        cols += " " + QuoteIdent(ix->opclasses[k]);
      if (k < ix->descending.size() && ix->descending[k]) cols += " DESC";
    }
    NewMigration build;
    build.slug = SnakeCase(temp);
    build.sql = std::string("CREATE ") + (ix->unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY " +
                QuoteIdent(temp) + " ON " + table +
                (ix->method == "btree" ? "" : " USING " + ix->method) + "(" + cols + ");\n";
    build.transactional = false;
    build.purpose = "builds " + ix->name.name + " again on " + s.rename_to +
                    " without blocking writes (under a temporary name until the contract)";
    ctx.Add(std::move(build));
    renames += "ALTER INDEX " + Qualified(s.table, temp) + " RENAME TO " +
               QuoteIdent(FinalIndexName(ctx, *ix)) + ";\n";
  }

  NewMigration contract;
  contract.slug = SnakeCase("contract_" + tab.name + "_" + s.rename_to);
  contract.sql = "DROP TRIGGER " + QuoteIdent(sync) + " ON " + table + ";\nDROP FUNCTION " + fn +
                 "();\nALTER TABLE " + table;
  if (col.default_expr)
    contract.sql +=
        " ALTER COLUMN " + b + " SET DEFAULT " + *analysis::DefaultSql(*col.default_expr) + ",";
  contract.sql += " DROP COLUMN " + a + ";\n" + renames;
  // PostgreSQL 18's RENAME COLUMN keeps the name of the column's NOT NULL constraint: the
  // original rename leaves b's named after a, free again once a is dropped.
  if (col.not_null && not_null_not_valid)
    contract.sql += "ALTER TABLE " + table + " RENAME CONSTRAINT " + check + " TO " +
                    QuoteIdent(ChooseConstraintName(ctx.before(), tab, s.rename_from, "not_null")) +
                    ";\n";
  contract.purpose = s.rename_from + " with its sync trigger once no running code uses it";
  ctx.Contract(std::move(contract));

  ctx.Rewrote("expand/contract: " + s.rename_to + " added beside " + s.rename_from +
              " and kept equal by a trigger, backfilled in its own migration" +
              (!col.not_null ? ""
               : not_null_not_valid
                   ? ", NOT NULL through NOT NULL … NOT VALID and VALIDATE (no CHECK)"
                   : ", NOT NULL through CHECK … NOT VALID, VALIDATE and SET NOT NULL") +
              (renames.empty() ? "" : ", its indexes built again CONCURRENTLY") +
              "; the contract migration drops " + s.rename_from + " and the trigger");
  return true;
}

}  // namespace lockstep::fix::steps

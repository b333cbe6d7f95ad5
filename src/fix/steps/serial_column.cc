// ADD COLUMN … serial / bigserial / smallserial on a live table rewrites every row under ACCESS
// EXCLUSIVE: each existing row gets its own nextval(). serial is shorthand for a sequence owned by
// an integer column whose default is nextval() of it, NOT NULL. Rewritten as exactly that, in
// steps that never rewrite: CREATE SEQUENCE before the ALTER TABLE; the integer column added
// without a default and the default set for new rows in the same statement; the sequence OWNED
// BY the column after it (as serial does, so dropping the column drops it); the existing rows
// backfilled from the sequence in a migration of its own (lockstep deploy runs it in batches);
// then NOT NULL added NOT VALID and validated (not_null.cc). Rows inserted meanwhile take
// the default from the same sequence, so values stay unique. The existing rows are numbered in
// the backfill's order rather than in the table's physical order, which nothing may rely on.
#include <cctype>

#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
bool SequenceColumnCanBeBackfilled(const Context& ctx, const sql::ColumnDef& col) {
  const sql::Statement& s = ctx.stmt();
  for (const sql::Constraint& k : col.constraints)
    if (k.location < 0) return false;  // no text span to edit
  if (!LaterRenameOrDrop(ctx, ctx.index, s.table, "", col.name).empty()) return false;
  // The backfill runs after the whole migration: a later statement that changes the column
  // (its default, type, NOT NULL) or names its sequence (DROP/ALTER SEQUENCE) would run before
  // it, with the column still empty and maybe its sequence gone (corpus: formbricks
  // 20231109052945 adds a SERIAL, then drops its default, makes it TEXT and drops the sequence).
  const sql::QName resolved = ctx.before().Resolve(s.table);
  const sql::QName owned_seq = schema::Catalog::OwnedSequenceName(resolved, col.name);
  const auto& all = ctx.migration().parsed.statements;
  for (size_t j = ctx.index + 1; j < all.size(); ++j) {
    const sql::Statement& o = all[j];
    if (o.kind == sql::Kind::kAlterTable && ctx.before().Resolve(o.table) == resolved)
      for (const sql::AlterCmd& c : o.cmds)
        if (c.name == col.name) return false;
    for (const sql::QName& q : o.objects)
      if (ctx.before().Resolve(q) == owned_seq) return false;
    if (o.kind == sql::Kind::kAlterSequence && ctx.before().Resolve(o.table) == owned_seq)
      return false;
  }
  if (col.type.location < 0 || ctx.TokenIndexAt(col.type.location) < 0) return false;
  // ALTER SEQUENCE … OWNED BY follows the statement's ';' (a last statement without one is left
  // to the unsafe report).
  const int semi = ctx.TokenIndexAt(s.end);
  if (semi < 0 || ctx.parsed().tokens[semi].kind != "ASCII_59") return false;
  // The sequence gets the name PostgreSQL gives it; when a relation has it already, PostgreSQL
  // would pick another that the history cannot tell for sure: leave the statement to the unsafe
  // report.
  return SequenceNameIsFree(ctx, owned_seq);
}

bool SequenceNameIsFree(const Context& ctx, const sql::QName& seq) {
  return ctx.before().OriginOf(seq) == schema::Origin::kUnknown && !ctx.before().FindIndex(seq);
}

void NumberBySequence(Context& ctx, size_t cmd, const sql::QName& seq,
                      const std::string& integer_type, const std::string& seq_options) {
  const sql::Statement& s = ctx.stmt();
  const sql::ColumnDef& col = *s.cmds[cmd].column;
  const int semi = ctx.TokenIndexAt(s.end);
  const int type_token = ctx.TokenIndexAt(col.type.location);
  const std::string seq_text = QuoteQName(seq);
  const std::string next = "nextval(" + QuoteLiteral(seq_text) + ")";
  const std::string column = QuoteIdent(col.name);
  const std::string table_text = ctx.TableText();
  std::string int_type = integer_type;
  for (char& ch : int_type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int_type = ctx.Kw(int_type);  // Kw lowers upper case for a lower-case statement
  const int action_end = ctx.spans()->cmds[cmd].second;

  ctx.Insert(s.begin, ctx.Kw("CREATE SEQUENCE ") + seq_text + ctx.Kw(" AS ") + int_type +
                          (seq_options.empty() ? "" : " " + seq_options) + ";\n");
  const auto& tok = ctx.parsed().tokens[type_token];
  ctx.Replace(tok.begin, tok.end, int_type);
  for (size_t k = 0; k < col.constraints.size(); ++k)
    RemoveInlineConstraint(ctx, col, k, action_end);
  ctx.Insert(action_end, ctx.Kw(", ALTER COLUMN ") + column + ctx.Kw(" SET DEFAULT ") + next);
  // After the statement's ';' (after every action's own edits, which end where it starts).
  const std::string owned =
      ctx.Kw("ALTER SEQUENCE ") + seq_text + ctx.Kw(" OWNED BY ") + table_text + "." + column + ";";
  ctx.Insert(ctx.parsed().tokens[semi].end, "\n" + owned);

  NewMigration fill;
  fill.slug = SnakeCase("backfill_" + s.table.name + "_" + col.name);
  fill.sql = ctx.Kw("UPDATE ") + table_text + ctx.Kw(" SET ") + column + " = " + next +
             ctx.Kw(" WHERE ") + column + ctx.Kw(" IS NULL") + ";\n";
  fill.purpose = "numbers the existing rows' " + col.name + " (lockstep deploy: in batches)";
  ctx.Backfill(std::move(fill));
  DeferNotNull(ctx, s.table, col.name, column, true);
}

bool SerialColumnStep(Context& ctx, size_t cmd) {
  const sql::Statement& s = ctx.stmt();
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kAddColumn || !a.column || !ctx.spans() || ctx.IsNew(s.table))
    return false;
  const sql::ColumnDef& col = *a.column;
  // The same predicate as lint's fixable marking.
  if (!locks::IsBackfillableSerialColumn(col, ctx.options().pg_version)) return false;
  if (!SequenceColumnCanBeBackfilled(ctx, col)) return false;
  const sql::QName seq =
      schema::Catalog::OwnedSequenceName(ctx.before().Resolve(s.table), col.name);
  NumberBySequence(ctx, cmd, sql::QName{s.table.schema, seq.name},
                   std::string(locks::SerialIntegerType(col.type)), "");
  ctx.Rewrote("the sequence created and owned as " + col.type.base() +
              " does, the column added without its default (no rewrite), SET DEFAULT nextval() "
              "for new rows, the existing rows numbered in their own migration, then " +
              (NotNullConstraintsCanBeNotValid(ctx) ? "NOT NULL … NOT VALID and VALIDATE"
                                                    : "NOT NULL through CHECK … NOT VALID, "
                                                      "VALIDATE and SET NOT NULL"));
  return true;
}

}  // namespace lockstep::fix::steps

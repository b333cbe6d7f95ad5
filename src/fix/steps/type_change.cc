// ALTER COLUMN … TYPE that is not binary-coercible (int -> bigint, varchar -> integer USING …)
// rewrites the table and its indexes under ACCESS EXCLUSIVE. Rewritten as expand/contract, the
// column keeping its name for both the running application and the new one:
//   expand (here):  ADD COLUMN c_new newtype (nullable, no default: no rewrite), CHECK (c_new IS
//                   NOT NULL) NOT VALID when c is NOT NULL, and a BEFORE INSERT OR UPDATE trigger
//                   setting c_new from c, so that every row written from now on carries it;
//   backfill:       UPDATE … SET c_new = <expr> alone in its migration (lockstep deploy batches
//                   it; prisma migrate deploy runs it as one UPDATE, which blocks no reads);
//   validate:       VALIDATE the CHECK (SHARE UPDATE EXCLUSIVE: traffic goes on);
//   swap:           one short transaction under SET LOCAL lock_timeout: drop the trigger,
//                   c nullable, SET NOT NULL on c_new proven by the validated CHECK (no scan),
//                   drop the CHECK, rename c -> c_old and c_new -> c, the default on c;
//                   on PostgreSQL 18 the CHECK is c_new's own NOT NULL constraint added NOT
//                   VALID: validated, it is c_new's NOT NULL, so the swap only gives it c's name;
//   contract:       drop c_old and the trigger function (Plan::contract).
// The trigger is dropped in the swap rather than turned to feed c_old: after the swap both
// applications read and write c (the name never changes), so nobody reads c_old, and the trigger,
// which names c_new, would fail every write once c_new is renamed.
// When fix can do this is decided by locks::TypeChangeRewriteBlocker, shared with lint.
#include "base/quote.h"
#include "fix/steps/step.h"
#include "locks/key_conversion.h"

namespace lockstep::fix::steps {
namespace {

bool TokenIs(const sql::Token& t, std::string_view kind) { return t.kind == kind; }

}  // namespace

std::string Cut63(std::string name) {
  if (name.size() <= 63) return name;
  size_t n = 63;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return name.substr(0, n);
}

std::string FreeColumnName(const schema::Table& t, const std::string& base,
                           const std::string& suffix) {
  for (int n = 0;; ++n) {
    const std::string tail = suffix + (n == 0 ? "" : std::to_string(n));
    std::string name = Cut63(base.substr(0, 63 - std::min<size_t>(63, tail.size())) + tail);
    if (!t.FindColumn(name)) return name;
  }
}

namespace {

// The constant as SQL: a number bare (as PostgreSQL stores and prints a numeric default), anything
// else as a string literal.
std::string DefaultLiteral(const std::string& v) {
  size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') {
      digits = true;
    } else if (v[i] == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits && i == v.size()) return v;
  return QuoteLiteral(v);
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::optional<std::pair<std::string, std::string>> WrittenTypeChange(const Context& ctx, size_t i,
                                                                     size_t cmd) {
  const std::optional<AlterSpans> spans = SplitAlterTable(ctx.parsed(), ctx.stmt(i));
  if (!spans) return std::nullopt;
  // The new type (with any COLLATE) is what follows TYPE, up to USING; the expression follows it.
  const auto [ab, ae] = spans->cmds[cmd];
  const std::vector<sql::Token>& toks = ctx.parsed().tokens;
  int type_begin = -1, using_at = -1, using_end = -1;
  for (int k = ctx.TokenIndexAt(ab);
       k >= 0 && k < static_cast<int>(toks.size()) && toks[k].begin < ae; ++k) {
    if (type_begin < 0 && TokenIs(toks[k], "TYPE_P")) {
      if (k + 1 < static_cast<int>(toks.size())) type_begin = toks[k + 1].begin;
    } else if (type_begin >= 0 && TokenIs(toks[k], "USING")) {
      using_at = toks[k].begin;
      using_end = toks[k].end;
      break;
    }
  }
  if (type_begin < 0 || type_begin >= ae) return std::nullopt;
  std::pair<std::string, std::string> out{Trim(ctx.Text(type_begin, using_at >= 0 ? using_at : ae)),
                                          using_at >= 0 ? Trim(ctx.Text(using_end, ae)) : ""};
  if (out.first.empty() || (ctx.stmt(i).cmds[cmd].has_using && out.second.empty()))
    return std::nullopt;
  return out;
}

std::string SyncTriggerSql(const std::string& tab, const std::string& fn, const std::string& c,
                           const std::string& c_new, const std::string& value,
                           const std::string& tag) {
  return "-- Keeps " + c_new + " in step with " + c +
         " for every row written until the swap (lockstep fix).\n" + "CREATE FUNCTION " + fn +
         "() RETURNS trigger LANGUAGE plpgsql AS " + tag +
         "\n#variable_conflict use_column\nBEGIN\n  NEW." + c_new + " := " + value +
         ";\n  RETURN NEW;\nEND\n" + tag + ";\n" + "CREATE TRIGGER " + fn +
         " BEFORE INSERT OR UPDATE ON " + tab + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()";
}

bool TypeChangeStep(Context& ctx, size_t cmd) {
  const sql::Statement& s = ctx.stmt();
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kAlterColumnType || !a.column || !ctx.spans() || ctx.IsNew(s.table))
    return false;
  const sql::QName table = ctx.before().Resolve(s.table);
  const locks::Effect& e = ctx.effect();
  if (std::find(e.rewrites.begin(), e.rewrites.end(), table) == e.rewrites.end()) return false;
  locks::Options lo;
  lo.pg_version = ctx.options().pg_version;
  // A key and the columns referencing it are converted together (key_type_change.cc).
  if (locks::IsKeyConversionMember(ctx.parsed().statements, ctx.index, cmd, ctx.before()))
    return false;
  if (!locks::TypeChangeRewriteBlocker(ctx.parsed().statements, ctx.index, cmd, ctx.before(), lo)
           .empty())
    return false;
  const schema::Table& t = *ctx.before().FindTable(table);
  const schema::Column& col = *t.FindColumn(a.name);

  const auto written = WrittenTypeChange(ctx, ctx.index, cmd);
  if (!written) return false;
  const auto [ab, ae] = ctx.spans()->cmds[cmd];
  const std::string& type = written->first;
  const std::string& using_expr = written->second;

  const std::string tab = ctx.TableText();
  const std::string c = QuoteIdent(col.name);
  const std::string new_name = FreeColumnName(t, col.name, "_new");
  const std::string old_name = FreeColumnName(t, col.name, "_old");
  const std::string c_new = QuoteIdent(new_name);
  const std::string c_old = QuoteIdent(old_name);
  const std::string fn_name = Cut63(table.name + "_" + col.name + "_to_new");
  if (ctx.before().FindFunction(sql::QName{table.schema, fn_name})) return false;
  const std::string fn = QuoteIdent(fn_name);
  // The trigger sets c_new in every row written from the expand on, so the constraint can be
  // there from the start: NOT VALID spares only the rows the backfill has yet to fill.
  const bool not_null_not_valid = NotNullConstraintsCanBeNotValid(ctx);
  std::string check;
  if (col.not_null)
    check = QuoteIdent(
        not_null_not_valid
            ? ChooseConstraintName(ctx.before(), s.table, new_name, "not_null")
            : ChooseConstraintName(ctx.before(), s.table, new_name + "_not_null", "check"));

  // 1. Expand, in place of the type change.
  std::string add = ctx.Kw("ADD COLUMN ") + c_new + " " + type;
  if (!check.empty() && not_null_not_valid)
    add +=
        ctx.Kw(", ADD CONSTRAINT ") + check + ctx.Kw(" NOT NULL ") + c_new + ctx.Kw(" NOT VALID");
  else if (!check.empty())
    add += ctx.Kw(", ADD CONSTRAINT ") + check + ctx.Kw(" CHECK (") + c_new +
           ctx.Kw(" IS NOT NULL) NOT VALID");
  ctx.Replace(ab, ae, add);
  // Without USING the value is c itself (an assignment cast, as ALTER TYPE does). With USING, the
  // expression is evaluated over the row as written: a one-row subquery named like the table,
  // so that its column references, bare or qualified, mean what they meant in ALTER TYPE.
  const std::string tag = using_expr.find("$$") == std::string::npos ? "$$" : "$lockstep$";
  std::string value = "NEW." + c;
  if (a.has_using)
    value = "(SELECT " + using_expr + " FROM (SELECT NEW.*) AS " + QuoteIdent(table.name) + ")";
  ctx.Insert(s.end, ";\n\n" + SyncTriggerSql(tab, fn, c, c_new, value, tag));

  // 2. Backfill: only the rows no write has reached since the expand (a NULL that the expression
  // gives on purpose is merely computed again).
  NewMigration fill;
  fill.slug = SnakeCase("backfill_" + table.name + "_" + new_name);
  fill.sql = "UPDATE " + tab + " SET " + c_new + " = " + (a.has_using ? using_expr : c) +
             " WHERE " + c_new + " IS NULL;\n";
  fill.purpose = "fills " + new_name + " of the existing rows (lockstep deploy: in batches)";
  ctx.Backfill(std::move(fill));

  // 3. Validate.
  if (!check.empty()) ctx.Validate("ALTER TABLE " + tab + " VALIDATE CONSTRAINT " + check, "check");

  // 4. Swap, in one transaction bounded by lock_timeout: each statement takes ACCESS EXCLUSIVE
  // on the table for an instant (no scan, no rewrite).
  NewMigration swap;
  swap.slug = SnakeCase("swap_" + table.name + "_" + col.name);
  swap.sql = "BEGIN;\nSET LOCAL lock_timeout = '2s';\n";
  swap.sql += "DROP TRIGGER " + fn + " ON " + tab + ";\n";
  if (col.not_null) {
    // c_old must take the new application's rows, which never set it.
    swap.sql += "ALTER TABLE " + tab + " ALTER COLUMN " + c + " DROP NOT NULL;\n";
    // Before the renames, so that SET NOT NULL names the column the CHECK proves; two
    // statements, as within one ALTER TABLE the DROP CONSTRAINT would run first and SET NOT NULL
    // would scan. On 18 the validated constraint already is c_new's NOT NULL.
    if (!not_null_not_valid) {
      swap.sql += "ALTER TABLE " + tab + " ALTER COLUMN " + c_new + " SET NOT NULL;\n";
      swap.sql += "ALTER TABLE " + tab + " DROP CONSTRAINT " + check + ";\n";
    }
  }
  swap.sql += "ALTER TABLE " + tab + " RENAME COLUMN " + c + " TO " + c_old + ";\n";
  swap.sql += "ALTER TABLE " + tab + " RENAME COLUMN " + c_new + " TO " + c + ";\n";
  // ALTER TYPE keeps c's NOT NULL constraint and its name, which DROP NOT NULL has just freed.
  if (col.not_null && not_null_not_valid)
    swap.sql += "ALTER TABLE " + tab + " RENAME CONSTRAINT " + check + " TO " +
                QuoteIdent(ChooseConstraintName(ctx.before(), s.table, col.name, "not_null")) +
                ";\n";
  if (col.default_expr && col.default_expr->kind == sql::Expr::Kind::kConst)
    swap.sql += "ALTER TABLE " + tab + " ALTER COLUMN " + c + " SET DEFAULT " +
                DefaultLiteral(col.default_expr->const_value) + ";\n";
  swap.sql += "COMMIT;\n";
  swap.purpose = "swaps " + new_name + " in as " + col.name +
                 " in one short transaction (lock_timeout 2s), the old column kept as " + old_name;
  ctx.Add(std::move(swap));

  // 5. Contract: once no running code can still need the old values.
  NewMigration drop;
  drop.slug = SnakeCase("drop_" + table.name + "_" + old_name);
  drop.sql = "ALTER TABLE " + tab + " DROP COLUMN " + c_old + ";\nDROP FUNCTION " + fn + "();\n";
  drop.purpose = old_name + " and the trigger function (contract phase)";
  ctx.Contract(std::move(drop));

  ctx.Rewrote("expand/contract: " + new_name + " " + type +
              " fed by a trigger here, a backfill migration" +
              (check.empty()        ? ""
               : not_null_not_valid ? ", NOT NULL through NOT NULL … NOT VALID and VALIDATE (no "
                                      "CHECK)"
                                    : ", NOT NULL through CHECK … NOT VALID and VALIDATE") +
              ", a swap of the names in one short transaction, and " + old_name +
              " dropped in the contract phase");
  return true;
}

}  // namespace lockstep::fix::steps

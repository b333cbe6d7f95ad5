// ADD UNIQUE / PRIMARY KEY on a live table -> CREATE UNIQUE INDEX CONCURRENTLY in a migration of
// its own, then ADD CONSTRAINT … USING INDEX (catalog only) in the next. The plain form builds
// the index under ACCESS EXCLUSIVE: no reads, no writes for the whole build. When the key
// replaces one the migration drops (Prisma's `DROP CONSTRAINT "T_pkey", ADD CONSTRAINT "T_pkey"
// PRIMARY KEY (…)`), the old key stays until the swap (window.cc).
#include "base/quote.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {

bool UniqueConstraintStep(Context& ctx, size_t cmd) {
  const sql::Statement& s = ctx.stmt();
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kAddConstraint || !a.constraint) return false;
  const sql::Constraint& k = *a.constraint;
  const bool pk = k.type == sql::Constraint::Type::kPrimaryKey;
  if ((!pk && k.type != sql::Constraint::Type::kUnique) || !k.using_index.empty()) return false;
  if (ctx.IsNew(s.table)) {
    ctx.LeftAlone("table created by this migration: the index builds instantly on the empty table");
    return true;
  }
  if (!ctx.spans() || k.location < 0 || !k.including.empty() || k.deferrable ||
      k.nulls_not_distinct || k.columns.empty())
    return false;
  const schema::Table* t = ctx.before().FindTable(s.table);
  if (t && t->kind == schema::Table::Kind::kPartitioned) return false;
  // The action must be exactly [CONSTRAINT name] UNIQUE|PRIMARY KEY (columns): no WITH, no
  // USING INDEX TABLESPACE, which this rewrite would have to carry over.
  const auto [ab, ae] = ctx.spans()->cmds[cmd];
  const auto& toks = ctx.parsed().tokens;
  int i = ctx.TokenIndexAt(k.location);
  if (i >= 0 && toks[i].kind == "CONSTRAINT") {
    const int name_token = ctx.TokenIndexAt(toks[i].end);
    i = name_token >= 0 ? ctx.TokenIndexAt(toks[name_token].end) : -1;
  }
  if (i >= 0 && toks[i].kind == "PRIMARY") i = ctx.TokenIndexAt(toks[i].end);
  if (i < 0 || (toks[i].kind != "UNIQUE" && toks[i].kind != "KEY")) return false;
  const int open = ctx.TokenIndexAt(toks[i].end);
  if (open < 0 || toks[open].kind != "ASCII_40") return false;
  int depth = 0, close = -1;
  for (int j = open; j < static_cast<int>(toks.size()) && toks[j].begin < ae; ++j) {
    if (toks[j].kind == "ASCII_40") ++depth;
    if (toks[j].kind == "ASCII_41" && --depth == 0) {
      close = j;
      break;
    }
  }
  if (close < 0 || toks[close].end != ae) return false;
  if (pk && t) {
    for (const std::string& c : k.columns) {
      const schema::Column* col = t->FindColumn(c);
      if (col && !col->not_null) {
        ctx.MarkUnsafe("ADD PRIMARY KEY on nullable column " + c +
                           " also sets NOT NULL, scanning " + s.table.ToString() +
                           " under ACCESS EXCLUSIVE",
                       {"first make the column NOT NULL (lockstep fix rewrites SET NOT NULL into "
                        "CHECK … NOT VALID, VALIDATE, SET NOT NULL)",
                        "then add the primary key (lockstep fix builds its index concurrently)"});
        return true;
      }
    }
  }
  for (size_t j = ctx.index + 1; j < ctx.statement_count(); ++j) {
    const sql::Statement& later = ctx.stmt(j);
    for (const sql::AlterCmd& c : later.cmds)
      if (c.constraint && c.constraint->type == sql::Constraint::Type::kForeignKey &&
          ctx.Resolve(c.constraint->ref_table) == ctx.Resolve(s.table)) {
        ctx.MarkUnsafe(
            "a foreign key added later in this migration may need this key, so its "
            "index cannot be built after the migration",
            {"build the index with CREATE UNIQUE INDEX CONCURRENTLY in a migration of "
             "its own",
             "ADD CONSTRAINT … USING INDEX in the next", "add the foreign key after it"});
        return true;
      }
  }
  if (const std::string dep = LaterDependency(ctx, ctx.index, sql::QName{}, s.table, k.columns);
      !dep.empty()) {
    ctx.MarkUnsafe("ADD " + std::string(pk ? "PRIMARY KEY" : "UNIQUE") +
                       " builds its index under ACCESS EXCLUSIVE, and the build cannot be moved "
                       "after the migration: " +
                       dep,
                   {"build the index with CREATE UNIQUE INDEX CONCURRENTLY in a migration of its "
                    "own, before this one",
                    "then ADD CONSTRAINT … USING INDEX here"});
    return true;
  }
  const std::string bare =
      !k.name.empty() ? k.name
      : pk            ? ChooseIndexName(ctx.before(), s.table, "", "pkey")
           : ChooseIndexName(ctx.before(), s.table, JoinColumnsForName(k.columns), "key");
  std::string name = WrittenConstraintName(ctx, k.location);
  if (name.empty()) name = QuoteIdent(bare);
  const std::string kind = pk ? "PRIMARY KEY" : "UNIQUE";
  // The key this one replaces (DROP CONSTRAINT earlier in the migration) is dropped in the same
  // ALTER TABLE that adds this one, once its index is built: the table never lacks its key.
  const std::optional<KeyDrop> drop =
      ReplacedKeyDrop(ctx, s.table, bare, pk, k.columns, static_cast<int>(cmd));
  const std::string schema = ctx.before().Resolve(s.table).schema;
  const bool drop_later = NameTakenUntilDrops(ctx, sql::QName{schema, bare});
  const bool temporary = drop_later || (drop && drop->index_name == bare);
  const std::string index_name =
      temporary ? QuoteIdent(TemporaryIndexName(ctx, schema, bare)) : name;
  const std::string columns(ctx.Text(toks[open].begin, toks[close].end));
  NewMigration index;
  index.slug = "idx_" + SnakeCase(s.table.name);
  for (const std::string& c : k.columns) index.slug += "_" + SnakeCase(c);
  index.slug += pk ? "_pkey" : "_unique";
  index.sql = "CREATE UNIQUE INDEX CONCURRENTLY " + index_name + " ON " + ctx.TableText() + " " +
              columns + ";\n";
  index.transactional = false;
  index.purpose = "builds the index of " + name + " without blocking writes" +
                  (temporary ? " (under a temporary name: " + name + " is still taken)" : "");
  NewMigration add;
  add.slug = (drop ? "swap_" : "add_") + SnakeCase(bare);
  add.sql = "ALTER TABLE " + ctx.TableText() + " " + (drop ? drop->action + ", " : "") +
            "ADD CONSTRAINT " + name + " " + kind + " USING INDEX " + index_name + ";\n";
  add.purpose = drop ? "drops the old key and turns the new index into the " + kind +
                           " constraint in one statement (catalog only)"
                     : "turns the index into the " + kind + " constraint (catalog only)";
  ctx.Move(std::move(index), std::nullopt);
  // Under a name that an index dropped in Phase::kDrop still holds, the constraint (which renames
  // its index after itself) can only be added after that drop.
  ctx.Add(std::move(add), drop_later ? Phase::kAfterDrop : Phase::kInOrder);
  if (drop) ctx.RemoveActionOf(drop->statement, drop->cmd);
  ctx.RemoveAction(cmd);
  std::string how = "CREATE UNIQUE INDEX CONCURRENTLY";
  if (temporary) how += " under a temporary name";
  if (drop) {
    const int line = ctx.migration().source.PositionOf(ctx.stmt(drop->statement).begin).line;
    how += ", then the DROP CONSTRAINT of line " + std::to_string(line) + " and ADD CONSTRAINT … " +
           kind + " USING INDEX in one ALTER TABLE (the table keeps " + "its key meanwhile)";
  } else {
    how += ", then ADD CONSTRAINT … " + kind + " USING INDEX";
  }
  ctx.Rewrote(how + ", each in a migration of its own");
  return true;
}

}  // namespace lockstep::fix::steps

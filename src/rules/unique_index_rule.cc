#include "rules/unique_index_rule.h"

namespace lockstep::rules {

void UniqueIndexRule::CheckStatement(Context& ctx) const {
  const sql::Statement& s = ctx.statement();
  if (s.kind != sql::Kind::kAlterTable) return;
  const locks::RelationLock* l = LockOn(ctx, s.table);
  if (!l || !IsLive(*l)) return;
  const std::string tbl = Ident(s.table);
  auto report = [&](const sql::Constraint& k, const std::vector<std::string>& cols,
                    bool inline_column) {
    std::string list;
    for (const std::string& c : cols) list += (list.empty() ? "" : ", ") + Ident(c);
    const std::string name =
        !k.name.empty()
            ? k.name
            : s.table.name + (type() == sql::Constraint::Type::kPrimaryKey
                                  ? "_pkey"
                                  : "_" + (cols.empty() ? std::string("col") : cols[0]) + "_key");
    const std::string index = "CREATE UNIQUE INDEX CONCURRENTLY " + Ident(name) + " ON " + tbl +
                              " (" + (list.empty() ? std::string("…") : list) + ")";
    const std::string adopt = "ALTER TABLE " + tbl + " ADD CONSTRAINT " + Ident(name) + " " +
                              std::string(what()) + " USING INDEX " + Ident(name);
    const std::string not_null =
        type() == sql::Constraint::Type::kPrimaryKey ? " (make the columns NOT NULL first)" : "";
    // Runnable only when the columns are known and exist before the statement (the suggestion
    // replaces it).
    const schema::Table* t = ctx.catalog().FindTable(s.table);
    bool runnable = !inline_column && !cols.empty() && t;
    for (const std::string& c : cols) runnable = runnable && t->FindColumn(c);
    Report(ctx, *this,
           "Adding " + std::string(what()) + " builds its index over every row of " +
               Quoted(s.table) + " while holding " + LockPhrase(l->mode, s.table),
           runnable ? "Build the index first, in its own migration, then add the constraint "
                      "with it" +
                          not_null + ": `" + index + "; " + adopt + "`"
                    : "Build the index first: " + index + " in its own migration, then " + adopt +
                          not_null,
           k.location,
           k.location < 0  ? -1
           : inline_column ? ExprEnd(ctx, k.location)
                           : ClauseEnd(ctx, k.location));
  };
  for (const sql::AlterCmd& c : s.cmds) {
    if (c.type == sql::AlterType::kAddConstraint && c.constraint && c.constraint->type == type() &&
        c.constraint->using_index.empty())
      report(*c.constraint, c.constraint->columns, false);
    if (c.type == sql::AlterType::kAddColumn && c.column)
      for (const sql::Constraint& k : c.column->constraints)
        if (k.type == type()) report(k, {c.column->name}, true);
  }
}

}  // namespace lockstep::rules

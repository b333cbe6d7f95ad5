#include "rules/unique_index_rule.h"

namespace lockstep::rules {

void UniqueIndexRule::CheckStatement(Context& ctx) const {
  const sql::Statement& s = ctx.statement();
  if (s.kind != sql::Kind::kAlterTable) return;
  const locks::RelationLock* l = LockOn(ctx, s.table);
  if (!l || !IsLive(*l)) return;
  const std::string tbl = s.table.ToString();
  auto report = [&](const sql::Constraint& k, const std::vector<std::string>& cols,
                    bool inline_column) {
    std::string list;
    for (const std::string& c : cols) list += (list.empty() ? "" : ", ") + c;
    const std::string name =
        !k.name.empty()
            ? k.name
            : s.table.name + (type() == sql::Constraint::Type::kPrimaryKey
                                  ? "_pkey"
                                  : "_" + (cols.empty() ? std::string("col") : cols[0]) + "_key");
    Report(ctx, *this,
           "Adding " + std::string(what()) + " builds its index over every row of " +
               Quoted(s.table) + " while holding " + LockPhrase(l->mode, s.table),
           "Build the index first: CREATE UNIQUE INDEX CONCURRENTLY " + name + " ON " + tbl + " (" +
               (list.empty() ? std::string("…") : list) +
               ") in its own migration, then ALTER TABLE " + tbl + " ADD CONSTRAINT " + name + " " +
               std::string(what()) + " USING INDEX " + name +
               (type() == sql::Constraint::Type::kPrimaryKey ? " (make the columns NOT NULL first)"
                                                             : ""),
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

// Renames as expand/contract (issue 13 item 2): when `lockstep fix` can rewrite a RENAME of a
// live column or table so that the running application and the new one both work, decided once
// for lint (which marks those findings fixable) and for fix (which writes the rewrite,
// src/fix/steps/rename_column.cc and rename_table.cc).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/source.h"
#include "schema/catalog.h"
#include "sql/ast.h"

namespace lockstep::analysis {

// Why the `ALTER TABLE … RENAME COLUMN` `s` (with `before`, the catalog just before it) cannot be
// rewritten as a new column kept in sync by a trigger, or "" when it can. The reasons are the
// dependents the expand would get wrong (a view or a generated column reading the table, a
// constraint or an expression index on the column, a sequence it owns) and what lockstep cannot
// copy exactly from its model of the schema (the column's type or default).
std::string ColumnRenameBlocker(const schema::Catalog& before, const sql::Statement& s);

// Why the `ALTER TABLE … RENAME TO` `s` cannot be rewritten as the rename plus an updatable view
// under the old name, or "" when it can (only plain and partitioned tables: a simple view over
// them is automatically updatable).
std::string TableRenameBlocker(const schema::Catalog& before, const sql::Statement& s);

// Whether `next` is the compatibility view of the table rename `rename`: a CREATE VIEW under the
// old name that reads only the renamed table, i.e. the expand that fix writes (or its hand-made
// equivalent). `before` is the catalog just before `rename`.
bool IsCompatibilityView(const schema::Catalog& before, const sql::Statement& rename,
                         const sql::Statement& next);

// What happens to the column and table renames of a migration later in it, worked out in one
// walk over its statements in order (Add each), so that nobody has to look ahead from a rename:
// lint's rules and fix's steps ask it, and agree.
class RenameWalk {
 public:
  // `ordinal`: the statement's position in the migration, counting from 0 (statements are
  // added in order); `names`: a catalog of the migration, for resolving names (the same before
  // every statement: the default schema); `source`: the migration's file, for line numbers.
  void Add(const sql::Statement& s, size_t ordinal, const schema::Catalog& names,
           const SourceFile& source);

  // Why a statement added after the column or table rename at `ordinal` makes its expand
  // wrong, or "" when none did (yet): one that uses the table would run against the expanded
  // shape (the new column still beside the old one, or a view whose columns are fixed) instead of
  // the renamed one. Renames of constraints and indexes are harmless (neither the sync trigger
  // nor the view names one), and so, after a column rename, are renames of other columns of the
  // table.
  std::string LaterUse(size_t ordinal) const;

  // Whether the column rename at `ordinal` is half of a swap inside one explicit BEGIN ... COMMIT
  // (known once the COMMIT is added): `a` renamed away and another column renamed to `a` (fix's
  // type change: "c" -> "c_old", "c_new" -> "c"). A running client then finds a column under
  // every name it used at every moment; the other column's name belongs to the expand/contract
  // that added it. Neither lint (ban-rename-column) nor fix's rename rewrite treats such a rename
  // as a rename.
  bool HalfOfASwap(size_t ordinal) const;

  // Whether the statement after the table rename at `ordinal` is its compatibility view
  // (IsCompatibilityView).
  bool FollowedByItsView(size_t ordinal) const;

 private:
  struct Open {  // a rename whose later use is not found yet
    size_t ordinal = 0;
    bool table_rename = false;
    std::string rename_from;
    std::string rename_to;
  };
  struct SwapPart {  // a column rename inside the explicit transaction being walked
    size_t ordinal = 0;
    std::string table;  // as written: schema NUL name
    std::string rename_from;
    std::string rename_to;
  };
  void UseBy(const sql::Statement& s, const std::string& key, const SourceFile& source);
  void EndTransaction(bool committed);

  std::map<std::string, std::vector<Open>> open_;  // by resolved name: schema NUL name
  std::map<size_t, std::string> later_use_;
  std::optional<std::vector<SwapPart>> transaction_;  // inside BEGIN, before its end
  std::set<size_t> swaps_;
  std::optional<sql::Statement> previous_table_rename_;  // the statement just added, if one
  size_t previous_ordinal_ = 0;
  std::set<size_t> followed_by_view_;
};

// A column type as SQL (`"pg_catalog"."varchar"(120)`, `"Role"[]`), or nullopt when the model
// does not hold all of it (type modifiers that are not integer constants, interval fields).
std::optional<std::string> TypeSql(const sql::TypeRef& t);

// A column default as SQL, or nullopt when the model does not keep its text: a constant without
// a cast, NULL, or CURRENT_TIMESTAMP / CURRENT_DATE / LOCALTIMESTAMP (which covers what Prisma
// writes for @default(<literal>) and @default(now())).
std::optional<std::string> DefaultSql(const sql::Expr& e);

}  // namespace lockstep::analysis

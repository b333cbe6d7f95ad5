// Moving a statement after the rest of its migration is only a rewrite when nothing later in
// that migration depends on it having run first (or not yet).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

// Whether `k` is a foreign key referencing exactly `columns` of `table` (whose unique index it
// then needs).
bool ReferencesKey(const Context& ctx, const sql::Constraint& k, const sql::QName& table,
                   std::vector<std::string> columns) {
  if (k.type != sql::Constraint::Type::kForeignKey || table.name.empty() ||
      ctx.Resolve(k.ref_table) != table)
    return false;
  std::vector<std::string> ref = k.ref_columns;
  std::sort(ref.begin(), ref.end());
  std::sort(columns.begin(), columns.end());
  return !ref.empty() && ref == columns;
}

bool ChangesRows(sql::Kind k) {
  return k == sql::Kind::kInsert || k == sql::Kind::kUpdate || k == sql::Kind::kDelete ||
         k == sql::Kind::kMerge || k == sql::Kind::kTruncate || k == sql::Kind::kCopy;
}

}  // namespace

namespace {

// A key a foreign key can reference: the table (resolved) and its columns, sorted.
std::string KeyOf(const sql::QName& table, std::vector<std::string> columns) {
  std::sort(columns.begin(), columns.end());
  std::string key = table.Key();
  for (const std::string& c : columns) key += '\0' + c;  // NUL: no identifier holds one
  return key;
}

// The migration's CREATE UNIQUE INDEX statements by the key they give (KeyOf), in statement
// order: indexed once, so that each foreign key finds the nearest earlier one without walking
// back over the migration (quadratic on a long file).
const std::map<std::string, std::vector<size_t>>& UniqueIndexesByKey(const Context& ctx) {
  using ByKey = std::map<std::string, std::vector<size_t>>;
  static const char kTag = 0;  // this memo's owner
  return ctx.MemoOnce<ByKey>(&kTag, [&](ByKey& by_key) {
    for (size_t i = 0; i < ctx.statement_count(); ++i) {
      const sql::Statement& s = ctx.stmt(i);
      if (s.kind != sql::Kind::kCreateIndex || !s.index || !s.index->unique ||
          s.index->table.name.empty())
        continue;
      const std::vector<std::string> columns = IndexColumns(*s.index);
      if (!columns.empty()) by_key[KeyOf(ctx.Resolve(s.index->table), columns)].push_back(i);
    }
  });
}

}  // namespace

int MovedKeyIndexFor(const Context& ctx, size_t j, size_t cmd) {
  const sql::AlterCmd& a = ctx.stmt(j).cmds[cmd];
  if (a.type != sql::AlterType::kAddConstraint || !a.constraint ||
      a.constraint->type != sql::Constraint::Type::kForeignKey)
    return -1;
  const sql::Constraint& k = *a.constraint;
  if (k.ref_table.name.empty() || k.ref_columns.empty()) return -1;
  const auto& by_key = UniqueIndexesByKey(ctx);
  auto found = by_key.find(KeyOf(ctx.Resolve(k.ref_table), k.ref_columns));
  if (found == by_key.end()) return -1;
  // The nearest such index before the foreign key decides: if it stays, the key exists when the
  // foreign key runs.
  const std::vector<size_t>& at = found->second;
  auto after = std::lower_bound(at.begin(), at.end(), j);
  if (after == at.begin()) return -1;
  const size_t i = *std::prev(after);
  const sql::CreateIndex& ix = *ctx.stmt(i).index;
  if (!CreateIndexMoves(ctx, i) ||
      !LaterDependency(ctx, i, sql::QName{ix.table.schema, ix.name}, ix.table, IndexColumns(ix))
           .empty())
    return -1;
  return static_cast<int>(i);
}

std::string ForeignKeyMoveBlocker(const Context& ctx, size_t j, size_t cmd) {
  const sql::Statement& s = ctx.stmt(j);
  const sql::AlterCmd& a = s.cmds[cmd];
  if (a.type != sql::AlterType::kAddConstraint || !a.constraint ||
      a.constraint->type != sql::Constraint::Type::kForeignKey)
    return "it is not an ADD CONSTRAINT action";
  const sql::Constraint& k = *a.constraint;
  if (k.location < 0 || !SplitAlterTable(ctx.parsed(), s))
    return "its ALTER TABLE cannot be split into actions";
  const schema::Catalog& c = ctx.before(j);
  const schema::Table* t = c.FindTable(s.table);
  if (t && t->kind == schema::Table::Kind::kPartitioned && ctx.options().pg_version < 18)
    return "its table is partitioned, and NOT VALID foreign keys on one need PostgreSQL 18";
  const std::string name =
      !k.name.empty() ? k.name
                      : ChooseConstraintName(c, s.table, JoinColumnsForName(k.columns), "fkey");
  if (std::string why = LaterRenameOrDrop(ctx, j, s.table, name, ""); !why.empty()) return why;
  for (const std::string& col : k.columns)
    if (std::string why = LaterRenameOrDrop(ctx, j, s.table, "", col); !why.empty()) return why;
  const sql::QName tab = c.Resolve(s.table);
  const sql::QName ref = c.Resolve(k.ref_table);
  for (size_t l = j + 1; l < ctx.statement_count(); ++l) {
    const sql::Statement& later = ctx.stmt(l);
    auto where = [&] {  // for the answer only: per later statement it cost a line search
      return " at line " + std::to_string(ctx.migration().source.PositionOf(later.begin).line);
    };
    if (later.kind == sql::Kind::kAlterTable && !later.table.name.empty() &&
        ctx.Resolve(later.table) == tab)
      for (const sql::AlterCmd& x : later.cmds)
        if (x.type == sql::AlterType::kValidateConstraint && x.name == name)
          return "it is validated" + where();
    if (later.kind == sql::Kind::kDo) return "a DO block" + where() + " may use it";
    if (ChangesRows(later.kind))
      for (const sql::QName& q : later.tables)
        if (ctx.Resolve(q) == tab || ctx.Resolve(q) == ref)
          return "rows it checks or acts on change" + where();
  }
  return "";
}

namespace {

// Per table (resolved), the statements of the migration that may rename or drop it, a constraint
// or a column of it (LaterRenameOrDrop's only candidates), in statement order: indexed once per
// migration, so that each question looks at those instead of every later statement (quadratic
// on a long file).
const std::vector<size_t>& RenamesAndDropsOf(const Context& ctx, const sql::QName& table) {
  using ByTable = std::map<std::string, std::vector<size_t>>;  // by QName::Key
  static const char kTag = 0;                                  // this memo's owner
  const ByTable& by_table = ctx.MemoOnce<ByTable>(&kTag, [&](ByTable& x) {
    for (size_t j = 0; j < ctx.statement_count(); ++j) {
      const sql::Statement& s = ctx.stmt(j);
      std::vector<std::string> tables;
      if (s.kind == sql::Kind::kDrop && s.object_type == sql::ObjectType::kTable) {
        for (const sql::QName& o : s.objects) tables.push_back(ctx.Resolve(o).Key());
      }
      const bool drops_in_table =
          s.kind == sql::Kind::kAlterTable &&
          std::any_of(s.cmds.begin(), s.cmds.end(), [](const sql::AlterCmd& a) {
            return a.type == sql::AlterType::kDropConstraint ||
                   a.type == sql::AlterType::kDropColumn;
          });
      if (!s.table.name.empty() && (s.kind == sql::Kind::kRename ||
                                    s.kind == sql::Kind::kAlterObjectSchema || drops_in_table))
        tables.push_back(ctx.Resolve(s.table).Key());
      std::sort(tables.begin(), tables.end());
      tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
      for (const std::string& t : tables) x[t].push_back(j);
    }
  });
  static const std::vector<size_t> kNone;
  auto it = by_table.find(table.Key());
  return it == by_table.end() ? kNone : it->second;
}

}  // namespace

std::string LaterRenameOrDrop(const Context& ctx, size_t from, const sql::QName& table,
                              const std::string& constraint, const std::string& column) {
  const sql::QName tab = ctx.Resolve(table);
  const std::vector<size_t>& candidates = RenamesAndDropsOf(ctx, tab);
  for (auto at = std::upper_bound(candidates.begin(), candidates.end(), from);
       at != candidates.end(); ++at) {
    const size_t j = *at;
    const sql::Statement& s = ctx.stmt(j);
    const bool same = !s.table.name.empty() && ctx.Resolve(s.table) == tab;
    auto where = [&] {  // for the answer only: per later statement it cost a line search
      return " at line " + std::to_string(ctx.migration().source.PositionOf(s.begin).line);
    };
    if (s.kind == sql::Kind::kRename && same) {
      if (s.object_type == sql::ObjectType::kTable) return "the table is renamed" + where();
      if (s.object_type == sql::ObjectType::kConstraint && !constraint.empty() &&
          s.rename_from == constraint)
        return "the constraint is renamed" + where();
      if (s.object_type == sql::ObjectType::kColumn && !column.empty() && s.rename_from == column)
        return "the column is renamed" + where();
    }
    if (s.kind == sql::Kind::kAlterObjectSchema && same) return "the table moves schema" + where();
    if (s.kind == sql::Kind::kDrop && s.object_type == sql::ObjectType::kTable)
      for (const sql::QName& o : s.objects)
        if (ctx.Resolve(o) == tab) return "the table is dropped" + where();
    if (s.kind == sql::Kind::kAlterTable && same)
      for (const sql::AlterCmd& a : s.cmds) {
        if (a.type == sql::AlterType::kDropConstraint && !constraint.empty() &&
            a.name == constraint)
          return "the constraint is dropped" + where();
        if (a.type == sql::AlterType::kDropColumn && !column.empty() && a.name == column)
          return "the column is dropped" + where();
      }
  }
  return "";
}

std::string DroppedLaterWith(const Context& ctx, size_t i) {
  const sql::Statement& d = ctx.stmt(i);
  if (d.kind != sql::Kind::kDrop || d.object_type != sql::ObjectType::kIndex || d.objects.empty())
    return "";
  std::string with;
  for (const sql::QName& o : d.objects) {
    const schema::Index* ix = ctx.before(i).FindIndex(o);
    if (!ix || ix->constraint_backed) return "";
    const sql::QName tab = ix->table;
    std::string found;
    for (size_t j = i + 1; j < ctx.statement_count() && found.empty(); ++j) {
      const sql::Statement& s = ctx.stmt(j);
      bool drops = false;
      if (s.kind == sql::Kind::kDrop && s.object_type == sql::ObjectType::kTable) {
        for (const sql::QName& t : s.objects) drops = drops || ctx.Resolve(t) == tab;
      } else if (s.kind == sql::Kind::kAlterTable && !s.table.name.empty() &&
                 ctx.Resolve(s.table) == tab) {
        for (const sql::AlterCmd& a : s.cmds)
          drops = drops ||
                  (a.type == sql::AlterType::kDropColumn &&
                   std::find(ix->columns.begin(), ix->columns.end(), a.name) != ix->columns.end());
      } else if (s.kind == sql::Kind::kRename && !s.table.name.empty() &&
                 ctx.Resolve(s.table) == tab) {
        break;  // renamed: later statements name it differently; stay on the safe side
      }
      if (drops)
        found = "line " + std::to_string(ctx.migration().source.PositionOf(s.begin).line) + " (" +
                ctx.Summary(j) + ")";
    }
    if (found.empty()) return "";
    if (with.empty()) with = found;
  }
  return with;
}

namespace {

// The only later statements LaterDependency can answer with, indexed once per migration so that
// each index it asks about walks those instead of every later statement (quadratic on a long
// file): the CREATE INDEX statements by the index's name, and every statement that can drop,
// rename, move, alter, comment on or cluster an index or its table, or add a foreign key.
struct IndexDependents {
  std::map<std::string, std::vector<size_t>> create_index;  // by the index's name
  std::vector<size_t> others;
};

bool HasForeignKey(const std::vector<sql::Constraint>& v) {
  return std::any_of(v.begin(), v.end(), [](const sql::Constraint& k) {
    return k.type == sql::Constraint::Type::kForeignKey;
  });
}

bool MayDependOnAnIndex(const sql::Statement& s) {
  switch (s.kind) {
    case sql::Kind::kDrop:
    case sql::Kind::kRename:
    case sql::Kind::kAlterObjectSchema:
    case sql::Kind::kComment:
    case sql::Kind::kCluster:
      return true;
    case sql::Kind::kAlterTable:
      return s.object_type == sql::ObjectType::kIndex ||
             std::any_of(s.cmds.begin(), s.cmds.end(), [](const sql::AlterCmd& a) {
               return a.type == sql::AlterType::kDropColumn ||
                      (a.constraint && (!a.constraint->using_index.empty() ||
                                        a.constraint->type == sql::Constraint::Type::kForeignKey));
             });
    case sql::Kind::kCreateTable:
      return HasForeignKey(s.table_constraints) ||
             std::any_of(s.columns.begin(), s.columns.end(),
                         [](const sql::ColumnDef& c) { return HasForeignKey(c.constraints); });
    default:
      return false;
  }
}

const IndexDependents& IndexDependentsOf(const Context& ctx) {
  static const char kTag = 0;  // this memo's owner
  return ctx.MemoOnce<IndexDependents>(&kTag, [&](IndexDependents& x) {
    for (size_t j = 0; j < ctx.statement_count(); ++j) {
      const sql::Statement& s = ctx.stmt(j);
      if (s.kind == sql::Kind::kCreateIndex && s.index)
        x.create_index[s.index->name].push_back(j);
      else if (MayDependOnAnIndex(s))
        x.others.push_back(j);
    }
  });
}

}  // namespace

std::string LaterDependency(const Context& ctx, size_t from, const sql::QName& index,
                            const sql::QName& table, const std::vector<std::string>& columns) {
  const schema::Catalog& cat0 = ctx.before(from);
  sql::QName tab = table.name.empty() ? sql::QName{} : ctx.Resolve(table);
  const sql::QName idx =
      index.name.empty() ? sql::QName{}
                         : sql::QName{index.schema.empty() ? tab.schema : index.schema, index.name};
  std::vector<std::string> used = columns;
  auto has_col = [&](const std::string& c) {
    return std::find(used.begin(), used.end(), c) != used.end();
  };
  const bool drops_index = ctx.stmt(from).kind == sql::Kind::kDrop;
  const bool unique = ctx.stmt(from).kind == sql::Kind::kCreateIndex && ctx.stmt(from).index &&
                      ctx.stmt(from).index->unique;
  // A unique index that the statement drops: moved, it still exists when a later foreign key to
  // its columns is added, which may then depend on it, and the drop fails (SQLSTATE 2BP01).
  const schema::Index* dropped = drops_index && !idx.name.empty() ? cat0.FindIndex(idx) : nullptr;
  const bool dropped_unique = dropped && dropped->unique;
  const IndexDependents& dependents = IndexDependentsOf(ctx);
  std::vector<size_t> candidates;
  auto add_after = [&](const std::vector<size_t>& v) {
    candidates.insert(candidates.end(), std::upper_bound(v.begin(), v.end(), from), v.end());
  };
  add_after(dependents.others);
  if (!idx.name.empty())
    if (auto it = dependents.create_index.find(idx.name); it != dependents.create_index.end())
      add_after(it->second);
  std::sort(candidates.begin(), candidates.end());
  for (size_t j : candidates) {
    const sql::Statement& s = ctx.stmt(j);
    if (dropped_unique) {
      const std::string line = std::to_string(ctx.migration().source.PositionOf(s.begin).line);
      const std::string why = " may depend on it, and its drop would then fail";
      for (const sql::AlterCmd& a : s.cmds)
        if (a.constraint && ReferencesKey(ctx, *a.constraint, tab, columns))
          return "a foreign key added at line " + line + why;
      for (const sql::Constraint& k : s.table_constraints)
        if (ReferencesKey(ctx, k, tab, columns))
          return "a foreign key created at line " + line + why;
      for (const sql::ColumnDef& col : s.columns)
        for (const sql::Constraint& k : col.constraints)
          if (ReferencesKey(ctx, k, tab, columns))
            return "a foreign key created at line " + line + why;
    }
    if (unique && s.kind == sql::Kind::kAlterTable)
      for (size_t k = 0; k < s.cmds.size(); ++k) {
        const sql::AlterCmd& a = s.cmds[k];
        if (!a.constraint || !ReferencesKey(ctx, *a.constraint, tab, columns)) continue;
        // The foreign key can follow the index instead (ForeignKeyStep moves it).
        const std::string blocker = ForeignKeyMoveBlocker(ctx, j, k);
        if (blocker.empty()) continue;
        return "a foreign key added at line " +
               std::to_string(ctx.migration().source.PositionOf(s.begin).line) +
               " needs it as its unique key, and that foreign key cannot follow it: " + blocker;
      }
    auto same_index = [&](const sql::QName& q) {
      if (idx.name.empty() || q.name != idx.name) return false;
      return q.schema.empty() || q.schema == idx.schema;
    };
    auto same_table = [&](const sql::QName& q) {
      return !tab.name.empty() && ctx.Resolve(q) == tab;
    };
    // Written only for the answer: for every later statement it made each question quadratic.
    auto where = [&] {
      return "line " + std::to_string(ctx.migration().source.PositionOf(s.begin).line) + " (" +
             ctx.Summary(j) + ")";
    };
    switch (s.kind) {
      case sql::Kind::kCreateIndex:
        if (s.index && same_index(sql::QName{s.index->table.schema, s.index->name}) &&
            !CreateIndexMoves(ctx, j))
          return "an index of the same name is created at " + where();
        break;
      case sql::Kind::kDrop:
        if (s.object_type == sql::ObjectType::kIndex) {
          for (const sql::QName& o : s.objects)
            if (same_index(o) && !DropIndexMoves(ctx, j)) return "it is dropped at " + where();
        } else if (s.object_type == sql::ObjectType::kTable) {
          for (const sql::QName& o : s.objects)
            if (same_table(o)) return "its table is dropped at " + where();
        }
        break;
      case sql::Kind::kRename:
        if (s.object_type == sql::ObjectType::kIndex &&
            (s.rename_from == idx.name || s.rename_to == idx.name) && !idx.name.empty())
          return "an index of that name is renamed at " + where();
        // A DROP INDEX names the index only: renaming its table or columns changes nothing for
        // it (a column dropped under its new name still takes the index with it, below).
        if (s.object_type == sql::ObjectType::kTable && same_table(s.table)) {
          if (!drops_index) return "its table is renamed at " + where();
          tab = sql::QName{tab.schema, s.rename_to};
        }
        if (s.object_type == sql::ObjectType::kColumn && same_table(s.table) &&
            has_col(s.rename_from)) {
          if (!drops_index) return "a column it uses is renamed at " + where();
          used.push_back(s.rename_to);
        }
        break;
      case sql::Kind::kAlterTable:
        if (s.object_type == sql::ObjectType::kIndex && same_index(s.table))
          return "it is altered at " + where();
        if (same_table(s.table)) {
          for (const sql::AlterCmd& a : s.cmds) {
            if (a.type == sql::AlterType::kDropColumn && has_col(a.name))
              return "a column it uses is dropped at " + where();
            if (a.constraint && !a.constraint->using_index.empty() &&
                a.constraint->using_index == idx.name)
              return "a constraint adopts it (USING INDEX) at " + where();
          }
        }
        break;
      case sql::Kind::kAlterObjectSchema:
        // The moved statement would name the table (or index) in its old schema.
        if (s.object_type == sql::ObjectType::kIndex && same_index(s.table))
          return "it moves schema at " + where();
        if (s.object_type == sql::ObjectType::kTable && same_table(s.table))
          return "its table moves schema at " + where();
        break;
      case sql::Kind::kComment:
        if (s.object_type == sql::ObjectType::kIndex)
          for (const sql::QName& o : s.objects)
            if (same_index(o)) return "it is commented on at " + where();
        break;
      case sql::Kind::kCreateTable:
        if (!unique) break;
        for (const sql::Constraint& k : s.table_constraints)
          if (ReferencesKey(ctx, k, tab, columns)) return "a foreign key needs it at " + where();
        for (const sql::ColumnDef& col : s.columns)
          for (const sql::Constraint& k : col.constraints)
            if (ReferencesKey(ctx, k, tab, columns)) return "a foreign key needs it at " + where();
        break;
      case sql::Kind::kCluster:
        if (same_table(s.table)) return "its table is clustered at " + where();
        break;
      default:
        break;
    }
  }
  return "";
}

}  // namespace lockstep::fix::steps

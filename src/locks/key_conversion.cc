#include "locks/key_conversion.h"

#include <algorithm>

namespace lockstep::locks {
namespace {

using sql::AlterType;
using CType = sql::Constraint::Type;

const schema::Constraint* PrimaryKeyOf(const schema::Table& t) {
  for (const schema::Constraint& k : t.constraints)
    if (k.type == CType::kPrimaryKey) return &k;
  return nullptr;
}

// The key column a foreign key to `table` over `ref_columns` names (the primary key's when the
// columns are left out), or "" when it is not one column.
std::string ReferencedColumn(const schema::Catalog& before, const sql::QName& table,
                             const std::vector<std::string>& ref_columns) {
  if (ref_columns.size() == 1) return ref_columns.front();
  if (!ref_columns.empty()) return "";
  const schema::Table* t = before.FindTable(table);
  const schema::Constraint* pk = t ? PrimaryKeyOf(*t) : nullptr;
  return pk && pk->columns.size() == 1 ? pk->columns.front() : "";
}

bool OneAction(const sql::Statement& s) {
  return s.kind == sql::Kind::kAlterTable && s.cmds.size() == 1;
}

// The single-column foreign key added by `s` (one ADD CONSTRAINT … FOREIGN KEY action), or null.
const sql::Constraint* AddedForeignKey(const sql::Statement& s) {
  if (!OneAction(s) || s.cmds[0].type != AlterType::kAddConstraint || !s.cmds[0].constraint)
    return nullptr;
  const sql::Constraint& k = *s.cmds[0].constraint;
  return k.type == CType::kForeignKey && k.columns.size() == 1 ? &k : nullptr;
}

// The key (table, column) that the column `column` of `table` references: through a foreign
// key in the catalog, or one a statement of the migration adds. nullopt when none.
std::optional<std::pair<sql::QName, std::string>> ReferencedKey(
    const std::vector<sql::Statement>& statements, const schema::Catalog& before,
    const sql::QName& table, const std::string& column) {
  if (const schema::Table* t = before.FindTable(table))
    for (const schema::Constraint& k : t->constraints)
      if (k.type == CType::kForeignKey && k.columns == std::vector<std::string>{column}) {
        const std::string key = ReferencedColumn(before, k.ref_table, k.ref_columns);
        if (!key.empty()) return std::make_pair(k.ref_table, key);
      }
  for (const sql::Statement& s : statements)
    if (const sql::Constraint* k = AddedForeignKey(s);
        k && before.Resolve(s.table) == table && k->columns.front() == column) {
      const sql::QName ref = before.Resolve(k->ref_table);
      const std::string key = ReferencedColumn(before, ref, k->ref_columns);
      if (!key.empty()) return std::make_pair(ref, key);
    }
  return std::nullopt;
}

// The statements changing the type of `column` of `table`: (statement, action).
std::vector<std::pair<size_t, size_t>> TypeChangesOf(const std::vector<sql::Statement>& statements,
                                                     const schema::Catalog& before,
                                                     const sql::QName& table,
                                                     const std::string& column) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t i = 0; i < statements.size(); ++i) {
    const sql::Statement& s = statements[i];
    if (s.kind != sql::Kind::kAlterTable || before.Resolve(s.table) != table) continue;
    for (size_t k = 0; k < s.cmds.size(); ++k)
      if (s.cmds[k].type == AlterType::kAlterColumnType && s.cmds[k].name == column)
        out.push_back({i, k});
  }
  return out;
}

bool IsSerialType(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return b == "serial" || b == "serial4" || b == "smallserial" || b == "serial2";
}

std::string Nth(size_t i) { return "statement " + std::to_string(i + 1) + " of the migration"; }

// What keeps a column from being replaced by a new one (key or referencing), or "".
std::string ColumnBlocker(const schema::Table& t, const std::string& column, const char* role) {
  const schema::Column* col = t.FindColumn(column);
  if (!col) return std::string("the ") + role + " is not in the migration history";
  if (col->identity)
    return std::string("the ") + role +
           " is an identity column (its sequence belongs to the column; not moved yet)";
  if (col->generated) return std::string("the ") + role + " is a generated column";
  return "";
}

}  // namespace

bool IsRebuildableIndex(const schema::Index& ix) {
  return ix.method == "btree" && !ix.has_expressions && !ix.partial && !ix.constraint_backed &&
         std::all_of(ix.opclasses.begin(), ix.opclasses.end(),
                     [](const std::string& o) { return o.empty(); });
}

bool IsKeyConversionMember(const std::vector<sql::Statement>& statements, size_t index, size_t cmd,
                           const schema::Catalog& before) {
  if (index >= statements.size() || cmd >= statements[index].cmds.size()) return false;
  const sql::Statement& s = statements[index];
  const sql::AlterCmd& c = s.cmds[cmd];
  if (s.kind != sql::Kind::kAlterTable || c.type != AlterType::kAlterColumnType) return false;
  const sql::QName table = before.Resolve(s.table);
  const schema::Table* t = before.FindTable(table);
  if (!t) return false;
  if (const schema::Constraint* pk = PrimaryKeyOf(*t);
      pk && pk->columns == std::vector<std::string>{c.name})
    return true;
  const auto key = ReferencedKey(statements, before, table, c.name);
  return key && !TypeChangesOf(statements, before, key->first, key->second).empty();
}

std::string KeyConversionBlocker(const std::vector<sql::Statement>& statements, size_t index,
                                 size_t cmd, const schema::Catalog& before, const Options& options,
                                 KeyConversion* out) {
  if (!IsKeyConversionMember(statements, index, cmd, before)) return "not a key conversion";
  // SET NOT NULL of the new columns is proven by a validated CHECK only from PostgreSQL 12.
  if (options.pg_version < 12) return "PostgreSQL before 12 cannot SET NOT NULL without a scan";
  KeyConversion kc;
  {
    const sql::Statement& s = statements[index];
    const sql::QName table = before.Resolve(s.table);
    const schema::Constraint* pk = PrimaryKeyOf(*before.FindTable(table));
    if (pk && pk->columns == std::vector<std::string>{s.cmds[cmd].name}) {
      kc.table = table;
      kc.column = s.cmds[cmd].name;
    } else {
      const auto key = ReferencedKey(statements, before, table, s.cmds[cmd].name);
      kc.table = key->first;
      kc.column = key->second;
    }
  }
  const auto key_changes = TypeChangesOf(statements, before, kc.table, kc.column);
  if (key_changes.size() != 1) return "the migration changes the key's type more than once";
  kc.key_statement = key_changes[0].first;
  kc.key_cmd = key_changes[0].second;

  const schema::Table* p = before.FindTable(kc.table);
  if (!p) return "the key's table is not in the migration history";
  if (p->kind != schema::Table::Kind::kTable)
    return "the key's table is partitioned or not a table";
  const schema::Constraint* pk = PrimaryKeyOf(*p);
  if (!pk || pk->columns != std::vector<std::string>{kc.column})
    return "the referenced column is not the whole primary key of " + kc.table.ToString();
  kc.constraint = pk->name;
  if (std::string why = ColumnBlocker(*p, kc.column, "key"); !why.empty()) return why;
  const schema::Column& key_col = *p->FindColumn(kc.column);
  if (key_col.default_expr && key_col.default_expr->kind != sql::Expr::Kind::kNull)
    return "the key has a default other than its serial sequence";
  kc.serial = IsSerialType(key_col.type);
  if (kc.serial && statements[kc.key_statement].cmds[kc.key_cmd].column) {
    const std::string& to = statements[kc.key_statement].cmds[kc.key_cmd].column->type.base();
    const std::string& from = key_col.type.base();
    const bool small = from == "smallserial" || from == "serial2";
    if (to == "int8")
      kc.sequence_type = "bigint";
    else if (to == "int4" && small)
      kc.sequence_type = "integer";
  }

  // The key's ALTER TABLE: the type change, or Prisma's drop and re-add of the same key around it.
  bool drops_key = false, adds_key = false;
  for (size_t k = 0; k < statements[kc.key_statement].cmds.size(); ++k) {
    const sql::AlterCmd& a = statements[kc.key_statement].cmds[k];
    if (k == kc.key_cmd) {
      if (a.has_using) return "the key's type change has a USING expression";
    } else if (a.type == AlterType::kDropConstraint && a.name == pk->name && !drops_key &&
               k < kc.key_cmd) {
      drops_key = true;
    } else if (a.type == AlterType::kAddConstraint && a.constraint && !adds_key &&
               a.constraint->type == CType::kPrimaryKey && a.constraint->name == pk->name &&
               a.constraint->columns == std::vector<std::string>{kc.column} &&
               a.constraint->using_index.empty() && k > kc.key_cmd) {
      adds_key = true;
    } else {
      return "the ALTER TABLE of the key does more than change its type (and drop and re-add "
             "its primary key under the same name)";
    }
  }
  if (drops_key != adds_key) return "the ALTER TABLE of the key drops its primary key for good";

  // Every other statement: a foreign key to the key dropped, re-added, or its column converted.
  struct Drop {
    size_t statement;
    sql::QName table;
    std::string name;
  };
  std::vector<Drop> drops;
  std::vector<std::pair<size_t, sql::QName>> conversions;  // (statement, table); column below
  for (size_t i = 0; i < statements.size(); ++i) {
    if (i == kc.key_statement) continue;
    const sql::Statement& s = statements[i];
    const std::string more = Nth(i) +
                             " does more than drop, re-add or convert a foreign key to the key "
                             "(the key's conversion must be the whole migration)";
    if (!OneAction(s)) return more;
    const sql::AlterCmd& a = s.cmds[0];
    const sql::QName table = before.Resolve(s.table);
    if (a.type == AlterType::kDropConstraint) {
      if (i > kc.key_statement)
        return "a foreign key is dropped after the key's type change (" + Nth(i) + ")";
      drops.push_back({i, table, a.name});
    } else if (const sql::Constraint* k = AddedForeignKey(s)) {
      if (before.Resolve(k->ref_table) != kc.table ||
          ReferencedColumn(before, kc.table, k->ref_columns) != kc.column)
        return more;
      if (i < kc.key_statement)
        return "a foreign key to the key is added before its type change (" + Nth(i) + ")";
      if (k->name.empty()) return "the foreign key re-added by " + Nth(i) + " has no name";
      if (k->not_valid || k->not_enforced)
        return "the foreign key re-added by " + Nth(i) + " is NOT VALID or NOT ENFORCED";
      if (table == kc.table) return "a foreign key of the key's own table references it";
      for (const KeyConversion::Reference& r : kc.references)
        if (r.table == table && (r.column == k->columns.front() || r.constraint == k->name))
          return "two foreign keys re-added by the migration share a column or a name";
      KeyConversion::Reference r;
      r.table = table;
      r.column = k->columns.front();
      r.constraint = k->name;
      r.add_statement = i;
      kc.references.push_back(std::move(r));
    } else if (a.type == AlterType::kAlterColumnType) {
      if (i > kc.key_statement)
        return "a referencing column is converted after the key (" + Nth(i) +
               "; Prisma's order: foreign keys dropped, referencing columns, key, foreign keys "
               "re-added)";
      if (a.has_using) return "the type change of " + Nth(i) + " has a USING expression";
      conversions.push_back({i, table});
    } else {
      return more;
    }
  }
  for (const auto& conversion : conversions) {
    // Named copies, not structured bindings: the lambda below captures them, which clang before
    // 16 refuses for bindings (the fuzz build uses clang).
    const size_t i = conversion.first;
    const auto& table = conversion.second;
    const std::string& column = statements[i].cmds[0].name;
    auto r = std::find_if(
        kc.references.begin(), kc.references.end(),
        [&](const KeyConversion::Reference& x) { return x.table == table && x.column == column; });
    if (r == kc.references.end())
      return Nth(i) + " converts a column that no re-added foreign key to the key uses";
    if (r->type_statement) return "the migration converts " + column + " twice";
    r->type_statement = i;
  }
  for (const Drop& d : drops)
    if (std::none_of(kc.references.begin(), kc.references.end(),
                     [&](const KeyConversion::Reference& r) {
                       return r.table == d.table && r.constraint == d.name;
                     }))
      return Nth(d.statement) + " drops constraint " + d.name +
             " without re-adding it as a foreign key to the key";
  for (const KeyConversion::Reference& r : kc.references)
    if (std::none_of(drops.begin(), drops.end(),
                     [&](const Drop& d) { return r.table == d.table && r.constraint == d.name; }))
      return "foreign key " + r.constraint + " is added without being dropped first";
  // Every foreign key still referencing the key must be among those the migration drops (the
  // swap drops and re-adds exactly those; the others would block dropping the old key).
  for (const auto& entry : before.tables()) {
    const schema::Table& other = entry.second;  // captured below: not a structured binding
    for (const schema::Constraint& k : other.constraints) {
      if (k.type != CType::kForeignKey || k.ref_table != kc.table ||
          ReferencedColumn(before, kc.table, k.ref_columns) != kc.column)
        continue;
      if (std::none_of(drops.begin(), drops.end(), [&](const Drop& d) {
            return d.statement > index && d.table == other.name && d.name == k.name;
          }))
        return "foreign key " + k.name + " of " + other.name.ToString() +
               " references the key and the migration does not drop and re-add it (Prisma "
               "does; lockstep re-creates only those)";
    }
  }

  // The key's table and each referencing table: nothing else may follow the old columns.
  std::vector<sql::QName> tables{kc.table};
  for (const KeyConversion::Reference& r : kc.references) tables.push_back(r.table);
  for (const auto& [name, other] : before.tables())
    for (const sql::QName& t : tables)
      if (std::find(other.reads.begin(), other.reads.end(), t) != other.reads.end())
        return "view " + other.name.ToString() + " reads " + t.ToString();
  for (const schema::Constraint& k : p->constraints)
    if (&k != pk && (k.columns.empty() ||
                     std::find(k.columns.begin(), k.columns.end(), kc.column) != k.columns.end()))
      return "the key is part of constraint " + k.name + " (not moved to the new column yet)";
  for (const schema::Index* ix : before.IndexesOn(kc.table))
    if (ix->name.name != pk->index_name &&
        (ix->has_expressions || ix->partial ||
         std::find(ix->columns.begin(), ix->columns.end(), kc.column) != ix->columns.end()))
      return "index " + ix->name.ToString() +
             " may use the key (indexes are not re-created on the new column yet)";
  for (KeyConversion::Reference& r : kc.references) {
    const schema::Table* t = before.FindTable(r.table);
    if (!t) return r.table.ToString() + " is not in the migration history";
    if (t->kind != schema::Table::Kind::kTable)
      return r.table.ToString() + " is partitioned or not a table";
    if (std::string why = ColumnBlocker(*t, r.column, "referencing column"); !why.empty())
      return why + " (" + r.table.ToString() + "." + r.column + ")";
    const schema::Column& col = *t->FindColumn(r.column);
    r.not_null = col.not_null;
    if (!r.type_statement) continue;
    if (col.default_expr && col.default_expr->kind != sql::Expr::Kind::kNull)
      return "the referencing column " + r.column + " has a default";
    if (!PrimaryKeyOf(*t))
      return r.table.ToString() + " has no primary key to batch the backfill over";
    for (const schema::Constraint& k : t->constraints)
      if (!(k.type == CType::kForeignKey && k.ref_table == kc.table) &&
          (k.columns.empty() ||
           std::find(k.columns.begin(), k.columns.end(), r.column) != k.columns.end()))
        return "the referencing column " + r.column + " is part of constraint " + k.name +
               " (not moved to the new column yet)";
    // A plain index on the column (Prisma's @@index, @unique) is built again on the new one.
    for (const schema::Index* ix : before.IndexesOn(r.table)) {
      const bool uses =
          ix->has_expressions || ix->partial ||
          std::find(ix->columns.begin(), ix->columns.end(), r.column) != ix->columns.end();
      if (uses && !IsRebuildableIndex(*ix))
        return "index " + ix->name.ToString() + " may use the referencing column " + r.column +
               " (only a plain btree index over columns is built again on the new column)";
    }
  }
  // An index is built again with one converted column replaced: not one using two of them.
  for (const KeyConversion::Reference& r : kc.references)
    for (const schema::Index* ix : before.IndexesOn(r.table)) {
      int converted = 0;
      for (const KeyConversion::Reference& o : kc.references)
        converted +=
            o.type_statement && o.table == r.table &&
            std::find(ix->columns.begin(), ix->columns.end(), o.column) != ix->columns.end();
      if (converted > 1)
        return "index " + ix->name.ToString() + " uses two converted referencing columns";
    }
  if (out) *out = std::move(kc);
  return "";
}

}  // namespace lockstep::locks

#include "schema/catalog.h"

#include <algorithm>

namespace lockstep::schema {

std::string_view OriginName(Origin o) {
  switch (o) {
    case Origin::kExisting:
      return "existing";
    case Origin::kThisMigration:
      return "this_migration";
    case Origin::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string Index::Signature() const {
  std::string s = table.schema + "." + table.name + "|" + method + "|";
  for (size_t i = 0; i < columns.size(); ++i) {
    s += columns[i].empty() ? "<expr>" : columns[i];
    if (i < descending.size() && descending[i]) s += " desc";
    if (i < opclasses.size() && !opclasses[i].empty()) s += " " + opclasses[i];
    s += ",";
  }
  // Expressions and predicates are not compared: such indexes never count as duplicates.
  if (partial || has_expressions) s += "|" + name.name;
  return s;
}

const Column* Table::FindColumn(const std::string& n) const {
  auto it = column_at_.find(n);
  return it == column_at_.end() ? nullptr : &columns[it->second];
}
Column* Table::FindColumn(const std::string& n) {
  auto it = column_at_.find(n);
  return it == column_at_.end() ? nullptr : &columns[it->second];
}
void Table::AddColumn(Column c) {
  column_at_.emplace(c.name, columns.size());  // a second column of a name is never found first
  columns.push_back(std::move(c));
}
void Table::RemoveColumn(const std::string& n) {
  columns.erase(
      std::remove_if(columns.begin(), columns.end(), [&](const Column& k) { return k.name == n; }),
      columns.end());
  IndexColumns();
}
void Table::RenameColumn(const std::string& from, const std::string& to) {
  auto it = column_at_.find(from);
  if (it == column_at_.end()) return;
  const size_t at = it->second;
  columns[at].name = to;
  // Without two columns of one name (an invalid CREATE TABLE can make them), the index changes
  // in place; with them, which column comes first under each name is worked out again.
  if (column_at_.size() == columns.size() && !column_at_.count(to)) {
    column_at_.erase(it);
    column_at_.emplace(to, at);
  } else {
    IndexColumns();
  }
}
void Table::IndexColumns() {
  column_at_.clear();
  for (size_t i = 0; i < columns.size(); ++i) column_at_.emplace(columns[i].name, i);
}
const Constraint* Table::FindConstraint(const std::string& n) const {
  for (const Constraint& c : constraints)
    if (c.name == n) return &c;
  return nullptr;
}

Catalog::Catalog(std::string default_schema) : default_schema_(std::move(default_schema)) {}

void Catalog::BeginMigration(const std::string& name) {
  current_migration_ = name;
  for (const std::string& k : fresh_tables_) {
    auto it = tables_.find(k);
    if (it == tables_.end()) continue;
    it->second.origin = Origin::kExisting;
    for (Constraint& c : it->second.constraints) c.origin = Origin::kExisting;
  }
  for (const std::string& k : fresh_indexes_)
    if (auto it = indexes_.find(k); it != indexes_.end()) it->second.origin = Origin::kExisting;
  for (const std::string& k : fresh_enums_)
    if (auto it = enums_.find(k); it != enums_.end()) it->second.origin = Origin::kExisting;
  fresh_tables_.clear();
  fresh_indexes_.clear();
  fresh_enums_.clear();
}

void Catalog::ContinueMigration(const std::string& name) { current_migration_ = name; }

sql::QName Catalog::Resolve(const sql::QName& q) const {
  if (!q.schema.empty()) return q;
  return sql::QName{default_schema_, q.name};
}

const Table* Catalog::FindTable(const sql::QName& q) const {
  auto it = tables_.find(Key(Resolve(q)));
  return it == tables_.end() ? nullptr : &it->second;
}
Table* Catalog::MutableTable(const sql::QName& q) {
  auto it = tables_.find(Key(Resolve(q)));
  return it == tables_.end() ? nullptr : &it->second;
}
const Index* Catalog::FindIndex(const sql::QName& q) const {
  auto it = indexes_.find(Key(Resolve(q)));
  return it == indexes_.end() ? nullptr : &it->second;
}
const Enum* Catalog::FindEnum(const sql::QName& q) const {
  auto it = enums_.find(Key(Resolve(q)));
  return it == enums_.end() ? nullptr : &it->second;
}

std::vector<const Index*> Catalog::IndexesOn(const sql::QName& table) const {
  std::vector<const Index*> out;
  auto by = indexes_by_table_.find(TableKey(Resolve(table)));
  if (by == indexes_by_table_.end()) return out;
  // In key order, as a scan of indexes_ returns them (rules report the first match).
  for (const std::string& k : by->second) out.push_back(&indexes_.at(k));
  return out;
}

const Index* Catalog::FirstIndexWithSignature(const std::string& signature,
                                              bool unique_only) const {
  const std::string* first = nullptr;
  for (const bool unique : {true, false}) {
    if (unique_only && !unique) continue;
    auto it = indexes_by_signature_.find(SignatureKey(signature, unique));
    if (it == indexes_by_signature_.end() || it->second.empty()) continue;
    if (!first || *it->second.begin() < *first) first = &*it->second.begin();
  }
  return first ? &indexes_.at(*first) : nullptr;
}

std::vector<std::pair<const Table*, const Constraint*>> Catalog::ReferencesTo(
    const sql::QName& table) const {
  const sql::QName t = Resolve(table);
  std::vector<std::pair<const Table*, const Constraint*>> out;
  for (const auto& [k, tab] : tables_)
    for (const Constraint& c : tab.constraints)
      if (c.type == sql::Constraint::Type::kForeignKey && c.ref_table == t)
        out.push_back({&tab, &c});
  return out;
}

Origin Catalog::OriginOf(const sql::QName& table) const {
  if (const Table* t = FindTable(table)) return t->origin;
  auto seq = sequences_.find(Key(Resolve(table)));
  if (seq != sequences_.end())
    return seq->second == current_migration_ ? Origin::kThisMigration : Origin::kExisting;
  return Origin::kUnknown;
}

sql::QName Catalog::OwnedSequenceName(const sql::QName& table, const std::string& column) {
  size_t n1 = table.name.size(), n2 = column.size();
  while (n1 + n2 > 63 - 5) (n1 > n2 ? n1 : n2)--;
  return {table.schema, table.name.substr(0, n1) + "_" + column.substr(0, n2) + "_seq"};
}

const sql::QName* Catalog::StatisticsTable(const sql::QName& q) const {
  auto it = statistics_.find(Key(Resolve(q)));
  return it == statistics_.end() ? nullptr : &it->second;
}

namespace {
bool IsSerial(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return b == "serial" || b == "bigserial" || b == "smallserial" || b == "serial2" ||
         b == "serial4" || b == "serial8";
}
}  // namespace

void Catalog::AddOwnedSequences(const Table& t) {
  for (const Column& c : t.columns)
    if (IsSerial(c.type) || c.identity)
      sequences_.emplace(Key(OwnedSequenceName(t.name, c.name)), current_migration_);
}

void Catalog::DropColumn(Table& t, const std::string& column) {
  t.RemoveColumn(column);
  sequences_.erase(Key(OwnedSequenceName(t.name, column)));
  for (const Index* ix : IndexesOn(t.name)) {
    const auto& ic = ix->columns;
    if (std::find(ic.begin(), ic.end(), column) != ic.end())
      EraseIndex(indexes_.find(Key(ix->name)));
  }
  auto& ks = t.constraints;
  ks.erase(std::remove_if(ks.begin(), ks.end(),
                          [&](const Constraint& k) {
                            return std::find(k.columns.begin(), k.columns.end(), column) !=
                                   k.columns.end();
                          }),
           ks.end());
}

void Catalog::DropDependentsOf(const sql::QName& relation) {
  std::vector<sql::QName> views;
  for (auto& [key, t] : tables_) {
    if (t.name == relation) continue;
    std::erase_if(t.constraints, [&](const Constraint& k) {
      return k.type == sql::Constraint::Type::kForeignKey && k.ref_table == relation;
    });
    if (std::find(t.reads.begin(), t.reads.end(), relation) != t.reads.end())
      views.push_back(t.name);
  }
  for (const sql::QName& v : views) {
    if (!tables_.count(Key(v))) continue;
    for (const Index* ix : IndexesOn(v)) EraseIndex(indexes_.find(Key(ix->name)));
    tables_.erase(Key(v));
    DropDependentsOf(v);
  }
}

void Catalog::AddIndex(Index ix) {
  ix.origin = Origin::kThisMigration;
  fresh_indexes_.push_back(Key(ix.name));
  PutIndex(std::move(ix));
}

void Catalog::PutIndex(Index ix) {
  const std::string key = Key(ix.name);
  if (auto old = indexes_.find(key); old != indexes_.end()) EraseIndex(old);
  indexes_by_table_[TableKey(ix.table)].insert(key);
  indexes_by_signature_[SignatureKey(ix)].insert(key);
  indexes_[key] = std::move(ix);
}

namespace {

void Forget(std::unordered_map<std::string, std::set<std::string>>& by_signature,
            const std::string& signature_key, const std::string& key) {
  auto it = by_signature.find(signature_key);
  if (it == by_signature.end()) return;
  it->second.erase(key);
  if (it->second.empty()) by_signature.erase(it);
}

}  // namespace

std::map<std::string, Index>::iterator Catalog::EraseIndex(
    std::map<std::string, Index>::iterator it) {
  auto by = indexes_by_table_.find(TableKey(it->second.table));
  if (by != indexes_by_table_.end()) {
    by->second.erase(it->first);
    if (by->second.empty()) indexes_by_table_.erase(by);
  }
  Forget(indexes_by_signature_, SignatureKey(it->second), it->first);
  return indexes_.erase(it);
}

void Catalog::MoveIndexes(const sql::QName& from, const sql::QName& to) {
  if (from == to) return;
  auto by = indexes_by_table_.find(TableKey(from));
  if (by == indexes_by_table_.end()) return;
  std::set<std::string> keys = std::move(by->second);
  indexes_by_table_.erase(by);
  for (const std::string& k : keys) {
    Index& ix = indexes_.at(k);
    Forget(indexes_by_signature_, SignatureKey(ix), k);
    ix.table = to;
    indexes_by_signature_[SignatureKey(ix)].insert(k);
  }
  indexes_by_table_[TableKey(to)].merge(keys);
}

void Catalog::RenameIndexedColumn(const sql::QName& table, const std::string& from,
                                  const std::string& to) {
  for (const Index* ix : IndexesOn(table)) {
    const std::string key = Key(ix->name);
    Index& m = indexes_.at(key);
    Forget(indexes_by_signature_, SignatureKey(m), key);
    std::replace(m.columns.begin(), m.columns.end(), from, to);
    indexes_by_signature_[SignatureKey(m)].insert(key);
  }
}

namespace {

// PostgreSQL's default constraint/index names (truncation to 63 bytes aside).
std::string DefaultName(const std::string& table, const std::vector<std::string>& cols,
                        const std::string& suffix) {
  std::string n = table;
  for (const auto& c : cols) n += "_" + c;
  if (cols.empty() && suffix == "check") n += "";
  n += "_" + suffix;
  if (n.size() > 63) n.resize(63);
  return n;
}

}  // namespace

void Catalog::AddConstraint(Table& t, const sql::Constraint& c,
                            const std::vector<std::string>& cols) {
  using T = sql::Constraint::Type;
  fresh_tables_.push_back(Key(t.name));
  Constraint out;
  out.type = c.type;
  out.columns = cols;
  // A NOT ENFORCED constraint is never valid (PostgreSQL 18): it proves nothing about the rows.
  out.valid = !c.not_valid && !c.not_enforced;
  out.origin = Origin::kThisMigration;
  switch (c.type) {
    case T::kPrimaryKey:
      out.name = c.name.empty() ? t.name.name + "_pkey" : c.name;
      for (const auto& col : cols)
        if (Column* k = t.FindColumn(col)) k->not_null = true;
      break;
    case T::kUnique:
      out.name = c.name.empty() ? DefaultName(t.name.name, cols, "key") : c.name;
      break;
    case T::kForeignKey:
      out.name = c.name.empty() ? DefaultName(t.name.name, cols, "fkey") : c.name;
      out.ref_table = Resolve(c.ref_table);
      out.ref_columns = c.ref_columns;
      break;
    case T::kCheck:
      out.name = c.name.empty() ? DefaultName(t.name.name, c.expr ? c.expr->columns : cols, "check")
                                : c.name;
      if (c.expr) out.proves_not_null = c.expr->not_null_columns;
      if (c.expr) out.check_conditions = c.expr->column_conditions;
      if (out.columns.empty() && c.expr) out.columns = c.expr->columns;  // what it constrains
      break;
    case T::kExclusion:
      out.name = c.name.empty() ? DefaultName(t.name.name, {}, "excl") : c.name;
      break;
    case T::kNotNull:
      // A column's NOT NULL lives on the column. A named table constraint (PostgreSQL 18's
      // `ADD CONSTRAINT nn NOT NULL col [NOT VALID]`) is also kept, so that VALIDATE CONSTRAINT
      // finds it; the column becomes NOT NULL once it is valid.
      if (c.name.empty() || c.columns.empty()) return;
      out.name = c.name;
      if (out.valid)
        for (const auto& col : cols)
          if (Column* k = t.FindColumn(col)) k->not_null = true;
      break;
    default:
      return;  // DEFAULT / attributes live on columns
  }
  if (c.type == T::kPrimaryKey || c.type == T::kUnique || c.type == T::kExclusion) {
    Index ix;
    ix.name = sql::QName{t.name.schema, c.using_index.empty() ? out.name : c.using_index};
    if (!c.using_index.empty()) {
      // ADD … USING INDEX renames the index to the constraint's name.
      auto it = indexes_.find(Key(ix.name));
      if (it != indexes_.end()) {
        Index moved = it->second;
        EraseIndex(it);
        moved.name.name = out.name;
        moved.constraint_backed = true;
        fresh_indexes_.push_back(Key(moved.name));
        moved.primary = c.type == T::kPrimaryKey;
        out.columns = moved.columns;
        PutIndex(moved);
        out.index_name = out.name;
        if (c.type == T::kPrimaryKey)
          for (const auto& col : moved.columns)
            if (Column* k = t.FindColumn(col)) k->not_null = true;
        t.constraints.push_back(std::move(out));
        return;
      }
      ix.name.name = out.name;
    }
    ix.name.name = out.name;
    ix.table = t.name;
    ix.columns = out.columns;
    ix.descending.assign(ix.columns.size(), false);
    ix.opclasses.assign(ix.columns.size(), "");
    ix.unique = c.type != T::kExclusion;
    ix.primary = c.type == T::kPrimaryKey;
    ix.constraint_backed = true;
    if (c.type == T::kExclusion) ix.method = "gist";
    out.index_name = ix.name.name;
    AddIndex(std::move(ix));
  }
  t.constraints.push_back(std::move(out));
}

bool Catalog::Changes(const sql::Statement& s) const { return Changes(s, 0); }

bool Catalog::Changes(const sql::Statement& s, int call_depth) const {
  switch (s.kind) {
    case sql::Kind::kDo:
      return std::any_of(s.routine->body.begin(), s.routine->body.end(),
                         [&](const sql::Statement& b) { return Changes(b, call_depth); });
    case sql::Kind::kCall:
    case sql::Kind::kSelect:
    case sql::Kind::kUpdate:
      // Apply changes the model for these only through the bodies of the routines they call
      // that the history created. Past Apply's depth, say "may change": never wrong.
      if (call_depth >= kMaxCallDepth) return true;
      for (const sql::QName& f : s.calls) {
        const sql::Statement* fn = FindFunction(f);
        if (!fn) continue;
        for (const sql::Statement& b : fn->routine->body)
          if (Changes(b, call_depth + 1)) return true;
      }
      return false;
    default:
      return true;
  }
}

void Catalog::Apply(const sql::Statement& s) {
  using K = sql::Kind;
  switch (s.kind) {
    case K::kCreateTable:
      ApplyCreateTable(s);
      break;
    case K::kCreateTableAs:
    case K::kCreateView:
    case K::kCreateMatView: {
      const sql::QName name = Resolve(s.table);
      if (!name.name.empty() && s.or_replace && tables_.count(Key(name))) {
        Table& v = tables_[Key(name)];
        v.reads.clear();
        for (const sql::QName& r : s.reads) v.reads.push_back(Resolve(r));
        break;
      }
      if (name.name.empty() || tables_.count(Key(name))) break;
      Table t;
      t.name = name;
      t.kind = s.kind == K::kCreateView      ? Table::Kind::kView
               : s.kind == K::kCreateMatView ? Table::Kind::kMatView
                                             : Table::Kind::kTable;
      t.origin = Origin::kThisMigration;
      t.created_in = current_migration_;
      for (const sql::QName& r : s.reads) t.reads.push_back(Resolve(r));
      fresh_tables_.push_back(Key(name));
      tables_[Key(name)] = std::move(t);
      break;
    }
    case K::kAlterTable:
      ApplyAlterTable(s);
      break;
    case K::kCreateIndex: {
      const sql::CreateIndex& ci = *s.index;
      const sql::QName table = Resolve(ci.table);
      Index ix;
      // PostgreSQL names an unnamed index table_col_idx; good enough to track it.
      std::vector<std::string> cols;
      for (const auto& e : ci.elems) cols.push_back(e.column.empty() ? "expr" : e.column);
      ix.name = sql::QName{table.schema,
                           ci.name.empty() ? DefaultName(table.name, cols, "idx") : ci.name};
      if (ci.if_not_exists && indexes_.count(Key(ix.name))) break;
      ix.table = table;
      ix.method = ci.access_method.empty() ? "btree" : ci.access_method;
      for (const auto& e : ci.elems) {
        ix.columns.push_back(e.column);
        ix.descending.push_back(e.descending);
        ix.opclasses.push_back(e.opclass.empty() ? "" : e.opclass.back());
        if (!e.column.empty()) continue;
        ix.has_expressions = true;
      }
      ix.unique = ci.unique;
      ix.partial = ci.has_where;
      AddIndex(std::move(ix));
      break;
    }
    case K::kDrop:
      ApplyDrop(s);
      break;
    case K::kRename:
      ApplyRename(s);
      break;
    case K::kCreateEnum: {
      Enum e;
      e.name = Resolve(s.type_name);
      e.values = s.type_details->enum_values;
      e.origin = Origin::kThisMigration;
      fresh_enums_.push_back(Key(e.name));
      enums_[Key(e.name)] = std::move(e);
      break;
    }
    case K::kAlterEnum: {
      auto it = enums_.find(Key(Resolve(s.type_name)));
      if (it == enums_.end()) break;
      auto& vals = it->second.values;
      if (!s.type_details->enum_old_value.empty()) {
        std::replace(vals.begin(), vals.end(), s.type_details->enum_old_value,
                     s.type_details->enum_new_value);
      } else if (std::find(vals.begin(), vals.end(), s.type_details->enum_new_value) ==
                 vals.end()) {
        auto pos = std::find(vals.begin(), vals.end(), s.type_details->enum_neighbor);
        if (pos == vals.end())
          vals.push_back(s.type_details->enum_new_value);
        else
          vals.insert(s.type_details->enum_after ? pos + 1 : pos, s.type_details->enum_new_value);
      }
      break;
    }
    case K::kDo:
      // What the block runs changes the schema as if written at the top level.
      for (const sql::Statement& b : s.routine->body) Apply(b);
      break;
    case K::kCreateFunction:
      if (!s.type_name.name.empty())
        functions_[Key(Resolve(s.type_name))] = std::make_shared<const sql::Statement>(s);
      break;
    case K::kCreateSequence:
      if (!s.table.name.empty()) sequences_.emplace(Key(Resolve(s.table)), current_migration_);
      break;
    case K::kCreateStatistics:
      if (!s.objects.empty() && !s.table.name.empty())
        statistics_[Key(Resolve(s.objects.front()))] = Resolve(s.table);
      break;
    case K::kCall:
    case K::kSelect:
    case K::kUpdate:
      // A called routine's statements run here, so their effect on the schema happens here.
      if (call_depth_ >= kMaxCallDepth) break;
      ++call_depth_;
      for (const sql::QName& f : s.calls)
        if (const sql::Statement* fn = FindFunction(f))
          for (const sql::Statement& b : fn->routine->body) Apply(b);
      --call_depth_;
      break;
    case K::kAlterObjectSchema: {
      if (s.object_type != sql::ObjectType::kTable) break;
      auto it = tables_.find(Key(Resolve(s.table)));
      if (it == tables_.end()) break;
      Table t = std::move(it->second);
      tables_.erase(it);
      const sql::QName old = t.name;
      t.name.schema = s.rename_to;
      MoveIndexes(old, t.name);
      fresh_tables_.push_back(Key(t.name));
      tables_[Key(t.name)] = std::move(t);
      break;
    }
    default:
      break;
  }
}

const sql::Statement* Catalog::FindFunction(const sql::QName& q) const {
  auto it = functions_.find(Key(Resolve(q)));
  return it == functions_.end() ? nullptr : it->second.get();
}

void Catalog::ApplyCreateTable(const sql::Statement& s) {
  const sql::QName name = Resolve(s.table);
  if (s.if_not_exists && tables_.count(Key(name))) return;
  Table t;
  t.name = name;
  t.kind = s.table_details->partitioned ? Table::Kind::kPartitioned : Table::Kind::kTable;
  t.partition_of = s.table_details->partition_of.name.empty()
                       ? sql::QName{}
                       : Resolve(s.table_details->partition_of);
  t.partition_key = s.table_details->partition_key;
  t.unlogged = s.table_details->unlogged;
  t.origin = Origin::kThisMigration;
  t.created_in = current_migration_;
  for (const sql::ColumnDef& c : s.columns) {
    Column col;
    col.name = c.name;
    col.type = c.type;
    col.not_null = c.not_null;
    col.default_expr = c.default_expr;
    col.identity = c.identity;
    col.generated = c.generated_stored || c.generated_virtual;
    col.generated_virtual = c.generated_virtual;
    t.AddColumn(std::move(col));
  }
  fresh_tables_.push_back(Key(name));
  AddOwnedSequences(t);
  tables_[Key(name)] = t;
  Table& ref = tables_[Key(name)];
  for (const sql::ColumnDef& c : s.columns)
    for (const sql::Constraint& k : c.constraints)
      AddConstraint(ref, k, k.columns.empty() ? std::vector<std::string>{c.name} : k.columns);
  for (const sql::Constraint& k : s.table_constraints) AddConstraint(ref, k, k.columns);
}

void Catalog::ApplyAlterTable(const sql::Statement& s) {
  Table* t = MutableTable(s.table);
  if (!t) return;
  using A = sql::AlterType;
  for (const sql::AlterCmd& c : s.cmds) {
    switch (c.type) {
      case A::kAddColumn: {
        if (!c.column || t->FindColumn(c.column->name)) break;
        Column col;
        col.name = c.column->name;
        col.type = c.column->type;
        col.not_null = c.column->not_null;
        col.default_expr = c.column->default_expr;
        col.identity = c.column->identity;
        col.generated = c.column->generated_stored || c.column->generated_virtual;
        col.generated_virtual = c.column->generated_virtual;
        if (IsSerial(col.type) || col.identity)
          sequences_.emplace(Key(OwnedSequenceName(t->name, col.name)), current_migration_);
        t->AddColumn(std::move(col));
        for (const sql::Constraint& k : c.column->constraints)
          AddConstraint(*t, k,
                        k.columns.empty() ? std::vector<std::string>{c.column->name} : k.columns);
        break;
      }
      case A::kDropColumn:
        DropColumn(*t, c.name);
        break;
      case A::kSetNotNull:
        if (Column* col = t->FindColumn(c.name)) col->not_null = true;
        break;
      case A::kDropNotNull:
        if (Column* col = t->FindColumn(c.name)) col->not_null = false;
        break;
      case A::kSetDefault:
        if (Column* col = t->FindColumn(c.name)) col->default_expr = c.default_expr;
        break;
      case A::kDropDefault:
        if (Column* col = t->FindColumn(c.name)) col->default_expr.reset();
        break;
      case A::kAlterColumnType:
        if (Column* col = t->FindColumn(c.name); col && c.column) col->type = c.column->type;
        break;
      case A::kAddConstraint:
        if (c.constraint) AddConstraint(*t, *c.constraint, c.constraint->columns);
        break;
      case A::kValidateConstraint:
        for (Constraint& k : t->constraints) {
          if (k.name != c.name) continue;
          k.valid = true;
          if (k.type == sql::Constraint::Type::kNotNull)
            for (const std::string& col : k.columns)
              if (Column* column = t->FindColumn(col)) column->not_null = true;
        }
        break;
      case A::kDropConstraint: {
        auto& ks = t->constraints;
        for (const Constraint& k : ks)
          if (k.name == c.name && !k.index_name.empty())
            if (auto it = indexes_.find(Key(sql::QName{t->name.schema, k.index_name}));
                it != indexes_.end())
              EraseIndex(it);
        ks.erase(std::remove_if(ks.begin(), ks.end(),
                                [&](const Constraint& k) { return k.name == c.name; }),
                 ks.end());
        break;
      }
      case A::kAttachPartition:
        if (Table* p = MutableTable(c.partition)) p->partition_of = t->name;
        break;
      case A::kDetachPartition:
        if (Table* p = MutableTable(c.partition)) p->partition_of = {};
        break;
      case A::kSetLogged:
        t->unlogged = false;
        break;
      case A::kSetUnlogged:
        t->unlogged = true;
        break;
      case A::kAddIdentity:
        // The identity's sequence, as ADD COLUMN … AS IDENTITY would create it.
        if (Column* col = t->FindColumn(c.name)) {
          col->identity = true;
          sequences_.emplace(Key(OwnedSequenceName(t->name, col->name)), current_migration_);
        }
        break;
      case A::kDropIdentity:
        if (Column* col = t->FindColumn(c.name)) {
          col->identity = false;
          sequences_.erase(Key(OwnedSequenceName(t->name, col->name)));
        }
        break;
      case A::kAlterConstraint:
        if (c.to_enforced)
          for (Constraint& k : t->constraints)
            if (k.name == c.name) k.valid = true;
        break;
      case A::kDropExpression:
        if (Column* col = t->FindColumn(c.name)) col->generated = col->generated_virtual = false;
        break;
      default:
        break;
    }
  }
}

void Catalog::ApplyDrop(const sql::Statement& s) {
  using O = sql::ObjectType;
  for (const sql::QName& raw : s.objects) {
    const sql::QName q = Resolve(raw);
    switch (s.object_type) {
      case O::kTable:
      case O::kView:
      case O::kMatView:
      case O::kForeignTable:
        if (const Table* t = FindTable(q)) {
          for (const Column& c : t->columns) sequences_.erase(Key(OwnedSequenceName(q, c.name)));
        }
        tables_.erase(Key(q));
        for (const Index* ix : IndexesOn(q)) EraseIndex(indexes_.find(Key(ix->name)));
        if (s.cascade) DropDependentsOf(q);
        break;
      case O::kSequence:
        sequences_.erase(Key(q));
        break;
      case O::kStatistics:
        statistics_.erase(Key(q));
        break;
      case O::kIndex: {
        auto it = indexes_.find(Key(q));
        if (it == indexes_.end()) {
          // An unqualified DROP INDEX finds the index in whichever schema holds it.
          for (auto i = indexes_.begin(); i != indexes_.end(); ++i)
            if (raw.schema.empty() && i->second.name.name == raw.name) {
              it = i;
              break;
            }
        }
        if (it != indexes_.end()) EraseIndex(it);
        break;
      }
      case O::kType:
      case O::kDomain:
        enums_.erase(Key(q));
        if (!s.cascade) break;
        // Columns of the type are dropped with it, and defaults that cast to it.
        for (auto& [key, t] : tables_) {
          std::vector<std::string> gone;
          for (Column& c : t.columns) {
            if (UsesType(c.type, q))
              gone.push_back(c.name);
            else if (c.default_expr && DefaultUsesType(*c.default_expr, q))
              c.default_expr.reset();
          }
          for (const std::string& c : gone) DropColumn(t, c);
        }
        break;
      default:
        break;
    }
  }
}

bool Catalog::UsesType(const sql::TypeRef& t, const sql::QName& type) const {
  if (t.names.empty() || t.base() != type.name) return false;
  const std::string schema = t.names.size() >= 2 ? t.names[t.names.size() - 2] : default_schema_;
  return schema == type.schema;
}

bool Catalog::DefaultUsesType(const sql::Expr& e, const sql::QName& type) {
  return std::find(e.cast_types.begin(), e.cast_types.end(), type.name) != e.cast_types.end();
}

void Catalog::ApplyRename(const sql::Statement& s) {
  using O = sql::ObjectType;
  switch (s.object_type) {
    case O::kTable:
    case O::kView:
    case O::kMatView: {
      auto it = tables_.find(Key(Resolve(s.table)));
      if (it == tables_.end()) break;
      Table t = std::move(it->second);
      tables_.erase(it);
      const sql::QName old = t.name;
      t.name.name = s.rename_to;
      MoveIndexes(old, t.name);
      for (auto& [k, other] : tables_)
        for (Constraint& c : other.constraints)
          if (c.ref_table == old) c.ref_table = t.name;
      fresh_tables_.push_back(Key(t.name));
      tables_[Key(t.name)] = std::move(t);
      break;
    }
    case O::kColumn:
      if (Table* t = MutableTable(s.table)) {
        t->RenameColumn(s.rename_from, s.rename_to);
        // A constraint names its columns by number in PostgreSQL: it follows the rename, and so
        // do what its CHECK proves of them.
        for (Constraint& k : t->constraints) {
          std::replace(k.columns.begin(), k.columns.end(), s.rename_from, s.rename_to);
          std::replace(k.proves_not_null.begin(), k.proves_not_null.end(), s.rename_from,
                       s.rename_to);
          if (k.check_conditions)
            for (sql::ColumnCondition& c : *k.check_conditions)
              if (c.column == s.rename_from) c.column = s.rename_to;
        }
        RenameIndexedColumn(t->name, s.rename_from, s.rename_to);
      }
      break;
    case O::kConstraint:
      if (Table* t = MutableTable(s.table)) {
        for (Constraint& k : t->constraints) {
          if (k.name != s.rename_from) continue;
          k.name = s.rename_to;
          // A UNIQUE / PRIMARY KEY / EXCLUDE constraint's index is renamed with it.
          if (k.index_name.empty()) continue;
          auto it = indexes_.find(Key(sql::QName{t->name.schema, k.index_name}));
          k.index_name = s.rename_to;
          if (it == indexes_.end()) continue;
          Index ix = it->second;
          EraseIndex(it);
          ix.name.name = s.rename_to;
          fresh_indexes_.push_back(Key(ix.name));
          PutIndex(std::move(ix));
        }
      }
      break;
    case O::kType:
    case O::kDomain: {
      // Columns keep their type across a rename: follow it (Prisma's enum swap renames the old
      // enum away, the new one into its name, then drops the old).
      const sql::QName old = Resolve(s.type_name);
      const sql::QName now{old.schema, s.rename_to};
      auto e = enums_.find(Key(old));
      if (e != enums_.end()) {
        Enum moved = std::move(e->second);
        enums_.erase(e);
        moved.name = now;
        fresh_enums_.push_back(Key(now));
        enums_[Key(now)] = std::move(moved);
      }
      for (auto& [key, t] : tables_)
        for (Column& c : t.columns)
          if (UsesType(c.type, old)) c.type.names.back() = now.name;
      break;
    }
    case O::kIndex: {
      auto it = indexes_.find(Key(Resolve(s.table)));
      if (it == indexes_.end()) break;
      Index ix = it->second;  // a copy: EraseIndex reads its table
      EraseIndex(it);
      ix.name.name = s.rename_to;
      fresh_indexes_.push_back(Key(ix.name));
      PutIndex(std::move(ix));
      break;
    }
    default:
      break;
  }
}

}  // namespace lockstep::schema

// Never open a window (issue 12 item 5). The original migration runs as one transaction: nobody
// sees the moment between its `DROP INDEX x` and `CREATE INDEX x …`, or between `DROP CONSTRAINT
// "T_pkey"` and `ADD CONSTRAINT "T_pkey" PRIMARY KEY`. Split into folders, that moment lasts
// minutes: queries lose their index, duplicates slip in (and then fail the new unique build),
// logical replication loses its replica identity. So fix builds every replacement first (under a
// temporary name while the old one holds the name), drops the old index after every build, and
// swaps a key in one ALTER TABLE (DROP CONSTRAINT + ADD CONSTRAINT … USING INDEX).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

bool SameName(const sql::QName& a, const sql::QName& b) {
  return a.name == b.name && (a.schema.empty() || b.schema.empty() || a.schema == b.schema);
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

bool ChangesRows(sql::Kind k) {
  return k == sql::Kind::kInsert || k == sql::Kind::kUpdate || k == sql::Kind::kMerge ||
         k == sql::Kind::kCopy || k == sql::Kind::kDo;
}

bool ReferencesTable(const Context& ctx, const sql::Constraint& k, const sql::QName& table) {
  return k.type == sql::Constraint::Type::kForeignKey && ctx.Resolve(k.ref_table) == table;
}

// Why the drop of key `k` (the action `cmd` of the ALTER TABLE at `d`) cannot wait until after
// the migration, or "": a later action or statement (other than the replacement, action
// `replacement_cmd` of the current statement, or the current statement itself when it is not an
// ALTER TABLE) needs the old key gone, changes its columns or table, or writes rows the old key
// might reject.
std::string DropMustStay(const Context& ctx, size_t d, size_t cmd, const schema::Constraint& k,
                         int replacement_cmd) {
  const sql::QName tab = ctx.Resolve(ctx.stmt(d).table);
  auto key_column = [&](const std::string& c) {
    return std::find(k.columns.begin(), k.columns.end(), c) != k.columns.end();
  };
  for (size_t j = d; j < ctx.statement_count(); ++j) {
    const sql::Statement& s = ctx.stmt(j);
    const bool same = !s.table.name.empty() && ctx.Resolve(s.table) == tab;
    const std::string where =
        "line " + std::to_string(ctx.migration().source.PositionOf(s.begin).line);
    if (j == ctx.index && s.kind != sql::Kind::kAlterTable) continue;
    switch (s.kind) {
      case sql::Kind::kAlterTable:
        for (size_t a = 0; a < s.cmds.size(); ++a) {
          if ((j == d && a == cmd) || (j == ctx.index && static_cast<int>(a) == replacement_cmd))
            continue;
          const sql::AlterCmd& x = s.cmds[a];
          if (x.constraint && ReferencesTable(ctx, *x.constraint, tab))
            return "a foreign key to its table is added at " + where;
          if (!same) continue;
          // A type change is no reason: PostgreSQL rebuilds the old key's index with the table.
          if ((x.type == sql::AlterType::kDropColumn || x.type == sql::AlterType::kDropNotNull) &&
              key_column(x.name))
            return "a column of the key is dropped or made nullable at " + where;
          if (x.type == sql::AlterType::kDropConstraint && x.name == k.name)
            return "it is dropped again at " + where;
          if (x.type == sql::AlterType::kReplicaIdentity)
            return "the replica identity changes at " + where;
          if (x.constraint && (x.constraint->name == k.name ||
                               x.constraint->type == sql::Constraint::Type::kPrimaryKey))
            return "another key takes its place at " + where;
        }
        break;
      case sql::Kind::kCreateTable:
        for (const sql::Constraint& x : s.table_constraints)
          if (ReferencesTable(ctx, x, tab))
            return "a foreign key to its table is added at " + where;
        for (const sql::ColumnDef& col : s.columns)
          for (const sql::Constraint& x : col.constraints)
            if (ReferencesTable(ctx, x, tab))
              return "a foreign key to its table is added at " + where;
        break;
      case sql::Kind::kCreateIndex:
        if (s.index && s.index->name == (k.index_name.empty() ? k.name : k.index_name))
          return "an index takes its name at " + where;
        break;
      case sql::Kind::kRename:
      case sql::Kind::kAlterObjectSchema:
        if (same) return "its table, a column or a constraint is renamed or moved at " + where;
        break;
      case sql::Kind::kDrop:
        if (s.object_type == sql::ObjectType::kTable)
          for (const sql::QName& o : s.objects)
            if (ctx.Resolve(o) == tab) return "its table is dropped at " + where;
        break;
      default:
        if (ChangesRows(s.kind)) {
          if (s.kind == sql::Kind::kDo) return "a DO block at " + where + " may write rows";
          for (const sql::QName& q : s.tables)
            if (ctx.Resolve(q) == tab) return "rows of its table are written at " + where;
        }
        break;
    }
  }
  return "";
}

}  // namespace

bool NameTakenUntilDrops(const Context& ctx, const sql::QName& index) {
  return std::any_of(ctx.deferred_drops().begin(), ctx.deferred_drops().end(),
                     [&](const DeferredDrop& d) { return SameName(d.index, index); });
}

std::string TemporaryIndexName(const Context& ctx, const std::string& schema,
                               const std::string& name) {
  auto used = [&](const std::string& n) {
    const sql::QName q{schema, n};
    for (size_t i = 0; i < ctx.statement_count(); ++i) {
      if (ctx.before(i).FindIndex(q) || ctx.before(i).FindTable(q)) return true;
      const sql::Statement& s = ctx.stmt(i);
      if (s.kind == sql::Kind::kCreateIndex && s.index && s.index->name == n) return true;
      if (s.kind == sql::Kind::kRename && s.rename_to == n) return true;
    }
    return false;
  };
  for (int pass = 0;; ++pass) {
    const std::string suffix = pass == 0 ? "_new" : "_new" + std::to_string(pass);
    size_t keep = std::min(name.size(), size_t{63} - suffix.size());
    // Never cut a UTF-8 sequence in two.
    while (keep > 0 && keep < name.size() &&
           (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80)
      --keep;
    const std::string candidate = name.substr(0, keep) + suffix;
    if (!used(candidate)) return candidate;
  }
}

std::optional<std::pair<int, int>> IndexNameSpan(const Context& ctx, size_t i) {
  const sql::Statement& s = ctx.stmt(i);
  std::vector<const sql::Token*> toks;
  for (int t = s.first_token; t < s.last_token; ++t) {
    const sql::Token& tok = ctx.parsed().tokens[t];
    if (tok.kind != "SQL_COMMENT" && tok.kind != "C_COMMENT") toks.push_back(&tok);
  }
  size_t k = 0;
  while (k < toks.size() && toks[k]->kind != "INDEX") ++k;
  ++k;
  if (k < toks.size() && toks[k]->kind == "CONCURRENTLY") ++k;
  if (k + 2 < toks.size() && toks[k]->kind == "IF_P" && toks[k + 1]->kind == "NOT" &&
      toks[k + 2]->kind == "EXISTS")
    k += 3;
  if (k >= toks.size() || toks[k]->kind == "ON") return std::nullopt;
  return std::make_pair(toks[k]->begin, toks[k]->end);
}

namespace {

// The ALTER TABLE statements of the migration that drop a constraint of `table` (resolved), in
// statement order: indexed once per migration.
const std::vector<size_t>& ConstraintDropsOn(const Context& ctx, const sql::QName& table) {
  using ByTable = std::map<std::string, std::vector<size_t>>;  // by QName::Key
  static const char kTag = 0;                                  // this memo's owner
  const ByTable& by_table = ctx.MemoOnce<ByTable>(&kTag, [&](ByTable& x) {
    for (size_t d = 0; d < ctx.statement_count(); ++d) {
      const sql::Statement& s = ctx.stmt(d);
      if (s.kind != sql::Kind::kAlterTable || s.table.name.empty()) continue;
      if (std::none_of(s.cmds.begin(), s.cmds.end(), [](const sql::AlterCmd& a) {
            return a.type == sql::AlterType::kDropConstraint;
          }))
        continue;
      x[ctx.Resolve(s.table).Key()].push_back(d);
    }
  });
  static const std::vector<size_t> kNone;
  auto it = by_table.find(table.Key());
  return it == by_table.end() ? kNone : it->second;
}

}  // namespace

std::optional<KeyDrop> ReplacedKeyDrop(const Context& ctx, const sql::QName& table,
                                       const std::string& name, bool pk,
                                       const std::vector<std::string>& columns,
                                       int replacement_cmd) {
  const sql::QName tab = ctx.before().Resolve(table);
  if (ctx.IsNew(table)) return std::nullopt;
  for (size_t d : ConstraintDropsOn(ctx, tab)) {
    if (d > ctx.index) break;
    const sql::Statement& s = ctx.stmt(d);
    // The catalog before `d` is a copy made for the asking: only for a statement that drops a
    // constraint (asked for every ALTER TABLE of the table, it copied the catalog once per
    // earlier statement of the migration at every CREATE INDEX: quadratic time and memory).
    const schema::Table* t = ctx.before(d).FindTable(s.table);
    if (!t) continue;
    for (size_t cmd = 0; cmd < s.cmds.size(); ++cmd) {
      const sql::AlterCmd& a = s.cmds[cmd];
      if (a.type != sql::AlterType::kDropConstraint || ctx.ActionRemoved(d, cmd)) continue;
      const schema::Constraint* k = t->FindConstraint(a.name);
      if (!k) continue;
      const bool old_pk = k->type == sql::Constraint::Type::kPrimaryKey;
      if (!old_pk && k->type != sql::Constraint::Type::kUnique) continue;
      const bool replaces = k->name == name || (old_pk && pk) ||
                            (old_pk == pk && Sorted(k->columns) == Sorted(columns));
      if (!replaces) continue;
      const std::optional<AlterSpans> spans = SplitAlterTable(ctx.parsed(), s);
      if (!spans || !DropMustStay(ctx, d, cmd, *k, replacement_cmd).empty()) return std::nullopt;
      KeyDrop out;
      out.statement = d;
      out.cmd = cmd;
      out.index_name = k->index_name.empty() ? k->name : k->index_name;
      out.action = std::string(ctx.Text(spans->cmds[cmd].first, spans->cmds[cmd].second));
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace lockstep::fix::steps

// An integer primary key changed to bigint together with the foreign keys that reference it
// (locks::KeyConversion: Prisma drops each foreign key, converts the referencing columns, the key,
// and re-adds the foreign keys). Done as one expand/contract over every table involved, in the
// manner of type_change.cc for each converted column, every step safe under lockstep deploy and
// under prisma migrate deploy (each folder one transaction):
//   expand:         one migration per table, so that none holds ACCESS EXCLUSIVE on one table
//                   while it waits for another: the key's here, in place of its ALTER TABLE (the
//                   other statements go), then each table with a converted referencing column;
//                   a new column of the new type, a CHECK (… IS NOT NULL) NOT VALID where the
//                   column is NOT NULL, and a trigger feeding the new column from the old one;
//   backfills:      one batched UPDATE per column;
//   validate:       the CHECKs;
//   indexes:        CREATE UNIQUE INDEX CONCURRENTLY on the new key column, and each index of a
//                   converted referencing column again on the new one (a migration each);
//   swap:           one short transaction under SET LOCAL lock_timeout, the key's table locked
//                   first: drop the foreign keys and the primary key, drop the triggers, NOT NULL
//                   moved to the new columns (proven by the CHECKs), rename old -> _old and
//                   new -> old (indexes likewise: the old ones go with the old columns), ADD
//                   PRIMARY KEY USING INDEX (the built index takes the key's name), the serial
//                   default and the sequence's ownership moved, the sequence made bigint, and the
//                   foreign keys re-added NOT VALID as the migration writes them;
//   validate:       the foreign keys (SHARE UPDATE EXCLUSIVE on the referencing tables);
//   contract:       drop the old columns and the trigger functions, one migration per table
//                   (Plan::contract).
// A referencing column the migration does not convert keeps its type: an integer column may
// reference a bigint key (PostgreSQL's cross-type integer comparison), as the original leaves it.
// The serial's sequence is the one place where the result differs from the original's on purpose:
// ALTER COLUMN … TYPE leaves it AS integer, capping the new key at 2^31 - 1.
#include "base/quote.h"
#include "fix/steps/step.h"
#include "locks/key_conversion.h"

namespace lockstep::fix::steps {
namespace {

// One column replaced by a new one of the new type.
struct Converted {
  sql::QName table;
  std::string tab;  // the table as the migration writes it
  std::string column, new_name, old_name;
  std::string type;   // the new type as written
  std::string fn;     // the trigger (and its function), quoted
  std::string check;  // the NOT NULL check of the new column, quoted; "" when nullable
  // Indexes using the column, built again on the new one under a temporary name: (index, name).
  std::vector<std::pair<const schema::Index*, std::string>> indexes;
};

std::string TableTextOf(const Context& ctx, size_t i) {
  if (const std::optional<AlterSpans> sp = SplitAlterTable(ctx.parsed(), ctx.stmt(i)))
    return std::string(ctx.Text(sp->name_begin, sp->name_end));
  return QuoteQName(ctx.stmt(i).table);
}

// The first type change that belongs to a key conversion: (statement, action).
std::optional<std::pair<size_t, size_t>> FindFirstMember(const Context& ctx) {
  const std::vector<sql::Statement>& all = ctx.parsed().statements;
  for (size_t i = 0; i < all.size(); ++i)
    for (size_t k = 0; k < all[i].cmds.size(); ++k)
      if (all[i].kind == sql::Kind::kAlterTable &&
          all[i].cmds[k].type == sql::AlterType::kAlterColumnType &&
          locks::IsKeyConversionMember(all, i, k, ctx.before(i)))
        return std::make_pair(i, k);
  return std::nullopt;
}

// The same at every statement of the migration: found once (a scan of the whole migration at each
// statement made plan quadratic: 8 minutes and more for a 12 MB file of 210k statements).
std::optional<std::pair<size_t, size_t>> FirstMember(const Context& ctx) {
  using Found = std::optional<std::optional<std::pair<size_t, size_t>>>;
  static const char kTag = 0;  // this memo's owner: Found is a type another step may use too
  Found& found = ctx.Memo<Found>(&kTag);
  if (!found) found = FindFirstMember(ctx);
  return *found;
}

// The columns to convert, the key first, then each converted referencing column; nullopt when
// one cannot be (its type change is not as written, a helper name is taken). Decided the same way
// at every statement of the group, so that all of it is claimed or none.
std::optional<std::vector<Converted>> ColumnsToConvert(const Context& ctx,
                                                       const locks::KeyConversion& kc) {
  const schema::Catalog& before = ctx.before(kc.key_statement);
  std::vector<Converted> cols;
  const auto add = [&](const sql::QName& table, std::string tab, const std::string& column,
                       size_t statement, size_t cmd, bool not_null) {
    const auto written = WrittenTypeChange(ctx, statement, cmd);
    if (!written) return false;
    const schema::Table& t = *before.FindTable(table);
    Converted c;
    c.table = table;
    c.tab = std::move(tab);
    c.column = column;
    c.new_name = FreeColumnName(t, column, "_new");
    c.old_name = FreeColumnName(t, column, "_old");
    c.type = written->first;
    const std::string fn = Cut63(table.name + "_" + column + "_to_new");
    if (before.FindFunction(sql::QName{table.schema, fn})) return false;
    c.fn = QuoteIdent(fn);
    if (not_null)
      c.check = QuoteIdent(ChooseConstraintName(before, table, c.new_name + "_not_null", "check"));
    // The key's own index is the primary key's, built below; the predicate allowed no other.
    if (table != kc.table)
      for (const schema::Index* ix : before.IndexesOn(table))
        if (std::find(ix->columns.begin(), ix->columns.end(), column) != ix->columns.end())
          c.indexes.push_back({ix, TemporaryIndexName(ctx, table.schema, ix->name.name)});
    cols.push_back(std::move(c));
    return true;
  };
  if (!add(kc.table, TableTextOf(ctx, kc.key_statement), kc.column, kc.key_statement, kc.key_cmd,
           true))
    return std::nullopt;
  for (const locks::KeyConversion::Reference& r : kc.references)
    if (!SplitAlterTable(ctx.parsed(), ctx.stmt(r.add_statement)) ||
        (r.type_statement && !add(r.table, TableTextOf(ctx, *r.type_statement), r.column,
                                  *r.type_statement, 0, r.not_null)))
      return std::nullopt;
  return cols;
}

// 1. Expand: one migration per table, the key's in place of its ALTER TABLE, each referencing
// table's in a migration of its own right after it. Each takes ACCESS EXCLUSIVE on its one table
// only: with two tables in one transaction it would wait for the second while holding the first,
// and an application transaction writing both (a nested create) deadlocks with it.
void AddExpand(Context& ctx, const std::vector<Converted>& cols) {
  const Converted& key = cols.front();
  const auto expand_of = [&](const Converted& c) {
    const std::string cn = QuoteIdent(c.new_name);
    std::string sql = "ALTER TABLE " + c.tab + " ADD COLUMN " + cn + " " + c.type;
    if (!c.check.empty())
      sql += ", ADD CONSTRAINT " + c.check + " CHECK (" + cn + " IS NOT NULL) NOT VALID";
    return sql + ";\n\n" +
           SyncTriggerSql(c.tab, c.fn, QuoteIdent(c.column), cn, "NEW." + QuoteIdent(c.column),
                          "$$");
  };
  ctx.Replace(ctx.stmt().begin, ctx.stmt().end, expand_of(key));
  std::vector<sql::QName> tables;  // the referencing tables with a converted column
  for (const Converted& c : cols)
    if (&c != &key && std::find(tables.begin(), tables.end(), c.table) == tables.end())
      tables.push_back(c.table);
  for (const sql::QName& table : tables) {
    NewMigration m;
    std::string names;
    for (const Converted& c : cols) {
      if (&c == &key || c.table != table) continue;
      m.sql += expand_of(c) + ";\n\n";
      names += (names.empty() ? "" : ", ") + c.new_name;
    }
    m.sql.resize(m.sql.size() - 1);
    m.slug = SnakeCase("expand_" + table.name + "_" + ctx.MigrationStem());
    m.purpose = "adds " + names + " to " + table.name +
                " and the triggers feeding them (a transaction of its own: one table locked)";
    ctx.Expand(std::move(m));
  }
}

// 2. Backfills, 3. validation of the NOT NULL checks, 4. the new key's unique index and the
// indexes of the converted referencing columns on their new columns, built without blocking
// writes.
void AddBackfillsAndIndexes(Context& ctx, const std::vector<Converted>& cols,
                            const std::string& key_index) {
  const Converted& key = cols.front();
  for (const Converted& c : cols) {
    NewMigration fill;
    fill.slug = SnakeCase("backfill_" + c.table.name + "_" + c.new_name);
    fill.sql = "UPDATE " + c.tab + " SET " + QuoteIdent(c.new_name) + " = " + QuoteIdent(c.column) +
               " WHERE " + QuoteIdent(c.new_name) + " IS NULL;\n";
    fill.purpose = "fills " + c.new_name + " of the existing rows (lockstep deploy: in batches)";
    ctx.Backfill(std::move(fill));
    if (!c.check.empty())
      ctx.Validate("ALTER TABLE " + c.tab + " VALIDATE CONSTRAINT " + c.check, "check");
  }

  // 4. The new key's unique index, built without blocking writes.
  NewMigration index;
  index.slug = SnakeCase("create_" + key_index);
  index.sql = "CREATE UNIQUE INDEX CONCURRENTLY " + QuoteIdent(key_index) + " ON " + key.tab +
              " (" + QuoteIdent(key.new_name) + ");\n";
  index.transactional = false;
  index.purpose = "builds the new key's unique index (CONCURRENTLY: writes go on)";
  ctx.Add(std::move(index));

  // The indexes of the converted referencing columns, on the new columns, likewise.
  for (const Converted& c : cols)
    for (const auto& [ix, tmp] : c.indexes) {
      std::string keys;
      for (size_t k = 0; k < ix->columns.size(); ++k)
        keys += (k ? ", " : "") +
                QuoteIdent(ix->columns[k] == c.column ? c.new_name : ix->columns[k]) +
                (k < ix->descending.size() && ix->descending[k] ? " DESC" : "");
      NewMigration m;
      m.slug = SnakeCase("create_" + tmp);
      m.sql = std::string("CREATE ") + (ix->unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY " +
              QuoteIdent(tmp) + " ON " + c.tab + " (" + keys + ");\n";
      m.transactional = false;
      m.purpose =
          "builds " + ix->name.name + " again on " + c.new_name + " (CONCURRENTLY: writes go on)";
      ctx.Add(std::move(m));
    }
}

// 5. Swap, in one transaction bounded by lock_timeout: each statement takes ACCESS EXCLUSIVE on
// its table for an instant (no scan, no rewrite, no index build).
NewMigration Swap(const Context& ctx, const locks::KeyConversion& kc,
                  const std::vector<Converted>& cols, const std::string& key_index) {
  const Converted& key = cols.front();
  const schema::Catalog& before = ctx.before(kc.key_statement);
  NewMigration swap;
  swap.slug = SnakeCase("swap_" + kc.table.name + "_" + kc.column);
  // Every lock is taken up front, the key's table first, then the referencing ones. The usual
  // application transaction that writes both takes the key's table first: a nested create
  // inserts the parent row, then the child, and an insert or update of a child row locks the
  // parent too (the foreign key's check) before its transaction ends. Such a transaction that
  // already holds a lock on the key's table is let ahead of the swap queued there, and the swap
  // holds nothing else yet: no cycle. Referencing tables first would make one with every nested
  // create caught between its two inserts, for as long as the application's round trip lasts.
  // The cycle left (a transaction that wrote a referencing table without the foreign key's check,
  // then touches the key's table) is broken by lock_timeout below PostgreSQL's deadlock_timeout
  // (1s): every such wait starts after the swap's own (the swap locked the key's table before
  // waiting for the next one), so the swap gives up first (lockstep deploy retries it), never
  // the application.
  swap.sql = "BEGIN;\nSET LOCAL lock_timeout = '500ms';\nLOCK TABLE " + key.tab;
  std::vector<std::string> locked{key.tab};
  for (const locks::KeyConversion::Reference& r : kc.references)
    if (const std::string t = TableTextOf(ctx, r.add_statement);
        std::find(locked.begin(), locked.end(), t) == locked.end()) {
      locked.push_back(t);
      swap.sql += ", " + t;
    }
  swap.sql += " IN ACCESS EXCLUSIVE MODE;\n";
  // The foreign keys depend on the old key's index: they go first, and come back on the new key.
  for (const locks::KeyConversion::Reference& r : kc.references)
    swap.sql += "ALTER TABLE " + TableTextOf(ctx, r.add_statement) + " DROP CONSTRAINT " +
                QuoteIdent(r.constraint) + ";\n";
  swap.sql += "ALTER TABLE " + key.tab + " DROP CONSTRAINT " + QuoteIdent(kc.constraint) + ";\n";
  for (const Converted& c : cols) {
    const std::string cq = QuoteIdent(c.column), cn = QuoteIdent(c.new_name);
    swap.sql += "DROP TRIGGER " + c.fn + " ON " + c.tab + ";\n";
    // The old column keeps no default (it would draw from the sequence) and no NOT NULL (the
    // applications stop writing it).
    if (&c == &key && kc.serial)
      swap.sql += "ALTER TABLE " + c.tab + " ALTER COLUMN " + cq + " DROP DEFAULT;\n";
    if (!c.check.empty()) {
      // Two statements, as within one ALTER TABLE the DROP CONSTRAINT would run first and SET
      // NOT NULL would scan.
      swap.sql += "ALTER TABLE " + c.tab + " ALTER COLUMN " + cq + " DROP NOT NULL;\n";
      swap.sql += "ALTER TABLE " + c.tab + " ALTER COLUMN " + cn + " SET NOT NULL;\n";
      swap.sql += "ALTER TABLE " + c.tab + " DROP CONSTRAINT " + c.check + ";\n";
    }
    swap.sql +=
        "ALTER TABLE " + c.tab + " RENAME COLUMN " + cq + " TO " + QuoteIdent(c.old_name) + ";\n";
    swap.sql += "ALTER TABLE " + c.tab + " RENAME COLUMN " + cn + " TO " + cq + ";\n";
    // The new indexes take the old ones' names; the old ones stay on the old column (no DROP
    // INDEX under this lock) until the contract phase drops it, and them with it.
    const bool qualify = !ctx.stmt(kc.key_statement).table.schema.empty();
    for (const auto& [ix, tmp] : c.indexes) {
      std::string old_index;
      for (int n = 0; old_index.empty() || before.FindIndex({ix->name.schema, old_index}) ||
                      before.FindTable({ix->name.schema, old_index});
           ++n)
        old_index = Cut63(ix->name.name.substr(0, 56) + "_old" + (n ? std::to_string(n) : ""));
      const auto name = [&](const std::string& n) {
        return qualify ? QuoteQName({ix->name.schema, n}) : QuoteIdent(n);
      };
      swap.sql +=
          "ALTER INDEX " + name(ix->name.name) + " RENAME TO " + QuoteIdent(old_index) + ";\n";
      swap.sql += "ALTER INDEX " + name(tmp) + " RENAME TO " + QuoteIdent(ix->name.name) + ";\n";
    }
    if (&c != &key) continue;
    swap.sql += "ALTER TABLE " + c.tab + " ADD CONSTRAINT " + QuoteIdent(kc.constraint) +
                " PRIMARY KEY USING INDEX " + QuoteIdent(key_index) + ";\n";
    if (kc.serial) {
      const sql::QName seq = schema::Catalog::OwnedSequenceName(kc.table, kc.column);
      const std::string seq_text =
          ctx.stmt().table.schema.empty() ? QuoteIdent(seq.name) : QuoteQName(seq);
      swap.sql += "ALTER TABLE " + c.tab + " ALTER COLUMN " + cq + " SET DEFAULT nextval(" +
                  QuoteLiteral(seq_text) + "::regclass);\n";
      // OWNED BY the new column, or the contract's DROP COLUMN of the old one would drop it.
      swap.sql += "ALTER SEQUENCE " + seq_text + " OWNED BY " + c.tab + "." + cq + ";\n";
      // ALTER COLUMN … TYPE leaves a serial's sequence as it was (AS integer): the new ids
      // would still end at 2^31 - 1, which is what the conversion is for. Changing its type
      // rewrites no table, and its bounds follow when they were the old type's.
      if (!kc.sequence_type.empty())
        swap.sql += "ALTER SEQUENCE " + seq_text + " AS " + kc.sequence_type + ";\n";
    }
  }
  for (const locks::KeyConversion::Reference& r : kc.references) {
    const auto [b, e] = SplitAlterTable(ctx.parsed(), ctx.stmt(r.add_statement))->cmds[0];
    swap.sql += "ALTER TABLE " + TableTextOf(ctx, r.add_statement) + " " +
                std::string(ctx.Text(b, e)) + " NOT VALID;\n";
  }
  swap.sql += "COMMIT;\n";
  swap.purpose =
      "swaps the new columns in under the old names and moves the primary key, the "
      "sequence and the foreign keys to them in one short transaction (lock_timeout "
      "500ms, the key's table locked first)";

  return swap;
}

// 6. The foreign keys, validated without blocking writes.
NewMigration ValidateForeignKeys(const Context& ctx, const locks::KeyConversion& kc) {
  NewMigration validate;
  validate.slug = SnakeCase("validate_" + ctx.MigrationStem() + "_fks");
  for (const locks::KeyConversion::Reference& r : kc.references)
    validate.sql += "ALTER TABLE " + TableTextOf(ctx, r.add_statement) + " VALIDATE CONSTRAINT " +
                    QuoteIdent(r.constraint) + ";\n";
  validate.purpose =
      "validates the foreign keys re-added NOT VALID by the swap (SHARE UPDATE "
      "EXCLUSIVE: reads and writes go on)";

  return validate;
}

// 7. Contract: once no running code can still need the old values. One migration per table, as
// for the expand: DROP COLUMN takes ACCESS EXCLUSIVE on its table.
void AddContract(Context& ctx, const std::vector<Converted>& cols) {
  std::vector<sql::QName> contracted;
  for (const Converted& c : cols) {
    if (std::find(contracted.begin(), contracted.end(), c.table) != contracted.end()) continue;
    contracted.push_back(c.table);
    NewMigration drop;
    std::string names;
    for (const Converted& o : cols) {
      if (o.table != c.table) continue;
      drop.sql += "ALTER TABLE " + o.tab + " DROP COLUMN " + QuoteIdent(o.old_name) +
                  ";\nDROP FUNCTION " + o.fn + "();\n";
      names += (names.empty() ? "" : ", ") + o.old_name;
    }
    drop.slug = SnakeCase("drop_" + c.table.name + "_" + c.old_name);
    const bool one = drop.sql.find("DROP FUNCTION") == drop.sql.rfind("DROP FUNCTION");
    drop.purpose = names + " of " + c.table.name +
                   (one ? " and the trigger function" : " and the trigger functions") +
                   " (contract phase)";
    ctx.Contract(std::move(drop));
  }
}

}  // namespace

bool KeyTypeChangeStep(Context& ctx) {
  const std::optional<std::pair<size_t, size_t>> member = FirstMember(ctx);
  if (!member) return false;
  locks::Options lo;
  lo.pg_version = ctx.options().pg_version;
  locks::KeyConversion kc;
  if (!locks::KeyConversionBlocker(ctx.parsed().statements, member->first, member->second,
                                   ctx.before(member->first), lo, &kc)
           .empty())
    return false;
  // A binary-coercible change of the key (varchar(n) -> text) needs none of this.
  const locks::Effect& key_effect = ctx.effect(kc.key_statement);
  if (std::find(key_effect.rewrites.begin(), key_effect.rewrites.end(), kc.table) ==
      key_effect.rewrites.end())
    return false;
  const std::optional<std::vector<Converted>> cols = ColumnsToConvert(ctx, kc);
  if (!cols) return false;
  // The group is the whole migration: every statement other than the key's goes, its work done
  // by the expand, the swap and the validation written below.
  if (ctx.index != kc.key_statement) {
    ctx.RemoveStatement();
    ctx.Rewrote("part of the conversion of " + kc.table.name + "." + kc.column +
                " (the swap drops and re-adds the foreign keys; the columns are converted by "
                "expand/contract)");
    return true;
  }
  const std::string key_index =
      ChooseIndexName(ctx.before(kc.key_statement), kc.table, cols->front().new_name, "key");
  AddExpand(ctx, *cols);
  AddBackfillsAndIndexes(ctx, *cols, key_index);
  ctx.Add(Swap(ctx, kc, *cols, key_index));
  if (!kc.references.empty()) ctx.Add(ValidateForeignKeys(ctx, kc));
  AddContract(ctx, *cols);

  std::string converted;
  for (const Converted& c : *cols)
    converted += (converted.empty() ? "" : ", ") + c.table.name + "." + c.column;
  ctx.Rewrote("expand/contract of the key and the columns referencing it (" + converted +
              "): the key's new column fed by a trigger here, each referencing table's in a "
              "migration of its own, backfill migrations, NOT NULL through CHECK … NOT VALID and "
              "VALIDATE, the new key's unique index built CONCURRENTLY, a swap in one short "
              "transaction (the key's table locked first) moving the key" +
              (kc.sequence_type.empty() ? "" : ", its sequence (made " + kc.sequence_type + ")") +
              " and the foreign keys (re-added NOT VALID) to the new columns, their validation, "
              "and the old columns dropped in the contract phase, one migration per table");
  return true;
}

}  // namespace lockstep::fix::steps

// The interface between the planner and its rewrite steps (one file each in src/fix/steps/).
//
// The planner offers every statement of the target to the statement steps, and every action of
// an ALTER TABLE to the action steps, in file order. A step that recognises its pattern records
// edits, new migrations and plan notes on the Context and returns true (claimed); unclaimed
// statements are then checked by the unsafe classifier. Steps never touch the disk.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/catalog_walk.h"
#include "analysis/history.h"
#include "analysis/rename.h"
#include "base/scratch.h"
#include "fix/edit.h"
#include "fix/planner.h"
#include "migrations/naming.h"

namespace lockstep::fix::steps {

using migrations::SnakeCase;

// When a moved migration runs relative to the others (Finish orders them by phase, and by
// statement within a phase). Drops wait until every replacement is built, so that no index, unique
// index or key the migration keeps is ever missing between two folders (issue 12 item 5).
enum class Phase {
  kInOrder,    // builds and everything else, in statement order
  kDrop,       // index drops, after every build
  kAfterDrop,  // what needs a dropped index gone: a temporary name renamed to the dropped one
};

// An index whose drop was moved to Phase::kDrop.
struct DeferredDrop {
  sql::QName index;  // schema empty when the index is not in the replayed history
  sql::QName table;  // empty when unknown
  bool unique = false;
};

class Context {
 public:
  // `start`: the catalog just before the target's first statement.
  Context(const analysis::AnalyzedMigration& m, const analysis::History& h, size_t target,
          const Options& o, std::shared_ptr<const schema::Catalog> start);

  // ---- what the steps read ----
  const analysis::AnalyzedMigration& migration() const { return m_; }
  const analysis::History& history() const { return h_; }
  size_t target() const { return target_; }
  const Options& options() const { return o_; }
  std::string_view text() const { return m_.source.text(); }
  const sql::ParsedFile& parsed() const { return m_.parsed; }
  size_t statement_count() const { return m_.parsed.statements.size(); }

  size_t index = 0;  // the statement being offered
  const sql::Statement& stmt() const { return m_.parsed.statements[index]; }
  const sql::Statement& stmt(size_t i) const { return m_.parsed.statements[i]; }
  // The current statement's locks and work, from the lock model on before().
  const locks::Effect& effect() const { return effect(index); }
  // Statement `i`'s, from the lock model on before(i).
  const locks::Effect& effect(size_t i) const;
  // The catalog just before the current statement (valid until the planner moves on), and just
  // before statement `i` (valid until the plan is finished).
  const schema::Catalog& before() const { return walk_.Before(index); }
  const schema::Catalog& before(size_t i) const { return walk_.Before(i); }
  // `q` with its schema filled in. The same before every statement (the default schema): a loop
  // over later statements that only compares names needs no catalog of each.
  sql::QName Resolve(const sql::QName& q) const { return before().Resolve(q); }
  // Spans of the current ALTER TABLE (nullopt for other statements or unusual token streams).
  const std::optional<AlterSpans>& spans() const { return spans_; }
  std::string_view Text(int begin, int end) const { return text().substr(begin, end - begin); }
  std::string_view StatementText() const { return sql::StatementText(text(), stmt()); }
  // The current ALTER TABLE's table as written, or the quoted name.
  std::string TableText() const;
  // Text of the first non-comment token starting at or after `offset` (within the statement).
  std::string TokenAt(int offset) const;
  // Index of the first non-comment token at or after `offset`, or -1.
  int TokenIndexAt(int offset) const;

  // True when `table` was created by the target migration (no other session can see it yet).
  bool IsNew(const sql::QName& table) const;
  // The policy: the seed's rewrites everything; --minimal only what locks a live table.
  bool Wanted(const sql::QName& table) const { return !o_.minimal || !IsNew(table); }
  // "CREATE INDEX \"a\" ON \"b\"…": the statement's first line, shortened, for the plan.
  std::string Summary(size_t statement) const;
  std::string Summary() const { return Summary(index); }
  // SQL keywords to insert into the current statement, in its case ("NOT VALID" / "not valid").
  std::string Kw(std::string_view keywords) const;
  // The target's name without its numeric prefix ("20260123015816_add_v2_tables" ->
  // "add_v2_tables").
  std::string MigrationStem() const;

  // ---- what the steps write ----
  void Insert(int at, std::string s) { edits_.push_back({at, at, std::move(s)}); }
  void Replace(int begin, int end, std::string s) { edits_.push_back({begin, end, std::move(s)}); }
  void RemoveStatement() { removed_[index] = true; }
  void RemoveAction(size_t cmd) { removed_actions_[index].push_back(cmd); }
  // A VALIDATE CONSTRAINT statement (without ';'), run in the validation migration. `kind` is
  // "fk" or "check".
  void Validate(std::string sql, std::string kind) {
    validations_.push_back({std::move(sql), std::move(kind)});
  }
  // The expand of another table than the current statement's, in a migration of its own run
  // right after this one and before the backfills: a transaction that took ACCESS EXCLUSIVE on
  // two tables could deadlock with an application transaction writing both.
  void Expand(NewMigration m) { expands_.push_back(std::move(m)); }
  // A backfill (one UPDATE) in a migration of its own, run after this one and before the
  // validation migration (whose checks need the filled rows).
  void Backfill(NewMigration m) { backfills_.push_back(std::move(m)); }
  // Statements (without ';') run after every backfill and before the validation migration, in
  // one migration: a NOT NULL constraint added NOT VALID, which must not be there while rows
  // that the backfill has yet to reach are updated (NOT VALID spares the existing rows, not the
  // new versions an UPDATE writes of them).
  void AfterBackfill(std::string sql) { after_backfill_.push_back(std::move(sql)); }
  // A contract-phase migration (Plan::contract): what may only run after the rollout of the
  // application that no longer uses the old shape, in the order recorded.
  void Contract(NewMigration m) {
    m.contract_of = stmt().begin;
    contract_.push_back(std::move(m));
  }
  // Statements (without ';') run after the validation migration, in one migration.
  void AfterValidation(std::string sql) { after_validation_.push_back(std::move(sql)); }
  // A migration to run after the validations, in statement order. `in_place`: the edits that
  // make the current statement safe where it stands, used instead when the target would
  // otherwise be left empty (a one-statement migration is fixed in place); nullopt when the
  // moved text cannot stand in the target.
  void Move(NewMigration m, std::optional<std::vector<Edit>> in_place,
            Phase phase = Phase::kInOrder);
  // A generated migration following the last moved one of its phase.
  void Add(NewMigration m, Phase phase = Phase::kInOrder) {
    moved_.push_back({std::move(m), std::nullopt, -1, phase});
  }
  // Records that the drop of `d.index` runs in Phase::kDrop: until then its name is taken.
  void DeferDrop(DeferredDrop d) { deferred_drops_.push_back(std::move(d)); }
  const std::vector<DeferredDrop>& deferred_drops() const { return deferred_drops_; }
  // Removes action `cmd` of the earlier ALTER TABLE at `statement` (a drop the current statement
  // runs in its own swap instead).
  void RemoveActionOf(size_t statement, size_t cmd) { removed_actions_[statement].push_back(cmd); }
  bool ActionRemoved(size_t statement, size_t cmd) const {
    const std::vector<size_t>& r = removed_actions_[statement];
    return removed_[statement] || std::find(r.begin(), r.end(), cmd) != r.end();
  }
  void Rewrote(std::string how) { rewrites_.push_back({stmt().begin, Summary(), std::move(how)}); }
  void LeftAlone(std::string why) {
    left_alone_.push_back({stmt().begin, Summary(), std::move(why)});
  }
  void MarkUnsafe(std::string why, std::vector<std::string> steps) {
    unsafe_.push_back({stmt().begin, Summary(), std::move(why), std::move(steps)});
  }

  // Assembles the plan (called once by the planner after every statement was offered).
  Result<Plan> Finish();

  // Planner bookkeeping.
  void BeginStatement(size_t i);

  // Per-migration memo of type T for the caller identified by `owner` (the address of a static
  // tag of the step's own), value-initialised on first use and kept while this Context lives
  // (one migration). A step that asks a question about the whole migration at every statement
  // answers it once here: asked afresh each time, it made plan quadratic in a file's statements.
  template <typename T>
  T& Memo(const void* owner) const {
    return memo_.Get<T>(owner);
  }
  // A Memo built once by `build(T&)`, on first use: the index a step keeps over the whole
  // migration.
  template <typename T, typename Build>
  const T& MemoOnce(const void* owner, Build build) const {
    Built<T>& m = memo_.Get<Built<T>>(owner);
    if (!m.built) {
      m.built = true;
      build(m.value);
    }
    return m.value;
  }

 private:
  template <typename T>
  struct Built {
    bool built = false;
    T value;
  };
  struct Moved {
    NewMigration migration;
    std::optional<std::vector<Edit>> in_place;
    int statement;  // -1 for generated migrations
    Phase phase;
  };
  struct Validation {
    std::string sql;
    std::string kind;
  };

  const analysis::AnalyzedMigration& m_;
  const analysis::History& h_;
  size_t target_;
  const Options& o_;
  // Logically const: it only computes catalogs of the target that are already determined.
  mutable analysis::CatalogWalk walk_;
  mutable std::map<size_t, locks::Effect> effects_;  // by statement, once asked for
  std::optional<AlterSpans> spans_;
  std::vector<Edit> edits_;
  std::vector<bool> removed_;
  std::vector<std::vector<size_t>> removed_actions_;
  std::vector<NewMigration> expands_;
  std::vector<NewMigration> backfills_;
  std::vector<NewMigration> contract_;
  std::vector<Validation> validations_;
  std::vector<std::string> after_backfill_;
  std::vector<std::string> after_validation_;
  std::vector<Moved> moved_;
  std::vector<DeferredDrop> deferred_drops_;
  std::vector<Note> rewrites_;
  std::vector<Note> left_alone_;
  std::vector<Unsafe> unsafe_;
  mutable ScratchMap memo_;  // Memo()'s slots
};

// The migration's renames and what happens to them later in it, walked once per migration
// (the same walk lint's rename rules make, so that the two agree).
const analysis::RenameWalk& Renames(const Context& ctx);

// Statement steps: return true when they claim the statement.
bool CreateIndexStep(Context& ctx);
bool DropIndexStep(Context& ctx);
bool ReindexStep(Context& ctx);
bool RefreshMatViewStep(Context& ctx);
bool RenameColumnStep(Context& ctx);
bool RenameTableStep(Context& ctx);
bool IsolateNonTransactionalStep(Context& ctx);
bool IsolateBackfillStep(Context& ctx);

// ALTER TABLE action steps: return true when they claim action `cmd` of the current statement.
bool ForeignKeyStep(Context& ctx, size_t cmd);
bool CheckConstraintStep(Context& ctx, size_t cmd);
bool UniqueConstraintStep(Context& ctx, size_t cmd);
bool SetNotNullStep(Context& ctx, size_t cmd);
bool VolatileDefaultStep(Context& ctx, size_t cmd);
bool SerialColumnStep(Context& ctx, size_t cmd);
bool IdentityColumnStep(Context& ctx, size_t cmd);
bool TypeChangeStep(Context& ctx, size_t cmd);
// A primary key's type change with the foreign keys referencing it (locks::KeyConversion): claims
// every statement of the migration when it is that group and the group can be converted.
bool KeyTypeChangeStep(Context& ctx);
bool DetachPartitionStep(Context& ctx, size_t cmd);
bool ValidateConstraintStep(Context& ctx, size_t cmd);

// Whether action `cmd` of the ALTER TABLE at `i` is a SET NOT NULL that SetNotNullStep defers
// until after the backfills and validations (CHECK … NOT VALID in its place).
bool SetNotNullDefers(const Context& ctx, size_t i, size_t cmd);

// The byte range of inline constraint `k` of `col` (an ADD COLUMN action ending at
// `action_end`): from its keyword to where the next one, or the action, ends; trailing blanks
// excluded.
std::pair<int, int> InlineConstraintSpan(const Context& ctx, const sql::ColumnDef& col, size_t k,
                                         int action_end);
// Removes inline constraint `k` of `col` and the blanks before it.
void RemoveInlineConstraint(Context& ctx, const sql::ColumnDef& col, size_t k, int action_end);

// Whether the target major (18+) has NOT NULL constraints that can be added NOT VALID.
bool NotNullConstraintsCanBeNotValid(const Context& ctx);
// Makes `column` of `table` (the current ALTER TABLE's) NOT NULL without a scan under ACCESS
// EXCLUSIVE (not_null.cc): records the VALIDATE (and, before 18, the SET NOT NULL and DROP CHECK
// after the validations) and returns the action that adds the constraint NOT VALID ("ADD
// CONSTRAINT …", in the statement's keyword case), to put in the current statement. When
// `after_backfill` (a column the current migration adds and a backfill fills), it is recorded
// for the migration after the backfills instead and "" is returned. `column_text`: the column
// as it is to be written in the generated SQL.
std::string DeferNotNull(Context& ctx, const sql::QName& table, const std::string& column,
                         const std::string& column_text, bool after_backfill);

// Whether the column that the current ADD COLUMN adds with an owned sequence (serial, identity)
// can be numbered by a backfill after the migration: every inline constraint has a span to edit,
// no later statement of the migration changes the column or names its sequence, the statement
// ends with ';' and the sequence's name is free (serial_column.cc).
bool SequenceColumnCanBeBackfilled(const Context& ctx, const sql::ColumnDef& col);
// Whether no relation of the history before the current statement has the name `seq`.
bool SequenceNameIsFree(const Context& ctx, const sql::QName& seq);
// Rewrites ADD COLUMN action `cmd` of the current statement into a column of `integer_type`
// numbered by sequence `seq` (created before the statement with `seq_options`, owned by the
// column after it, its nextval() the default for new rows), the existing rows numbered in a
// backfill migration, then NOT NULL without a scan (serial_column.cc).
void NumberBySequence(Context& ctx, size_t cmd, const sql::QName& seq,
                      const std::string& integer_type, const std::string& seq_options);

// For statements (or actions) no step claimed: records what cannot be made safe automatically.
void ClassifyUnsafe(Context& ctx, const std::vector<size_t>& unclaimed_actions);

// Why moving statement `from` (which creates or drops `index` on `table` over `columns`) after
// the rest of the migration would change its meaning, or "" when it is free to move.
std::string LaterDependency(const Context& ctx, size_t from, const sql::QName& index,
                            const sql::QName& table, const std::vector<std::string>& columns);
// Why a statement generated for later (VALIDATE, SET NOT NULL …) could not name `table` (and
// `constraint` / `column`, when given) as statement `from` does, because a later statement of
// the migration renames or drops them; "" when it can.
std::string LaterRenameOrDrop(const Context& ctx, size_t from, const sql::QName& table,
                              const std::string& constraint, const std::string& column);
// For the DROP INDEX at `i`: where a later statement of the migration drops every index it names
// anyway, with its table or a column the index uses ("line N (summary)"), under an ACCESS
// EXCLUSIVE lock on the same table; "" when some index survives until the end of the migration.
std::string DroppedLaterWith(const Context& ctx, size_t i);
// Whether the CREATE INDEX / DROP INDEX at `i` is moved by its step (ignoring dependencies); a
// CONCURRENTLY one is moved when IsolateNonTransactionalStep moves it.
bool CreateIndexMoves(const Context& ctx, size_t i);
bool DropIndexMoves(const Context& ctx, size_t i);
// Whether the statement at `i` must run outside a transaction and shares its migration with
// others, so that IsolateNonTransactionalStep moves it after the rest (ignoring dependencies).
bool IsolateMoves(const Context& ctx, size_t i);
// The columns an index covers: its key columns and every column its expressions use.
std::vector<std::string> IndexColumns(const sql::CreateIndex& ix);
// Statement index of the earlier CREATE UNIQUE INDEX of the migration that the foreign key added
// by action `cmd` of statement `j` needs as its unique key, when that index is moved after the
// migration; -1 when the foreign key needs no moved index.
int MovedKeyIndexFor(const Context& ctx, size_t j, size_t cmd);
// Why the foreign key added by action `cmd` of the ALTER TABLE at `j` cannot follow the unique
// index it needs (added NOT VALID in a migration after the index's, validated in the next), or ""
// when it can: nothing later in the migration may use, rename or drop it, its table or columns,
// or change the rows it would check.
std::string ForeignKeyMoveBlocker(const Context& ctx, size_t j, size_t cmd);

// ---- never open a window (window.cc) ----
// Whether an index named `index` (schema empty: any) is dropped by an earlier statement in
// Phase::kDrop, so that its name is still taken while the current migration's builds run.
bool NameTakenUntilDrops(const Context& ctx, const sql::QName& index);
// A name for an index built before the index holding its real name is dropped: `name` + "_new"
// (cut to 63 bytes), numbered when taken by any relation the migration sees or creates.
std::string TemporaryIndexName(const Context& ctx, const std::string& schema,
                               const std::string& name);
// The byte span of the index name in the CREATE INDEX at `i`, or nullopt when it has none.
std::optional<std::pair<int, int>> IndexNameSpan(const Context& ctx, size_t i);
// An earlier `ALTER TABLE … DROP CONSTRAINT` of the migration that the new key (on `table`,
// named `name`, over `columns`, a primary key when `pk`) replaces: the same name, both primary
// keys, or the same kind of key over the same columns. Found only when the drop can wait until
// the new key's index is built: nothing after it in the migration needs the old key gone.
struct KeyDrop {
  size_t statement = 0;
  size_t cmd = 0;
  std::string index_name;  // the dropped key's index (its name is taken until the swap)
  std::string action;      // the DROP CONSTRAINT action as written
};
// `replacement_cmd`: the current statement's action that adds the new key, -1 for a CREATE INDEX.
std::optional<KeyDrop> ReplacedKeyDrop(const Context& ctx, const sql::QName& table,
                                       const std::string& name, bool pk,
                                       const std::vector<std::string>& columns,
                                       int replacement_cmd);

// ---- a column's type changed through a new column (type_change.cc, key_type_change.cc) ----
// A name of at most 63 bytes (PostgreSQL's NAMEDATALEN - 1), cut at a character boundary.
std::string Cut63(std::string name);
// `base` + `suffix`, numbered until no column of `t` has the name.
std::string FreeColumnName(const schema::Table& t, const std::string& base,
                           const std::string& suffix);
// The new type of the ALTER COLUMN … TYPE action `cmd` of the ALTER TABLE at `i` as written (up to
// USING, any COLLATE kept) and its USING expression ("" without one); nullopt when the text does
// not split cleanly.
std::optional<std::pair<std::string, std::string>> WrittenTypeChange(const Context& ctx, size_t i,
                                                                     size_t cmd);
// The trigger function `fn` and its BEFORE INSERT OR UPDATE trigger on `tab` setting `c_new` to
// `value` (an expression over NEW) in every row written, dollar-quoted with `tag`; no final ';'.
std::string SyncTriggerSql(const std::string& tab, const std::string& fn, const std::string& c,
                           const std::string& c_new, const std::string& value,
                           const std::string& tag);

// Slugs for new migrations, from the objects they touch.
std::string IndexSlug(const sql::CreateIndex& ix);

// A constraint name PostgreSQL would choose (ChooseConstraintName: unique in the schema).
std::string ChooseConstraintName(const schema::Catalog& catalog, const sql::QName& table,
                                 std::string_view name2, std::string_view label);
// An index name PostgreSQL would choose (ChooseRelationName: unique among the schema's relations).
std::string ChooseIndexName(const schema::Catalog& catalog, const sql::QName& table,
                            std::string_view name2, std::string_view label);
// The constraint name as written after CONSTRAINT at `location` (quotes kept), or "".
std::string WrittenConstraintName(const Context& ctx, int location);
// Column names joined by '_' as PostgreSQL does for default names (capped at 63 bytes).
std::string JoinColumnsForName(const std::vector<std::string>& columns);

}  // namespace lockstep::fix::steps

#include "deploy/plan.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/quote.h"
#include "base/source.h"
#include "locks/lock_model.h"
#include "migrations/checksum.h"
#include "schema/catalog.h"
#include "sql/parser.h"

namespace lockstep::deploy {
namespace {

std::string Summary(std::string_view text) {
  constexpr size_t kMax = 90;
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() > kMax) {
      // Cut on a UTF-8 boundary.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
        out.pop_back();
      if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
      return out + "…";
    }
  }
  return out;
}

void AddRelation(std::vector<sql::QName>& out, const sql::QName& q) {
  if (q.name.empty()) return;
  if (std::find(out.begin(), out.end(), q) == out.end()) out.push_back(q);
}

std::vector<sql::QName> Relations(const sql::Statement& s) {
  std::vector<sql::QName> out;
  AddRelation(out, s.table);
  AddRelation(out, s.reindex->index);
  for (const sql::QName& q : s.tables) AddRelation(out, q);
  if (s.kind == sql::Kind::kDrop &&
      (s.object_type == sql::ObjectType::kIndex || s.object_type == sql::ObjectType::kTable)) {
    for (const sql::QName& q : s.objects) AddRelation(out, q);
  }
  if (s.index) AddRelation(out, s.index->table);
  for (const sql::Constraint& c : s.table_constraints) AddRelation(out, c.ref_table);
  for (const sql::AlterCmd& c : s.cmds) {
    if (c.constraint) AddRelation(out, c.constraint->ref_table);
    AddRelation(out, c.partition);
    if (c.column)
      for (const sql::Constraint& k : c.column->constraints) AddRelation(out, k.ref_table);
  }
  for (const sql::ColumnDef& col : s.columns)
    for (const sql::Constraint& k : col.constraints) AddRelation(out, k.ref_table);
  return out;
}

bool OnlyValidates(const sql::Statement& s) {
  if (s.kind != sql::Kind::kAlterTable || s.cmds.empty()) return false;
  return std::all_of(s.cmds.begin(), s.cmds.end(), [](const sql::AlterCmd& c) {
    return c.type == sql::AlterType::kValidateConstraint;
  });
}

// Fills the timeouts, progress and recovery fields from the statement's shape.
void Classify(const sql::Statement& s, const Options& options, PlannedStatement& p) {
  p.statement_timeout_ms = options.statement_timeout_ms;
  // The lock model without a catalog: lock modes follow from the statement alone (a catalog only
  // tells new tables from old ones, and what is new on the primary is absent on the replica).
  // Names as the statement wrote them, so that they resolve in the target's schema.
  std::vector<sql::QName> named = Relations(s);
  std::vector<bool> strong(named.size());
  for (const locks::RelationLock& l : locks::Analyze(s, schema::Catalog()).locks) {
    if (l.mode <= locks::LockMode::kRowExclusive) continue;
    for (size_t i = 0; i < named.size(); ++i)
      if (named[i].name == l.relation.name) strong[i] = true;
  }
  p.relations.reserve(named.size());
  for (bool first_pass : {true, false})
    for (size_t i = 0; i < named.size(); ++i)
      if (strong[i] == first_pass) p.relations.push_back(std::move(named[i]));
  p.strong_count = static_cast<uint32_t>(std::count(strong.begin(), strong.end(), true));
  auto unlimited = [&] {
    p.statement_timeout_ms = 0;
    p.long_running = true;
  };
  switch (s.kind) {
    case sql::Kind::kCreateIndex:
      p.index_progress = true;
      p.long_running = true;
      if (s.index) {
        p.objects.Mutable().index = {s.index->table.schema, s.index->name};
        p.objects.Mutable().table = s.index->table;
        if (s.index->concurrently) {
          unlimited();
          p.recovery = Recovery::kCreateIndexConcurrently;
          p.waits_for_older_transactions = true;
        }
      }
      break;
    case sql::Kind::kReindex:
      p.index_progress = true;
      p.long_running = true;
      if (s.reindex->target == sql::ReindexTarget::kIndex)
        p.objects.Mutable().index = s.reindex->index;
      if (s.reindex->target == sql::ReindexTarget::kTable) p.objects.Mutable().table = s.table;
      if (s.concurrently) {
        unlimited();
        p.recovery = Recovery::kReindexConcurrently;
        p.waits_for_older_transactions = true;
      }
      break;
    case sql::Kind::kDrop:
      if (s.object_type == sql::ObjectType::kIndex && s.concurrently) {
        unlimited();
        p.recovery = Recovery::kDropIndexConcurrently;
        if (!s.objects.empty()) p.objects.Mutable().index = s.objects.front();
      }
      break;
    case sql::Kind::kVacuum:
      if (!s.vacuum_full) unlimited();
      p.long_running = true;
      break;
    case sql::Kind::kAlterTable:
      if (OnlyValidates(s)) unlimited();
      for (const sql::AlterCmd& c : s.cmds) {
        if (c.type == sql::AlterType::kDetachPartition && c.concurrently) {
          unlimited();
          p.recovery = Recovery::kDetachConcurrently;
          p.objects.Mutable().table = s.table;
          p.objects.Mutable().partition = c.partition;
        }
      }
      break;
    case sql::Kind::kSet:
      p.session_set = !s.setting->local;
      // RESET ALL has no name.
      p.may_change_timeouts = s.setting->name.empty() || s.setting->name == "lock_timeout" ||
                              s.setting->name == "statement_timeout" ||
                              s.setting->name == "idle_in_transaction_session_timeout";
      break;
    case sql::Kind::kSelect:
    case sql::Kind::kInsert:
    case sql::Kind::kUpdate:
    case sql::Kind::kDelete:
    case sql::Kind::kMerge:
    case sql::Kind::kDo:
    case sql::Kind::kOther:  // CALL, …
      // May call set_config() or a function that SETs: lockstep cannot see into them.
      p.may_change_timeouts = true;
      break;
    default:
      break;
  }
}

bool RefusedTransactionControl(const sql::Statement& s) {
  if (s.kind != sql::Kind::kTransaction) return false;
  switch (s.transaction) {
    case sql::TransactionKind::kRollback:
    case sql::TransactionKind::kPrepare:
    case sql::TransactionKind::kCommitPrepared:
    case sql::TransactionKind::kRollbackPrepared:
      return true;
    default:
      return false;
  }
}

// A session-level SET that means nothing for one transaction in particular: SET LOCAL and SET
// TRANSACTION ... shape the migration's transaction, which a batched backfill does not have.
bool SessionSetting(const sql::Statement& s) {
  if (s.kind != sql::Kind::kSet || s.setting->local) return false;
  return s.setting->name != "transaction" && s.setting->name.rfind("transaction_", 0) != 0 &&
         s.setting->name != "session characteristics";
}

// The UPDATE's shape, when deploy can run it in batches: the rest of the text is kept as written
// and the key range ANDed onto its WHERE (docs/backfill.md).
std::optional<Backfill> BackfillShape(const sql::Statement& s) {
  if (s.kind != sql::Kind::kUpdate || !s.update) return std::nullopt;
  const sql::Update& u = *s.update;
  // RETURNING would make the WHERE end before the statement does; CURRENT OF names one row.
  if (u.has_returning || u.where_current_of) return std::nullopt;
  if (u.has_where && u.where_begin < 0) return std::nullopt;
  Backfill b;
  b.table = s.table;
  b.alias = u.alias;
  b.only = u.only;
  b.set_columns = u.set_columns;
  if (u.has_where) {
    b.where_begin = u.where_begin - s.begin;
    b.where_end = u.where_end - s.begin;
  }
  return b;
}

// What decides whether a migration is a batched backfill, gathered statement by statement (the
// statements themselves are gone by the end of the parse).
struct BackfillCandidate {
  int others = 0;                 // statements in transactions, session-level SETs aside
  std::optional<Backfill> shape;  // the first of them, when it is an UPDATE deploy can batch
  int index = -1;                 // its PlannedStatement::index
};

// A migration that is one UPDATE, possibly with session-level SETs around it, outside a BEGIN …
// COMMIT of its own, becomes one kBackfill step.
void MakeBackfill(MigrationPlan& plan, BackfillCandidate& candidate) {
  if (!plan.errors.empty() || plan.steps.size() != 1 ||
      plan.steps[0].kind != StepKind::kTransaction || plan.steps[0].explicit_block)
    return;
  if (candidate.others != 1 || !candidate.shape) return;
  Step& step = plan.steps[0];
  for (PlannedStatement& p : step.statements) {
    if (p.index == candidate.index) p.backfill = std::move(*candidate.shape);
  }
  step.kind = StepKind::kBackfill;
}

// Groups a migration's statements into steps as the parse hands them over (sql::ParseEach).
class Grouper {
 public:
  Grouper(MigrationPlan& plan, const Options& options) : plan_(plan), options_(options) {}

  void Add(const sql::Statement& s);
  // Back to an empty plan (the parse starts again from the file's first statement).
  void Restart();
  void Finish();

 private:
  void Error(int offset, const std::string& message) {
    plan_.errors.push_back(plan_.file->Where(offset) + ": error: " + message);
  }
  void Note(int offset, const std::string& message) {
    plan_.notes.push_back(plan_.file->Where(offset) + ": note: " + message);
  }
  void CloseGroup() {
    if (group_ && !group_->statements.empty()) plan_.steps.push_back(std::move(*group_));
    group_.reset();
  }
  // BEGIN / COMMIT; false for the other transaction statements, which are ordinary statements.
  bool TransactionControl(const sql::Statement& s, std::string_view text);

  MigrationPlan& plan_;
  const Options& options_;
  std::optional<Step> group_;  // the transaction being filled
  int block_begin_ = -1;       // offset of the migration's own BEGIN while inside it
  int index_ = 0;
  BackfillCandidate backfill_;
};

void Grouper::Restart() {
  plan_.steps.clear();
  plan_.errors.clear();
  plan_.notes.clear();
  group_.reset();
  block_begin_ = -1;
  index_ = 0;
  backfill_ = {};
}

bool Grouper::TransactionControl(const sql::Statement& s, std::string_view text) {
  if (RefusedTransactionControl(s)) {
    Error(s.begin, "'" + Summary(text) +
                       "' in a migration is not supported: lockstep decides transaction "
                       "boundaries itself and cannot tell what it should undo");
    return true;
  }
  if (s.transaction == sql::TransactionKind::kBegin) {
    if (block_begin_ >= 0) {
      Note(s.begin, "BEGIN inside a transaction block has no effect (PostgreSQL only warns)");
      return true;
    }
    CloseGroup();
    group_ = Step{};
    group_->explicit_block = true;
    group_->begin_sql = std::string(text);  // keeps an isolation level or READ ONLY
    block_begin_ = s.begin;
    return true;
  }
  if (s.transaction == sql::TransactionKind::kCommit) {
    // Ends the migration's block, or the implicit group before it, as PostgreSQL would.
    CloseGroup();
    block_begin_ = -1;
    return true;
  }
  return false;  // SAVEPOINT, RELEASE, ROLLBACK TO: ordinary statements in the step's transaction
}

void Grouper::Add(const sql::Statement& s) {
  const std::string_view text = sql::StatementText(plan_.sql(), s);
  if (s.kind == sql::Kind::kTransaction && TransactionControl(s, text)) return;

  PlannedStatement p;
  p.index = index_++;
  p.begin = s.begin;
  p.end = s.end;
  p.file = plan_.file;
  Classify(s, options_, p);

  if (sql::MustRunOutsideTransaction(s)) {
    if (block_begin_ >= 0) {
      Error(s.begin, "'" + Summary(text) +
                         "' cannot run inside a transaction block, and this migration opens "
                         "one at " +
                         plan_.file->Where(block_begin_) + ": move it after the COMMIT");
      return;
    }
    CloseGroup();
    Step step;
    step.kind = StepKind::kOutsideTransaction;
    step.statements.push_back(std::move(p));
    plan_.steps.push_back(std::move(step));
    return;
  }
  if (!SessionSetting(s) && ++backfill_.others == 1) {
    backfill_.shape = BackfillShape(s);
    backfill_.index = p.index;
  }
  if (!group_) group_ = Step{};
  group_->statements.push_back(std::move(p));
}

void Grouper::Finish() {
  if (block_begin_ >= 0) {
    Note(block_begin_, "BEGIN without COMMIT: the transaction ends with the migration");
  }
  CloseGroup();
  plan_.statement_count = index_;
  MakeBackfill(plan_, backfill_);
}

}  // namespace

std::string Qualified(const sql::QName& q, std::string_view default_schema) {
  return QuoteQualified(q.schema.empty() ? default_schema : q.schema, q.name);
}

const PlannedStatement* BackfillStatement(const Step& step) {
  if (step.kind != StepKind::kBackfill) return nullptr;
  for (const PlannedStatement& s : step.statements) {
    if (s.backfill) return &s;
  }
  return nullptr;
}

std::string_view PlannedStatement::sql() const {
  return std::string_view(file->text()).substr(begin, end - begin);
}

std::string PlannedStatement::summary() const {
  return unanalysed ? "the whole migration (not analysed)" : Summary(sql());
}

std::string PlannedStatement::where() const { return file->Where(begin); }

MigrationPlan UnanalysedPlan(const MigrationPlan& p) {
  MigrationPlan out;
  out.name = p.name;
  out.checksum = p.checksum;
  out.file = p.file;
  out.statement_count = 1;
  PlannedStatement whole;
  whole.end = static_cast<int>(p.sql().size());
  whole.file = p.file;
  whole.unanalysed = true;
  whole.may_change_timeouts = true;  // lockstep cannot see what it SETs
  Step step;
  step.statements.push_back(std::move(whole));
  out.steps.push_back(std::move(step));
  return out;
}

MigrationPlan PlanMigration(migrations::Migration m, const Options& options) {
  MigrationPlan plan;
  plan.name = m.name;
  plan.checksum = migrations::PrismaChecksum(m.sql);
  plan.file = std::make_shared<const SourceFile>(m.sql_path.string(), std::move(m.sql));

  // Statement by statement as the parse goes: a large file's Statements are never all held at
  // once, only the (much smaller) PlannedStatements.
  Grouper grouper(plan, options);
  sql::StatementSink sink;
  sink.take = [&](std::vector<sql::Statement>& batch) {
    for (const sql::Statement& s : batch) grouper.Add(s);
  };
  sink.restart = [&] { grouper.Restart(); };
  const sql::ParsedFile parsed = sql::ParseEach(plan.sql(), sink);
  if (!parsed.ok()) {
    grouper.Restart();
    plan.errors = sql::FormatErrors(*plan.file, parsed);
    plan.syntax_error = true;
    return plan;
  }
  grouper.Finish();
  return plan;
}

std::vector<Step> StepsFrom(const MigrationPlan& plan, int from) {
  std::vector<Step> out;
  for (const Step& step : plan.steps) {
    if (step.end() <= from) continue;
    Step s = step;
    s.statements.erase(std::remove_if(s.statements.begin(), s.statements.end(),
                                      [&](const PlannedStatement& p) { return p.index < from; }),
                       s.statements.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace lockstep::deploy
